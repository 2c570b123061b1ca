#!/usr/bin/env node
/* eslint-disable no-console */
'use strict';

/**
 * Starts the Microsoft 365 Agents Playground (a local Teams-like client with a mock Bot Connector)
 * fully offline, pointed at the local bot endpoint.
 *
 *   node scripts/playground.js            # or: npm run playground
 *
 * Environment (all optional):
 *   BOT_PORT          bot port; endpoint http://127.0.0.1:${BOT_PORT}/api/messages (default 3978)
 *   BOT_ENDPOINT      full bot endpoint, overrides BOT_PORT
 *   PLAYGROUND_PORT   Playground web UI + mock connector port (default 56150; the Playground
 *                     silently falls back to a random port when it is taken: read the
 *                     "Listening on <port>" line)
 *   PLAYGROUND_CONFIG Playground config file (default <repo>/.m365agentsplayground.yml)
 *   PLAYGROUND_LOG    Playground log file (default <repo>/test-artifacts/playground/m365agentsplayground.log)
 *   PLAYGROUND_TZ     time zone the Playground stamps on activities (default America/Toronto)
 *   PLAYGROUND_OPEN_BROWSER=1  let the Playground open the system browser (off by default)
 * Extra command-line arguments are passed to the Playground CLI unchanged (see `--help`).
 *
 * The Playground needs no app id: without --client-id/--client-secret it sends unauthenticated
 * activities, which the bot accepts only when it has no MicrosoftAppId configured (local runs).
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');

/** Flags and environment shared with test/e2e/support/playground.ts (keep both in step). */
function playgroundCommand(options = {}) {
  const botPort = Number(options.botPort || process.env.BOT_PORT || 3978);
  const port = Number(options.port || process.env.PLAYGROUND_PORT || 56150);
  const endpoint =
    options.botEndpoint || process.env.BOT_ENDPOINT || `http://127.0.0.1:${botPort}/api/messages`;
  const configPath = path.resolve(
    options.configPath || process.env.PLAYGROUND_CONFIG || path.join(repoRoot, '.m365agentsplayground.yml'),
  );
  const logFile = path.resolve(
    options.logFile ||
      process.env.PLAYGROUND_LOG ||
      path.join(repoRoot, 'test-artifacts', 'playground', 'm365agentsplayground.log'),
  );
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [repoRoot] });

  const args = [
    cli,
    '--port', String(port),
    '--app-endpoint', endpoint,
    '--channel-id', 'msteams',
    '--disable-telemetry',
    ...(options.extraArgs || []),
  ];
  const env = {
    ...process.env,
    // Never open a browser; never phone home.
    TEAMSAPPTESTER_BROWSER: process.env.PLAYGROUND_OPEN_BROWSER === '1' ? '' : 'none',
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL: 'true',
    // --disable-telemetry stops events, but the Application Insights SDK is still set up and
    // started (heartbeat, live metrics): switch its channel off entirely.
    APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: JSON.stringify({
      disableAppInsights: true,
      disableStatsbeat: true,
      enableAutoCollectHeartbeat: false,
      enableSendLiveMetrics: false,
      enableAutoCollectPerformance: false,
      enableAutoCollectPreAggregatedMetrics: false,
      enableAutoCollectExceptions: false,
      enableAutoCollectConsole: false,
      enableAutoCollectExternalLoggers: false,
    }),
    // Activities carry the Playground's time zone (localTimezone, clientInfo.timezone,
    // localTimestamp offset): make it Québec's unless told otherwise.
    TZ: process.env.PLAYGROUND_TZ || 'America/Toronto',
    // Config file and log file (the default log location is ./devTools/ under the cwd).
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
  };
  // Channel messages must reach the bot with their Teams shape.
  delete env.DEFAULT_CHANNEL_ID;
  return { command: process.execPath, args, env, cwd: repoRoot, port, endpoint, configPath, logFile };
}

function main() {
  const cmd = playgroundCommand({ extraArgs: process.argv.slice(2) });
  if (!fs.existsSync(cmd.configPath)) {
    console.warn(`[playground] ${cmd.configPath} not found: the Playground uses its built-in config.`);
  }
  fs.mkdirSync(path.dirname(cmd.logFile), { recursive: true });
  console.log(`[playground] bot endpoint ${cmd.endpoint}`);
  console.log(`[playground] config       ${cmd.configPath}`);
  console.log(`[playground] log          ${cmd.logFile}`);
  console.log(`[playground] open         http://localhost:${cmd.port}/ (unless the port was taken)`);

  const child = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: 'inherit' });

  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal));

  child.on('error', (err) => {
    console.error('[playground] failed to start:', err);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Leave with the same signal so parents see how it ended.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 0);
  });
}

module.exports = { playgroundCommand };

if (require.main === module) main();
