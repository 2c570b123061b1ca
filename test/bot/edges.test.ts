import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { AUTH_ENV, hourFromNow, startOpenIdServer, TENANT, token, trusted } from '../support/botAuth';
import { BOB, BotHarness, cardOf, textsOf } from '../support/botHarness';

/**
 * The caller's mistakes at the HTTP edge, with and without Bot Framework authentication: a clear
 * status (401 before anything else when a token is needed, otherwise 400), a 200 card answer for a
 * card action the bot cannot route, "not found" for an id no document can have, and never a 500
 * or an error-level log line.
 */
const BAD_CARD = { fr: 'Cette carte n’est plus valide. Écrivez « liste » pour repartir.', en: 'This card is no longer valid. Type “list” to start again.' };

class LogSink extends Writable {
  lines: Array<{ level: number; msg: string }> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const line of String(chunk).split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
  errors() {
    return this.lines.filter((line) => line.level >= 50);
  }
}

function postRaw(port: number, body: string, authorization?: string) {
  return fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body,
  });
}

/** The malformed invokes of issue #11: no value, no action, no verb, an unknown verb, a number as verb. */
const BROKEN_ACTIONS: Array<[string, unknown]> = [
  ['no value', undefined],
  ['an empty value', {}],
  ['an action without verb', { action: { type: 'Action.Execute', data: { patientId: 'x' } } }],
  ['an unknown verb', { action: { type: 'Action.Execute', verb: 'patient.explode', data: {} } }],
  ['a number as verb', { action: { type: 'Action.Execute', verb: 42, data: {} } }],
  ['an action that is not Action.Execute', { action: { type: 'Action.Submit', verb: 'patient.open', data: {} } }],
];

