#!/usr/bin/env node
'use strict';

/**
 * The local run: the bot (embedded local Cosmos DB server saved in .data/, no Bot Framework auth) and the
 * Microsoft 365 Agents Playground pointing at it, both offline. Ctrl+C stops both.
 *
 * The Playground sends `locale: "en-US"` on every activity, so the bot is told to answer in
 * French (DEV_LOCALE=fr-CA) unless DEV_LOCALE says otherwise (`DEV_LOCALE=en-US npm run dev`).
 * The bot's JSON logs are printed one readable line each; `DEV_LOG=json` keeps them raw.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');
const botPort = process.env.PORT || '3978';
const playgroundPort = process.env.PLAYGROUND_PORT || '56150';
const devLocale = process.env.DEV_LOCALE ?? 'fr-CA';
const children = [];

const LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const QUIET_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service']);

/** One pino JSON line as "16:34:02 info  message key=value"; anything else unchanged. */
function pretty(line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (!entry || typeof entry !== 'object' || !('msg' in entry)) return line;
  const time = new Date(entry.time ?? Date.now()).toTimeString().slice(0, 8);
  const extras = Object.entries(entry)
    .filter(([key]) => !QUIET_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : value}`);
  return `${time} ${(LEVELS[entry.level] ?? entry.level).padEnd(5)} ${entry.msg}${extras.length ? `  ${extras.join(' ')}` : ''}`;
}

function start(name, args, env, { prettyLogs = false } = {}) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['inherit', prettyLogs ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  if (prettyLogs) readline.createInterface({ input: child.stdout }).on('line', (line) => console.log(pretty(line)));
  child.on('exit', (code, signal) => {
    console.log(`[dev] ${name} exited (${signal || code})`);
    shutdown(code || 0);
  });
  children.push(child);
  return child;
}

async function waitFor(url, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s`);
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

(async () => {
  // The newcomer's list survives a restart: the local store is saved in .data/ (git-ignored).
  start('bot', ['-r', '@swc-node/register', 'src/index.ts'], { PORT: botPort, DEV_LOCALE: devLocale, LOCAL_DATA_DIR: process.env.LOCAL_DATA_DIR || '.data' }, { prettyLogs: process.env.DEV_LOG !== 'json' });
  await waitFor(`http://127.0.0.1:${botPort}/healthz`, 'the bot', 60_000);
  start('playground', ['scripts/playground.js'], { BOT_PORT: botPort, PLAYGROUND_PORT: playgroundPort });
  await waitFor(`http://127.0.0.1:${playgroundPort}/`, 'the Playground', 90_000);
  const language = devLocale ? `answers in ${devLocale} (DEV_LOCALE)` : 'answers in the Playground’s locale (en-US)';
  console.log(
    `\n[dev] Prêt / ready: open http://127.0.0.1:${playgroundPort} · pick the team channel « Suivi des patients » (team « Unité 3B ») · ` +
      `type @Contact, choose « Contact Télésanté » in the mention menu, then aide · the bot ${language}\n`,
  );
})().catch((error) => {
  console.error(`[dev] ${error.message}`);
  shutdown(1);
});
