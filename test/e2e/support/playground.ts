/**
 * End-to-end driver for the Microsoft 365 Agents Playground (a local, offline Teams-like client).
 *
 *   const pg = await startPlayground({ botPort });        // Playground CLI + activity proxy
 *   const browser = await launchChromium();                // Debian chromium, offline flags
 *   const ui = await openPlayground(browser, pg);          // a person in front of the Playground
 *   await ui.openChannel('Suivi des patients');
 *   const reply = await ui.askBot('bonjour', { withCard: true });
 *   await ui.fillCardInput('Note', 'abc');
 *   await ui.tapCardButton('Suivre');
 *   pg.actAs('Benoît Gagnon (méd.)', { locale: 'fr-CA' }); // next actions come from Benoît
 *   ...
 *   await closeChromium(browser); await pg.stop();          // in afterAll, always
 *
 * Between the Playground and the bot sits a small in-process HTTP proxy. It records every activity
 * the bot receives (`pg.activities`) and emulates what the Playground cannot do by itself:
 *  - per-user Teams locale: the Playground stamps every activity with `locale: "en-US"`;
 *    `startPlayground({ locale: 'fr-CA' })` or `pg.actAs(user, { locale })` rewrites it;
 *  - other users: the Playground UI always acts as `currentUser` of the config file;
 *    `pg.actAs(user)` rewrites `from` of the messages and invokes the UI sends.
 * The Playground still draws the post as the current user; the bot sees the other user.
 * `{ proxy: false }` points the Playground straight at the bot.
 *
 * Selectors come from the Playground 0.2.x UI (Fluent UI v9 + Adaptive Cards JS renderer):
 * channels are `treeitem`s named "<team> - <channel>", the mention picker is a `menu` of
 * `menuitem`s, a channel post is a `group` (newest post first), cards are `.ac-adaptiveCard`,
 * card buttons are `button`s named by their title, inputs are labelled by their `label`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserServer,
  type Locator,
  type Page,
} from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium';

// ---------------------------------------------------------------------------------------------
// Paths and the shared command line
// ---------------------------------------------------------------------------------------------

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'e2e');
/** Width of the phone viewport (iPhone 12-15 class). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 900 };

interface PlaygroundCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  port: number;
  endpoint: string;
  configPath: string;
  logFile: string;
}
interface PlaygroundCommandOptions {
  botPort?: number;
  botEndpoint?: string;
  port?: number;
  configPath?: string;
  logFile?: string;
  extraArgs?: string[];
}
// The same flags and environment as `npm run playground` (scripts/playground.js).
const { playgroundCommand } = require(path.join(REPO_ROOT, 'scripts', 'playground.js')) as {
  playgroundCommand: (options: PlaygroundCommandOptions) => PlaygroundCommand;
};

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** A user of the Playground config (`.m365agentsplayground.yml`, schema 0.1.1). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}
/** The config as the Playground serves it (GET /_internal/v1/testConfig). */
export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string; name: string };
  groupChats: Array<{ id: string; name: string; members: string[] }>;
  teams: Array<{
    id: string;
    name: string;
    aadGroupId: string;
    channels: Array<{ id: string; name: string; channelType: string }>;
    members: string[];
  }>;
}
/** Loose Bot Framework activity, as received by the bot. */
export type Activity = Record<string, any>;

export interface StartPlaygroundOptions {
  /** Port of the bot (endpoint http://127.0.0.1:<botPort>/api/messages). Default 3978. */
  botPort?: number;
  /** Full bot endpoint; overrides botPort. */
  botEndpoint?: string;
  /** Playground port; default: a free port. */
  port?: number;
  /** Config file; default <repo>/.m365agentsplayground.yml. */
  configPath?: string;
  /** Locale stamped on activities from users (default: leave the Playground's "en-US"). */
  locale?: string;
  /** Put the recording/rewriting proxy between the Playground and the bot (default true). */
  proxy?: boolean;
  /** Max time to wait for the Playground to answer HTTP (default 30 s). */
  startTimeoutMs?: number;
}

