#!/usr/bin/env node
'use strict';

/**
 * Sends one channel message to the bot as another member of the Playground's team, so that an
 * alert can be tried by hand: the Playground's own page always acts as its `currentUser`.
 *
 *   npm run say-as -- "Benoît" "note #1 Vu à domicile, pansement refait"
 *
 * The first argument is part of a user's name in .m365agentsplayground.yml; the message goes to
 * the « Suivi des patients » channel with an @mention of the bot, through the running
 * Playground (PLAYGROUND_PORT, default 56150), which shows it and the bot's answer.
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const [who, ...words] = process.argv.slice(2);
const text = words.join(' ').trim();
if (!who || !text) {
  console.error('Usage: npm run say-as -- "<part of a user name>" "<command>"');
  process.exit(2);
}
const config = YAML.parse(fs.readFileSync(process.env.PLAYGROUND_CONFIG || path.join(root, '.m365agentsplayground.yml'), 'utf8'));
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const user = [config.currentUser, ...config.users].find((u) => fold(u.name).includes(fold(who)));
if (!user) {
  console.error(`No Playground user matches “${who}”: ${[config.currentUser, ...config.users].map((u) => u.name).join(', ')}`);
  process.exit(2);
}
const channel = config.team.channels[0];
const port = process.env.PLAYGROUND_PORT || '56150';
const at = `<at>${config.bot.name}</at>`;
const now = new Date();
const locale = process.env.DEV_LOCALE || 'fr-CA';
const activity = {
  type: 'message',
  id: `say-as-${now.getTime()}`,
  timestamp: now.toISOString(),
  localTimestamp: now.toISOString(),
  serviceUrl: `http://localhost:${port}/_connector`,
  channelId: 'msteams',
  from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
  recipient: { id: config.bot.id, name: config.bot.name },
  conversation: { isGroup: true, conversationType: 'channel', tenantId: config.tenantId, id: channel.id },
  text: `${at} ${text}`,
  textFormat: 'plain',
  locale,
  entities: [{ type: 'mention', mentioned: { id: config.bot.id, name: config.bot.name }, text: at }, { type: 'clientInfo', locale, country: 'CA', timezone: 'America/Toronto' }],
  channelData: { teamsChannelId: channel.id, teamsTeamId: config.team.id, tenant: { id: config.tenantId }, team: { id: config.team.id }, channel: { id: channel.id } },
};

fetch(`http://127.0.0.1:${port}/_internal/v1/customActivities`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(activity),
})
  .then(async (response) => {
    if (!response.ok) throw new Error(`the Playground answered HTTP ${response.status} ${await response.text()}`);
    console.log(`[say-as] ${user.name} → « ${channel.name} » : ${text}`);
  })
  .catch((error) => {
    console.error(`[say-as] ${error.message} (is \`npm run dev\` running?)`);
    process.exit(1);
  });