function expectBadCardAnswer(result: { status: number; body: any }, lang: 'fr' | 'en') {
  expect(result.status).toBe(200);
  expect(result.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  expect(textsOf(result.body.value)).toContain(BAD_CARD[lang]);
}

describe('without authentication (local)', () => {
  const sink = new LogSink();
  const bot = new BotHarness();
  beforeAll(() => bot.start({ logger: createLogger('debug', sink) }));
  afterAll(() => bot.stop());
  afterEach(() => expect(sink.errors()).toEqual([]));

  const base = () => ({ type: 'message', id: 'm1', channelId: 'msteams', from: { id: '29:x' }, recipient: { id: '28:bot' }, conversation: { id: 'c1' }, text: 'liste' });

  it.each([
    ['an empty object', '{}'],
    ['an activity without type', () => JSON.stringify({ ...base(), type: undefined, serviceUrl: bot.connector.url })],
    ['an array', '[]'],
    ['an activity without serviceUrl', () => JSON.stringify(base())],
    ['a serviceUrl that is not a URL', () => JSON.stringify({ ...base(), serviceUrl: 'api.botframework.com' })],
    ['an activity without conversation', () => JSON.stringify({ ...base(), serviceUrl: bot.connector.url, conversation: undefined })],
    ['an activity without sender', () => JSON.stringify({ ...base(), serviceUrl: bot.connector.url, from: undefined })],
  ])('answers %s with 400, runs no turn and sends nothing', async (_case, body) => {
    const before = bot.connector.calls.length;
    const response = await postRaw(bot.bot.port, typeof body === 'function' ? body() : body);
    expect(response.status).toBe(400);
    expect(bot.connector.calls.length).toBe(before);
    const { resources } = await bot.bot.container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(resources).toEqual([0]);
    expect(sink.lines.some((line) => line.msg === 'request refused at the edge')).toBe(true);
  });

  it.each(BROKEN_ACTIONS)('answers an adaptiveCard/action with %s with the "no longer valid" card (200)', async (_case, value) => {
    expectBadCardAnswer(await bot.invoke('adaptiveCard/action', value), 'fr');
    expectBadCardAnswer(await bot.invoke('adaptiveCard/action', value, BOB), 'en');
  });

  it.each([
    ['no verb', { patientId: 'x' }],
    ['an unknown verb', { verb: 'patient.explode' }],
    ['a number as verb', { verb: 42 }],
    ['a null value', null],
  ])('answers an Action.Submit with %s with the "no longer valid" card', async (_case, value) => {
    const result = await bot.submit(value as Record<string, unknown>, BOB);
    expect(result.status).toBe(200);
    expect(result.sent).toHaveLength(1);
    expect(textsOf(cardOf(result.sent[0]))).toContain(BAD_CARD.en);
  });

  it('escapes people’s text echoed in a text reply, and keeps the zero-width joiner of a name', async () => {
    const hostile = '[cliquez ici](https://example.org) **x** _y_ <at>z</at>';
    const reply = (await bot.say(`voir "${hostile}"`, BOB)).sent[0]?.activity;
    expect(reply?.textFormat).toBe('markdown');
    expect(reply?.text).toBe('No patient matches “\\[cliquez ici\\](https://example.org) \\*\\*x\\*\\* \\_y\\_ \\<at\\>z\\</at\\>” in this team.');
    const name = 'مهسا می\u200Cخواهد \u{1F469}\u200D\u2695\uFE0F';
    const added = await bot.say(`ajouter patient ${name}`);
    expect(textsOf(cardOf(added.sent[0]))).toContain(`#1 · ${name}`);
  });

  it('keeps 501 for invokes the bot never registers', async () => {
    expect((await bot.invoke('composeExtension/query', { commandId: 'x' })).status).toBe(501);
  });

  it.each(['a/b', 'a\\b', 'a#b', '../x', 'a?b'])('answers a card id %j with "not found" on both paths', async (id) => {
    const notFound = 'This patient does not exist in this team.';
    const invoke = await bot.execute('patient.open', { verb: 'patient.open', patientId: id }, BOB);
    expect(invoke.status).toBe(200);
    expect(textsOf(invoke.body.value)).toContain(notFound);
    const submit = await bot.submit({ verb: 'patient.inactive', patientId: id, reason: 'death', version: 1 }, BOB);
    expect(textsOf(cardOf(submit.sent[0]))).toContain(notFound);
    const ack = await bot.execute('alert.ack', { verb: 'alert.ack', alertId: id }, BOB);
    expect(textsOf(ack.body.value)).toContain('This alert no longer exists in this team.');
  });
});

describe('with Bot Framework authentication', () => {
  const SERVICE_URL = 'http://127.0.0.1:9/';
  const sink = new LogSink();
  const bot = new BotHarness();
  let openId: Server;
  const valid = () => `Bearer ${token(trusted.privateKey, { exp: hourFromNow(), serviceurl: SERVICE_URL })}`;

  beforeAll(async () => {
    const issuer = await startOpenIdServer();
    openId = issuer.server;
    // The adapter prints refused tokens with console.error; the statuses say enough.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await bot.start({ logger: createLogger('debug', sink), env: AUTH_ENV, auth: issuer.auth });
  });
  afterAll(async () => {
    await bot.stop();
    openId.close();
    jest.restoreAllMocks();
  });
  afterEach(() => expect(sink.errors()).toEqual([]));

  const activity = (extra: Record<string, unknown> = {}) => ({
    id: 'i1',
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    locale: 'fr-CA',
    from: { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice' },
    recipient: { id: '28:bot' },
    conversation: { id: '19:x@thread.tacv2', conversationType: 'channel', tenantId: TENANT },
    channelData: { team: { id: '19:x@thread.tacv2' }, tenant: { id: TENANT } },
    ...extra,
  });

  it.each([
    ['an empty object', {}],
    ['an activity without type', activity()],
    ['an activity without serviceUrl', activity({ type: 'message', text: 'liste', serviceUrl: undefined })],
  ])('answers %s without a token, or with a bad one, with 401 (authentication comes first)', async (_case, body) => {
    expect((await postRaw(bot.bot.port, JSON.stringify(body))).status).toBe(401);
    expect((await postRaw(bot.bot.port, JSON.stringify(body), 'Bearer not-a-token')).status).toBe(401);
    const { resources } = await bot.bot.container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(resources).toEqual([0]);
  });

  it('answers an activity without type, with a valid token, with 400', async () => {
    expect((await postRaw(bot.bot.port, JSON.stringify(activity()), valid())).status).toBe(400);
  });

  it('refuses an activity without serviceUrl with a valid token (400): no reply goes to a default host', async () => {
    const response = await postRaw(bot.bot.port, JSON.stringify(activity({ type: 'message', text: 'liste', serviceUrl: undefined })), valid());
    expect(response.status).toBe(400);
  });

  it.each(BROKEN_ACTIONS)('answers an authenticated adaptiveCard/action with %s with the "no longer valid" card', async (_case, value) => {
    const body = activity({ type: 'invoke', name: 'adaptiveCard/action', ...(value !== undefined && { value }) });
    const response = await postRaw(bot.bot.port, JSON.stringify(body), valid());
    expectBadCardAnswer({ status: response.status, body: await response.json() }, 'fr');
  });

  it('answers an authenticated card id with a slash with "not found"', async () => {
    const value = { action: { type: 'Action.Execute', verb: 'patient.open', data: { verb: 'patient.open', patientId: 'a/b' } } };
    const response = await postRaw(bot.bot.port, JSON.stringify(activity({ type: 'invoke', name: 'adaptiveCard/action', value })), valid());
    expect(response.status).toBe(200);
    expect(textsOf((await response.json()).value)).toContain('Ce patient n’existe pas dans cette équipe.');
  });
});