export interface RunningPlayground {
  /** Web UI, e.g. http://127.0.0.1:56150/ */
  url: string;
  port: number;
  /** serviceUrl the bot receives and must answer to: http://localhost:<port>/_connector */
  serviceUrl: string;
  /** Endpoint the Playground calls (the proxy when enabled). */
  endpoint: string;
  botEndpoint: string;
  config: PlaygroundConfig;
  /** Every activity that reached the bot through the proxy, oldest first. */
  activities: Activity[];
  /** Log file of the Playground process. */
  logFile: string;
  /** Playground stdout+stderr so far. */
  output(): string;
  /** Resolve a user by id, display name, given name or UPN ('me' = currentUser). */
  user(nameOrId: string): PlaygroundUser;
  /**
   * Next messages/invokes from the UI reach the bot as `user` (null: back to currentUser).
   * `locale` sets that user's Teams locale.
   */
  actAs(user: string | PlaygroundUser | null, options?: { locale?: string }): void;
  /** Locale of every user-originated activity (undefined: keep "en-US"). */
  setLocale(locale: string | undefined): void;
  /** Wait for an activity received by the bot that matches. */
  waitForActivity(predicate: (a: Activity) => boolean, timeoutMs?: number): Promise<Activity>;
  /** Send any activity to the bot through the Playground ("Mock an Activity > Custom activity"). */
  sendCustomActivity(activity: Activity): Promise<void>;
  /**
   * Make `user` send a channel message (with the bot @mentioned) that the UI did not type, in
   * `channel` (default "General"). The message itself is not drawn; the bot's answer shows in that
   * channel as a new post (or in `conversationId`, which must be a conversation the Playground
   * knows, e.g. "<channel id>;messageid=<post id>"). PlaygroundUi.sendMessageAs() targets the
   * open channel.
   */
  sendMessageAs(
    user: string | PlaygroundUser,
    text: string,
    options?: { channel?: string; conversationId?: string; locale?: string; mentionBot?: boolean },
  ): Promise<Activity>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wait for `promise`, at most `ms` (the timer never keeps the process alive). */
async function upTo<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A small HTTP call to a local server (GET, or POST of a JSON payload). */
function httpRequest(url: string, payload: unknown | undefined, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
    const headers = data ? { 'content-type': 'application/json', 'content-length': data.length } : {};
    const req = http.request(url, { method: data ? 'POST' : 'GET', timeout: timeoutMs, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return httpRequest(url, undefined, timeoutMs);
}

function httpPostJson(url: string, payload: unknown, timeoutMs = 10000): Promise<{ status: number; body: string }> {
  return httpRequest(url, payload, timeoutMs);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matches(text: string, expected: string | RegExp | undefined): boolean {
  if (expected === undefined) return true;
  return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
}

// Every process this module starts, killed on exit even if a test forgot to.
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackProcess(child: ChildProcess): void {
  liveProcesses.add(child);
  child.once('exit', () => liveProcesses.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    const killAll = () => {
      for (const p of liveProcesses) killTree(p, 'SIGKILL');
    };
    process.once('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const onSignal = () => {
        killAll();
        // Alone on this signal: keep its default effect (the process ends).
        if (process.listenerCount(signal) === 1) {
          process.removeListener(signal, onSignal);
          process.kill(process.pid, signal);
        }
      };
      process.on(signal, onSignal);
    }
  }
}
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // detached: the child leads its own process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Activity proxy (Playground -> proxy -> bot)
// ---------------------------------------------------------------------------------------------

interface ProxyState {
  locale?: string;
  actingUser?: PlaygroundUser;
  userLocales: Map<string, string>;
}

function rewriteActivity(activity: Activity, state: ProxyState, config: PlaygroundConfig | undefined): Activity {
  const fromBot = config && activity.from?.id === config.bot.id;
  if (fromBot || !activity.from) return activity;
  // Act as another user: only what a person does (messages, card actions), not the
  // install/conversationUpdate events the Playground sends when a conversation opens.
  if (state.actingUser && (activity.type === 'message' || activity.type === 'invoke')) {
    const u = state.actingUser;
    activity.from = { ...activity.from, id: u.id, name: u.name, aadObjectId: u.aadObjectId };
  }
  const locale = state.userLocales.get(activity.from.id) ?? state.locale;
  if (locale) {
    activity.locale = locale;
    if (Array.isArray(activity.entities)) {
      for (const e of activity.entities) if (e && e.type === 'clientInfo') e.locale = locale;
    }
  }
  return activity;
}

async function startProxy(
  target: URL,
  state: ProxyState,
  getConfig: () => PlaygroundConfig | undefined,
  activities: Activity[],
  onActivity: () => void,
): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Buffer = Buffer.concat(chunks);
      if (req.method === 'POST' && body.length > 0) {
        try {
          const activity = rewriteActivity(JSON.parse(body.toString('utf8')), state, getConfig());
          activities.push(activity);
          onActivity();
          body = Buffer.from(JSON.stringify(activity));
        } catch {
          /* not JSON: forward as is */
        }
      }
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const upstream = http.request(
        { hostname: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      // Bot down: drop the connection so the Playground reports "cannot connect".
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}${target.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Playground process
// ---------------------------------------------------------------------------------------------

/**
 * Start the Playground CLI (offline, telemetry off), wait until its HTTP port answers and return
 * a handle. Always `await pg.stop()` (afterAll): it kills the whole process group.
 */
export async function startPlayground(options: StartPlaygroundOptions = {}): Promise<RunningPlayground> {
  const botEndpoint = options.botEndpoint ?? `http://127.0.0.1:${options.botPort ?? 3978}/api/messages`;
  const requestedPort = options.port ?? (await freePort());
  const state: ProxyState = { locale: options.locale, userLocales: new Map() };
  const activities: Activity[] = [];
  const waiters = new Set<() => void>();
  let config: PlaygroundConfig | undefined;

  const proxy =
    options.proxy === false
      ? undefined
      : await startProxy(new URL(botEndpoint), state, () => config, activities, () => {
          for (const w of [...waiters]) w();
        });
  const endpoint = proxy?.endpoint ?? botEndpoint;

  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const cmd = playgroundCommand({
    botEndpoint: endpoint,
    port: requestedPort,
    configPath: options.configPath,
    logFile: path.join(ARTIFACTS_DIR, `playground-${requestedPort}.log`),
  });
  const child = spawn(cmd.command, cmd.args, {
    cwd: cmd.cwd,
    env: cmd.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() kills the tree
  });
  trackProcess(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (output += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (output += s));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      killTree(child, 'SIGTERM');
      await upTo(exited, 5000);
      killTree(child, 'SIGKILL');
      await upTo(exited, 2000);
    }
    child.stdout?.destroy();
    child.stderr?.destroy();
    await proxy?.close();
  };

  try {
    // "Listening on <port>" (printed when stdout is not a TTY): the Playground silently takes a
    // random port when the requested one is busy.
    const deadline = Date.now() + (options.startTimeoutMs ?? 30000);
    let port: number | undefined;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`Playground exited (${child.exitCode ?? child.signalCode}):\n${output}`);
      }
      const m = /Listening on (\d+)/.exec(output);
      if (m?.[1]) port = Number(m[1]);
      if (port) {
        const ping = await httpGet(`http://127.0.0.1:${port}/_debug/ping`).catch(() => undefined);
        ready = ping?.status === 200;
      }
      if (!ready) await sleep(100);
    }
    if (!port || !ready) throw new Error(`Playground did not answer in time:\n${output}`);

    const base = `http://127.0.0.1:${port}`;
    const cfg = await httpGet(`${base}/_internal/v1/testConfig`);
    config = (JSON.parse(cfg.body) as { config: PlaygroundConfig }).config;
    const cfgNow = config;

    const resolveUser = (who: string | PlaygroundUser): PlaygroundUser => {
      if (typeof who !== 'string') return who;
      const all = [cfgNow.currentUser, ...cfgNow.users];
      const key = who.toLowerCase();
      const found =
        key === 'me'
          ? cfgNow.currentUser
          : all.find(
              (u) =>
                u.id === who ||
                u.name.toLowerCase() === key ||
                u.givenName.toLowerCase() === key ||
                u.userPrincipleName.toLowerCase() === key ||
                u.email.toLowerCase() === key,
            );
      if (!found) throw new Error(`No Playground user "${who}" (${all.map((u) => u.name).join(', ')})`);
      return found;
    };

    const channelByName = (name?: string) => {
      const team = cfgNow.teams[0];
      if (!team) throw new Error('The Playground config has no team');
      const channel = name ? team.channels.find((c) => c.name === name) : team.channels[0]; // General
      if (!channel) throw new Error(`No channel "${name}" (${team.channels.map((c) => c.name).join(', ')})`);
      return { team, channel };
    };

    const serviceUrl = `http://localhost:${port}/_connector`;
    const handle: RunningPlayground = {
      url: `${base}/`,
      port,
      serviceUrl,
      endpoint,
      botEndpoint,
      config: cfgNow,
      activities,
      logFile: cmd.logFile,
      output: () => output,
      user: resolveUser,
      actAs(user, opts) {
        if (!proxy) throw new Error('actAs needs the proxy (startPlayground({ proxy: true }))');
        state.actingUser = user === null ? undefined : resolveUser(user);
        const u = state.actingUser ?? cfgNow.currentUser;
        if (opts?.locale) state.userLocales.set(u.id, opts.locale);
      },
      setLocale(locale) {
        if (!proxy) throw new Error('setLocale needs the proxy (startPlayground({ proxy: true }))');
        state.locale = locale;
      },
      waitForActivity(predicate, timeoutMs = 15000) {
        if (!proxy) return Promise.reject(new Error('waitForActivity needs the proxy (startPlayground({ proxy: true }))'));
        const found = activities.find(predicate);
        if (found) return Promise.resolve(found);
        return new Promise((resolve, reject) => {
          const check = () => {
            const hit = activities.find(predicate);
            if (hit) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(hit);
            }
          };
          const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`No matching activity within ${timeoutMs} ms (${activities.length} received)`));
          }, timeoutMs);
          waiters.add(check);
        });
      },
      async sendCustomActivity(activity) {
        const res = await httpPostJson(`${base}/_internal/v1/customActivities`, activity);
        if (res.status !== 200) throw new Error(`customActivities: HTTP ${res.status} ${res.body}`);
      },
      async sendMessageAs(who, text, opts = {}) {
        const user = resolveUser(who);
        const { team, channel } = channelByName(opts.channel);
        const bot = cfgNow.bot;
        const mention = opts.mentionBot !== false;
        const at = `<at>${bot.name}</at>`;
        const locale = opts.locale ?? state.userLocales.get(user.id) ?? state.locale ?? 'en-US';
        const now = new Date();
        const activity: Activity = {
          type: 'message',
          id: `e2e-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
          timestamp: now.toISOString(),
          localTimestamp: now.toISOString(),
          serviceUrl,
          channelId: 'msteams',
          from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
          recipient: { id: bot.id, name: bot.name },
          conversation: {
            isGroup: true,
            conversationType: 'channel',
            tenantId: cfgNow.tenantId,
            id: opts.conversationId ?? channel.id,
          },
          text: mention ? `${at} ${text}` : text,
          textFormat: 'plain',
          locale,
          entities: [
            ...(mention ? [{ type: 'mention', mentioned: { id: bot.id, name: bot.name }, text: at }] : []),
            { type: 'clientInfo', locale, country: 'CA', timezone: 'America/Toronto' },
          ],
          channelData: {
            teamsChannelId: channel.id,
            teamsTeamId: team.id,
            tenant: { id: cfgNow.tenantId },
            team: { id: team.id },
            channel: { id: channel.id },
          },
        };
        await handle.sendCustomActivity(activity);
        return activity;
      },
      stop,
    };
    return handle;
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------

const browserServers = new WeakMap<Browser, BrowserServer>();

/**
 * Launch Debian chromium (never a downloaded one) headless and offline. Playwright gives it a fresh
 * temporary profile. `browser.close()` or `closeChromium(browser)` ends the chromium process.
 */
export async function launchChromium(): Promise<Browser> {
  const server = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const proc = server.process();
  trackProcess(proc);
  const browser = await chromium.connect(server.wsEndpoint());
  browserServers.set(browser, server);
  // A connected browser's close() only disconnects: take the process down with it.
  browser.on('disconnected', () => {
    void server.close().catch(() => killTree(proc, 'SIGKILL'));
  });
  return browser;
}

/** Close the browser and make sure the chromium process is gone (use in afterAll). */
export async function closeChromium(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  const server = browserServers.get(browser);
  await upTo(browser.close().catch(() => undefined), 10000);
  if (server) {
    await upTo(server.close().catch(() => undefined), 5000);
    const proc = server.process();
    if (proc.exitCode === null && proc.signalCode === null) {
      await server.kill().catch(() => killTree(proc, 'SIGKILL'));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The Playground page, driven like a person
// ---------------------------------------------------------------------------------------------

/** A message in the open conversation, as shown on screen. */
export interface ChatMessage {
  /** "<post>.<n>": post 0 is the oldest post of the channel, n = 0 is the post itself. */
  key: string;
  thread: number;
  index: number;
  /** Display name of the sender. */
  from: string;
  fromBot: boolean;
  /** Visible text (header excluded), cards included. */
  text: string;
  /** Visible text of the Adaptive Card(s), '' when none. */
  cardText: string;
  hasCard: boolean;
  /** Labels of the card buttons. */
  buttons: string[];
  /** Labels of the card inputs. */
  inputs: string[];
  /** Banner under a card after an action (e.g. "Your response was sent to the app"). */
  notice: string;
  /** The message content on the page (card, text). */
  locator: Locator;
}

export interface OpenPlaygroundOptions {
  viewport?: { width: number; height: number };
  /** Browser locale (default fr-CA: dates and times on screen are Québec's). */
  locale?: string;
  /** Browser time zone (default America/Toronto). */
  timezoneId?: string;
  /** Start as an older Teams client without Action.Execute (see PlaygroundUi.setLegacyCards). */
  legacyCards?: boolean;
  /** Hide the log panel (default true). */
  hideLogPanel?: boolean;
}

/** In-page code, kept as plain JS text so transpilers and coverage never touch it. */
const COLLECT_MESSAGES = String.raw`({ botName, meName }) => {
  const hasEditable = (el) => !!el.querySelector('[contenteditable="true"]');
  const isComposeGroup = (g) => !!g && Array.from(g.querySelectorAll('button')).some((b) => (b.textContent || '').trim() === 'Post');
  const textOf = (el) => (el && el.innerText) || '';
  const stripHead = (all, head) => (head && all.startsWith(head) ? all.slice(head.length) : all);
  for (const el of document.querySelectorAll('[data-e2e-msg],[data-e2e-msg-body]')) {
    el.removeAttribute('data-e2e-msg');
    el.removeAttribute('data-e2e-msg-body');
  }
  const items = [];
  const chatHeaders = Array.from(document.querySelectorAll('[aria-label="Message header"]'));
  if (chatHeaders.length > 0) {
    // Personal / group chat: one list; each message has a "Message header" (author, timestamp).
    for (const h of chatHeaders) {
      const m = h.parentElement;
      const author = h.querySelector('[aria-label="Message author"]');
      items.push({ m, bodies: [m], from: author ? textOf(author).trim() : meName,
        text: stripHead(textOf(m), textOf(h)).trim(), thread: 'chat' });
    }
  } else {
    // Channel: one group per post (newest first); the post and its replies each start with an avatar.
    const avatars = Array.from(document.querySelectorAll('span[role="img"][aria-label]')).filter((a) => {
      if (a.closest('[role="tree"],[role="menu"],[role="toolbar"],[role="dialog"],[role="listbox"]')) return false;
      if (a.parentElement && hasEditable(a.parentElement)) return false; // reply box
      if (isComposeGroup(a.closest('[role="group"]'))) return false; // "Start a new post"
      return true;
    });
    const avatarSet = new Set(avatars);
    const countAvatars = (el) => { let n = 0; for (const a of avatarSet) if (el.contains(a)) n++; return n; };
    for (const a of avatars) {
      let m = a;
      while (m.parentElement && !m.parentElement.matches('[role="group"]') && !hasEditable(m.parentElement) && countAvatars(m.parentElement) === 1) m = m.parentElement;
      const header = a.parentElement;
      let bodies;
      let text;
      if (textOf(m).trim() === textOf(header).trim()) {
        // The post itself: header first, then its content as siblings.
        bodies = [];
        for (let s = m.nextElementSibling; s; s = s.nextElementSibling) {
          if (s.matches('[role="separator"]') || countAvatars(s) > 0 || hasEditable(s)) break;
          bodies.push(s);
        }
        text = bodies.map(textOf).join('\n');
      } else {
        bodies = [m];
        text = stripHead(textOf(m), textOf(header));
      }
      items.push({ m, bodies, from: a.getAttribute('aria-label') || '', text: text.trim(), thread: m.closest('[role="group"]') || m.parentElement });
    }
  }
  const threads = [];
  for (const it of items) if (!threads.includes(it.thread)) threads.push(it.thread);
  const perThread = new Map();
  const out = [];
  for (const it of items) {
    const t = threads.length - 1 - threads.indexOf(it.thread);
    const index = perThread.get(it.thread) || 0;
    perThread.set(it.thread, index + 1);
    const key = t + '.' + index;
    it.m.setAttribute('data-e2e-msg', key);
    for (const b of it.bodies.length ? it.bodies : [it.m]) b.setAttribute('data-e2e-msg-body', key);
    const cards = it.bodies.flatMap((b) => Array.from(b.querySelectorAll('.ac-adaptiveCard'))).filter((c) => !c.parentElement.closest('.ac-adaptiveCard'));
    const buttons = [];
    const inputs = [];
    for (const c of cards) {
      // Card actions carry a title; input widgets (choice set "Open", date picker) do not.
      for (const b of c.querySelectorAll('button[title],[role="button"][title]')) buttons.push((b.getAttribute('aria-label') || b.getAttribute('title') || textOf(b)).trim());
      for (const l of c.querySelectorAll('label')) inputs.push(textOf(l).trim());
    }
    const notice = it.bodies.map((b) => textOf(b.querySelector('[aria-label="Display Invoked Message"]')).trim()).join(' ').trim();
    out.push({
      key, thread: t, index, from: it.from, fromBot: it.from === botName, text: it.text,
      cardText: cards.map((c) => textOf(c).trim()).join('\n'),
      hasCard: cards.length > 0, buttons, inputs, notice,
    });
  }
  out.sort((x, y) => x.thread - y.thread || x.index - y.index);
  return out;
}`;

/**
 * A function for the page, written as source text: transpilers and coverage instrumentation never
 * touch it (an instrumented function would reference counters that do not exist in the page).
 */
function inPage<F>(source: string): F {
  return new Function(`return (${source});`)() as F;
}

/** Visible, inside the viewport and not covered by an overlay. */
async function isReachable(locator: Locator): Promise<boolean> {
  if (!(await locator.isVisible())) return false;
  return locator.evaluate(
    inPage<(el: Element) => boolean>(`(el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + Math.min(r.height / 2, 10);
    if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
    const hit = document.elementFromPoint(x, y);
    return !!hit && (hit === el || el.contains(hit));
  }`),
  );
}

/** Rename Action.Execute (anywhere in a WebSocket payload) so the card renderer falls back. */
function downgradeExecute(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(downgradeExecute);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = downgradeExecute(v);
    if (out.type === 'Action.Execute') out.type = 'Action.Execute.NotSupportedHere';
    return out;
  }
  if (typeof value === 'string' && value.includes('Action.Execute') && /^[[{]/.test(value.trim())) {
    try {
      return JSON.stringify(downgradeExecute(JSON.parse(value)));
    } catch {
      return value;
    }
  }
  return value;
}

export class PlaygroundUi {
  private phoneLayout: { width: number; height: number } | undefined;
  /** See setLegacyCards(). */
  legacyCards = false;

  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly playground: RunningPlayground,
  ) {}

  get botName(): string {
    return this.playground.config.bot.name;
  }

  get teamName(): string {
    return this.playground.config.teams[0]?.name ?? '';
  }

  private async toggleSidebar(): Promise<void> {
    await this.page.getByRole('button', { name: 'Toggle app bar and conversation window' }).click();
  }

  /** Channel opened last by openChannel(). */
  currentChannel: string | undefined;

  /** Open a channel of the team, by its display name ("General", "Suivi des patients"...). */
  async openChannel(channelName: string): Promise<void> {
    await this.openConversation(`${this.teamName} - ${channelName}`);
    this.currentChannel = channelName;
    await this.page.getByRole('button', { name: 'Post', exact: true }).waitFor({ state: 'visible' });
  }

  /** Open the personal chat with the bot, or a group chat by name. */
  async openChat(name = 'Personal Chat'): Promise<void> {
    await this.openConversation(name);
    this.currentChannel = undefined;
  }

  /**
   * Another member writes to the bot in the open channel (see RunningPlayground.sendMessageAs):
   * the bot's answer appears on this page as a new post.
   */
  async sendMessageAs(user: string | PlaygroundUser, text: string, options: { locale?: string; mentionBot?: boolean } = {}): Promise<Activity> {
    if (!this.currentChannel) throw new Error('sendMessageAs: open a channel first');
    return this.playground.sendMessageAs(user, text, { ...options, channel: this.currentChannel });
  }

  private async openConversation(treeItemName: string): Promise<void> {
    const item = this.page.getByRole('treeitem', { name: treeItemName, exact: true });
    const phone = this.phoneLayout;
    // Below ~700 px the conversation list is an overlay whose menu button does not close it
    // again reliably once the window was resized: pick the conversation at desktop width.
    if (phone) await this.page.setViewportSize(DESKTOP_VIEWPORT);
    if (!(await isReachable(item))) await this.toggleSidebar();
    await item.click();
    if (phone) {
      await this.page.setViewportSize(phone);
      await this.applyPhoneLayout();
    }
  }

  /** The box where a new message starts ("Start a new post" in a channel, the chat box otherwise). */
  async composeBox(): Promise<Locator> {
    const postButton = this.page.getByRole('button', { name: 'Post', exact: true });
    const channelCompose = this.page.getByRole('group').filter({ has: postButton }).getByRole('textbox');
    if ((await channelCompose.count()) > 0) return channelCompose.first();
    return this.page.getByRole('textbox').last();
  }

  /** Type an @mention the way a person does: "@", a few letters, pick the person in the menu. */
  async typeMention(name: string): Promise<void> {
    const letters = [...name].slice(0, 4).join('');
    await this.page.keyboard.type(`@${letters}`);
    // A menu item reads "<avatar initials><display name>".
    const item = this.page.getByRole('menuitem').filter({ hasText: new RegExp(`${escapeRegExp(name)}\\s*$`) });
    await item.first().waitFor({ state: 'visible', timeout: 10000 });
    await item.first().click();
  }

  /**
   * Start a new post in the open channel (or send in the open chat), with the bot @mentioned by
   * default. `mention: false` for none, or a list of display names.
   */
  async sendMessage(text: string, options: { mention?: boolean | string[] } = {}): Promise<void> {
    const box = await this.composeBox();
    await box.click();
    const mentions = options.mention === false ? [] : Array.isArray(options.mention) ? options.mention : [this.botName];
    for (const name of mentions) {
      await this.typeMention(name);
      await this.page.keyboard.type(' ');
    }
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (i > 0) await this.page.keyboard.press('Shift+Enter');
      if (line) await this.page.keyboard.type(line);
    }
    const postButton = this.page.getByRole('button', { name: 'Post', exact: true });
    if (await postButton.isVisible()) await postButton.click();
    else await this.page.getByRole('button', { name: 'Send Message' }).first().click();
  }

  /** Every message of the open conversation, oldest first. */
  async messages(): Promise<ChatMessage[]> {
    const arg = { botName: this.botName, meName: this.playground.config.currentUser.name };
    const raw = (await this.page.evaluate(`(${COLLECT_MESSAGES})(${JSON.stringify(arg)})`)) as Omit<
      ChatMessage,
      'locator'
    >[];
    return raw.map((m) => ({ ...m, locator: this.page.locator(`[data-e2e-msg-body="${m.key}"]`) }));
  }

  /** The newest message from the bot, if any. */
  async latestBotMessage(): Promise<ChatMessage | undefined> {
    const all = await this.messages();
    return all.filter((m) => m.fromBot).pop();
  }

  /**
   * Wait for a bot message and return it (the newest that matches).
   *  - after: only messages not in this earlier `messages()` snapshot;
   *  - contains: text (or RegExp) the message must show;
   *  - withCard: only messages with an Adaptive Card.
   */
  async waitForBotMessage(
    options: { after?: ChatMessage[]; contains?: string | RegExp; withCard?: boolean; timeoutMs?: number } = {},
  ): Promise<ChatMessage> {
    const seen = new Set((options.after ?? []).map((m) => m.key));
    const deadline = Date.now() + (options.timeoutMs ?? 20000);
    let last: ChatMessage[] = [];
    while (Date.now() < deadline) {
      last = await this.messages();
      const hits = last.filter(
        (m) => m.fromBot && !seen.has(m.key) && (!options.withCard || m.hasCard) && matches(m.text, options.contains),
      );
      const hit = hits[hits.length - 1];
      if (hit) return hit;
      await sleep(150);
    }
    const shown = last.map((m) => `  [${m.key}] ${m.from}: ${m.text.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n');
    throw new Error(
      `No bot message${options.contains ? ` containing ${String(options.contains)}` : ''}${options.withCard ? ' with a card' : ''} ` +
        `within ${options.timeoutMs ?? 20000} ms. On screen:\n${shown}`,
    );
  }

  /** Send a message to the bot (@mentioned) and wait for its answer. */
  async askBot(
    text: string,
    options: { contains?: string | RegExp; withCard?: boolean; timeoutMs?: number; mention?: boolean | string[] } = {},
  ): Promise<ChatMessage> {
    const before = await this.messages();
    await this.sendMessage(text, { mention: options.mention });
    return this.waitForBotMessage({ ...options, after: before });
  }

  private async cardScope(
    want: (m: ChatMessage) => boolean,
    what: string,
    message?: ChatMessage,
  ): Promise<Locator> {
    if (message) return message.locator.locator('.ac-adaptiveCard').first();
    const target = (await this.messages()).filter((m) => m.fromBot && m.hasCard && want(m)).pop();
    if (!target) throw new Error(`No bot card with ${what} on screen`);
    return target.locator.locator('.ac-adaptiveCard').first();
  }

  /** Tap a card button by its visible label, on the newest bot card that has it (or on `message`). */
  async tapCardButton(label: string, options: { message?: ChatMessage } = {}): Promise<void> {
    const card = await this.cardScope((m) => m.buttons.includes(label), `a "${label}" button`, options.message);
    await card.getByRole('button', { name: label, exact: true }).first().click();
  }

  /**
   * Fill a card input by its label, on the newest bot card that has it (or on `message`):
   * text/number/date/time inputs are typed into, compact choice sets pick the option by its
   * title, expanded choice sets tick the option with that title, toggles take true/false.
   */
  async fillCardInput(label: string, value: string | boolean, options: { message?: ChatMessage } = {}): Promise<void> {
    const card = await this.cardScope(
      (m) => m.inputs.some((l) => l.replace(/\s*\*$/, '') === label || l.startsWith(label)),
      `an input labelled "${label}"`,
      options.message,
    );
    const exact = card.getByLabel(label, { exact: true });
    const field = (await exact.count()) > 0 ? exact.first() : card.getByLabel(label).first();
    const tag = await field.evaluate(inPage<(el: Element) => string>('(el) => el.tagName.toLowerCase()'));
    const type = (await field.getAttribute('type')) ?? '';
    if (tag === 'select') {
      await field.selectOption({ label: String(value) });
    } else if (type === 'checkbox' && typeof value === 'boolean') {
      await field.setChecked(value);
    } else if (tag === 'input' || tag === 'textarea') {
      await field.fill(String(value));
    } else {
      // Expanded choice set: a group labelled `label` holding radios/checkboxes.
      await field.getByLabel(String(value), { exact: true }).check();
    }
  }

  /**
   * Phone-width screen (390 px wide by default). The Playground is a desktop page: its conversation
   * pane keeps `min-width: 600px` and its toolbar does not wrap, so in phone mode the driver hides
   * the log panel and the toolbar buttons and lifts those minimum widths (again after each
   * conversation change). The conversation list becomes an overlay; openChannel() briefly goes back
   * to desktop width to pick a conversation. Cards end up about 250 px wide (narrower than the
   * Teams mobile app draws them).
   */
  async setPhoneViewport(size: { width: number; height: number } = PHONE_VIEWPORT): Promise<void> {
    this.phoneLayout = size;
    await this.page.setViewportSize(size);
    await this.hideLogPanel();
    await this.applyPhoneLayout();
  }

  private async applyPhoneLayout(): Promise<void> {
    if (!this.phoneLayout) return;
    // Atomic CSS classes: override exactly the classes that carry a min-width wider than the screen.
    await this.page.evaluate(`(() => {
      const width = ${this.phoneLayout.width};
      let style = document.getElementById('e2e-phone-layout');
      if (!style) {
        style = document.createElement('style');
        style.id = 'e2e-phone-layout';
        style.textContent = '[role="toolbar"] > button { display: none !important; }\\nh1 { display: none !important; }';
        document.head.appendChild(style);
      }
      const rules = new Set(style.textContent.split('\\n'));
      for (const el of document.querySelectorAll('#root *')) {
        if (parseFloat(getComputedStyle(el).minWidth) > width) {
          for (const c of el.classList) rules.add('.' + CSS.escape(c) + ' { min-width: 0 !important; }');
        }
      }
      style.textContent = Array.from(rules).join('\\n');
    })()`);
  }

  /** Back to the desktop screen after setPhoneViewport(). */
  async setDesktopViewport(size: { width: number; height: number } = DESKTOP_VIEWPORT): Promise<void> {
    this.phoneLayout = undefined;
    await this.page.evaluate(`document.getElementById('e2e-phone-layout')?.remove()`);
    await this.page.setViewportSize(size);
  }

  /**
   * Behave like an older Teams client that does not know Action.Execute: from now on, card actions
   * of that type are renamed on their way to the page (WebSocket), so the card renderer uses their
   * `fallback` (Action.Submit, sent to the bot as a message with `value`). Cards already on
   * screen keep their buttons. setLegacyCards(false) goes back to a current client.
   */
  setLegacyCards(on: boolean): void {
    this.legacyCards = on;
  }

  async hideLogPanel(): Promise<void> {
    const hide = this.page.getByRole('button', { name: 'Hide log panel' });
    if (!(await hide.isVisible())) return;
    // Right after a resize the Playground re-renders: the button can go between the look and the
    // click (seen once in CI, a 30 s wait). Gone is what was wanted; still there is a failure.
    await hide.click({ timeout: 5_000 }).catch(async (error: unknown) => {
      if (await hide.isVisible()) throw error;
    });
  }

  /** Save a screenshot under test-artifacts/e2e/<name>.png and return its path. */
  async screenshot(name: string, options: { fullPage?: boolean } = {}): Promise<string> {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file, fullPage: options.fullPage });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}

