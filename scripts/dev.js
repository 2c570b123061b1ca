#!/usr/bin/env node
'use strict';

/**
 * The local run: the bot (embedded local Cosmos DB server saved in .data/, no Bot Framework auth) and the
 * Microsoft 365 Agents Playground pointing at it, both offline. Ctrl+C stops both.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const botPort = process.env.PORT || '3978';
const children = [];

function start(name, args, env) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    console.log(`[dev] ${name} exited (${signal || code})`);
    shutdown(code || 0);
  });
  children.push(child);
  return child;
}

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the bot did not answer ${url} within ${timeoutMs / 1000} s`);
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
  start('bot', ['-r', '@swc-node/register', 'src/index.ts'], { PORT: botPort, LOCAL_DATA_DIR: process.env.LOCAL_DATA_DIR || '.data' });
  await waitForHealth(`http://127.0.0.1:${botPort}/healthz`, 60_000);
  start('playground', ['scripts/playground.js'], { BOT_PORT: botPort });
  console.log(`[dev] bot on http://127.0.0.1:${botPort}/api/messages; Playground on http://127.0.0.1:${process.env.PLAYGROUND_PORT || 56150}`);
})().catch((error) => {
  console.error(`[dev] ${error.message}`);
  shutdown(1);
});