/**
 * Open the Playground in a new browser context. Requests to anything but the local machine are
 * aborted (the UI asks a CDN for fonts; offline that only costs time). Start the bot first: the
 * UI waits (up to 15 s) for the bot endpoint before it shows the conversations.
 */
export async function openPlayground(
  browser: Browser,
  playground: RunningPlayground,
  options: OpenPlaygroundOptions = {},
): Promise<PlaygroundUi> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP_VIEWPORT,
    locale: options.locale ?? 'fr-CA',
    timezoneId: options.timezoneId ?? 'America/Toronto',
    serviceWorkers: 'block',
  });
  await context.route(/.*/, (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    const local = hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
    return local || protocol === 'data:' || protocol === 'blob:' ? route.continue() : route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const ui = new PlaygroundUi(page, context, playground);
  ui.setLegacyCards(options.legacyCards === true);
  // Bot messages reach the page over a WebSocket: pass it through, downgrading cards in legacy mode.
  await page.routeWebSocket(/\/\/(localhost|127\.0\.0\.1)(:\d+)?\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) =>
      ws.send(ui.legacyCards && typeof message === 'string' ? (downgradeExecute(message) as string) : message),
    );
    ws.onMessage((message) => server.send(message));
  });
  await page.goto(playground.url, { waitUntil: 'domcontentloaded' });
  // Ready when the conversation list is drawn (after the config call, which waits for the bot).
  const firstChannel = page.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(ui.teamName)} - `) }).first();
  await firstChannel.waitFor({ state: 'attached', timeout: 45000 });
  if (options.hideLogPanel !== false) await ui.hideLogPanel();
  return ui;
}
