import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { type FileConsentCardResponse, MessageFactory } from 'botbuilder';
import { z } from 'zod';
import { executeAction, VERBS } from '../../cards/adaptive';
import { fileConsentCard, fileInfoCard, teamLabel, transferCard } from '../../cards/transferCards';
import { DomainError } from '../../domain/errors';
import type { SuperuserTeam } from '../../domain/ports';
import { t } from '../../i18n/messages';
import { READ_DEFAULTS } from '../../transfer/readRows';
import { exportTeam, importIntoTeam, importReportLines } from '../../transfer/teamImport';
import { forTapper, sendCard, sendText } from '../replies';
import { type Turn } from '../turn';
import type { SharedFile } from '../activity';
import { journal } from '../journal';
import type { CardHandler } from './cardHandler';
import { guardedTyped } from './typedHandler';

const fileRef = z.object({ url: z.string().url().max(4000), name: z.string().min(1).max(200) });
const teamChoice = z.object({ teamId: z.string().min(1).max(200) });
const importChoice = teamChoice.extend({ file: fileRef, skipInvalid: z.boolean().optional() });

/**
 * Only Teams' own file storage is fetched in production (the URL comes back in card data);
 * locally, the Playground serves files from 127.0.0.1.
 */
function trustedFileUrl(turn: Turn, raw: string): boolean {
  const url = new URL(raw);
  if (turn.deps.anyFileHost) return url.protocol === 'https:' || url.protocol === 'http:';
  return url.protocol === 'https:' && /(^|\.)sharepoint\.com$/i.test(url.hostname);
}

async function withDownload<T>(turn: Turn, file: SharedFile, use: (filePath: string) => Promise<T>): Promise<T> {
  if (!trustedFileUrl(turn, file.url)) throw new DomainError('valueInvalid', { field: 'file' });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'telesante-import-'));
  const target = path.join(dir, path.basename(file.name).replace(/[^\p{L}\p{N}._ -]/gu, '_'));
  try {
    const response = await fetch(file.url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok || !response.body) throw new Error(`download failed (${response.status})`);
    let received = 0;
    const limited = Readable.fromWeb(response.body as unknown as WebReadableStream).on('data', (chunk: Buffer) => {
      received += chunk.length;
      // Past the import's own size limit there is no point in keeping on: the reader refuses it anyway.
      if (received > READ_DEFAULTS.maxBytes + 1) limited.destroy(new Error('too large'));
    });
    await pipeline(limited, createWriteStream(target)).catch((error: unknown) => {
      if (received <= READ_DEFAULTS.maxBytes + 1) throw error;
    });
    return await use(target);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The teams where the person is a superuser, but not this personal chat's own list. */
async function otherTeamsWhereSuperuser(turn: Turn): Promise<SuperuserTeam[]> {
  return (await turn.deps.teams.teamsWhereSuperuser(turn.actor.id)).filter((team) => team.teamId !== turn.teamId);
}

/** The dry run: the same report as the command line, with a button to confirm. */
async function checkImport(turn: Turn, teamId: string, file: SharedFile) {
  const settings = await turn.deps.teams.superuserSettings(teamId, turn.actor);
  const outcome = await withDownload(turn, file, (filePath) =>
    importIntoTeam(turn.deps.patients, settings, { teamId, file: { path: filePath, name: file.name }, dryRun: true, by: turn.actor, now: turn.deps.clock.now() }),
  );
  const lines = importReportLines(outcome, turn.lang, settings).filter((line) => line !== t(turn.lang, 'import.dryRun'));
  const actions = [];
  if (outcome.kind === 'checked' && outcome.report.accepted.length > 0) {
    const skipInvalid = outcome.report.rejected.length > 0;
    const title = t(turn.lang, skipInvalid ? 'transfer.importValid' : 'transfer.importAll', { count: outcome.report.accepted.length });
    actions.push(executeAction(title, VERBS.importConfirm, { teamId, file, skipInvalid }, { style: 'positive' }));
  }
  return transferCard(t(turn.lang, 'transfer.importTitle', { file: file.name }), lines, actions, turn.lang);
}

function chooseTeam(turn: Turn, teams: SuperuserTeam[], verb: typeof VERBS.importCheck | typeof VERBS.exportTeam, data: object) {
  return transferCard(
    t(turn.lang, 'transfer.chooseTeam'),
    [],
    teams.map((team) => executeAction(teamLabel(team), verb, { ...data, teamId: team.teamId })),
    turn.lang,
  );
}

/** A file attached in the personal chat: a superuser's start-up import. */
export const handleAttachedFile = guardedTyped(async (turn: Turn, file: SharedFile): Promise<void> => {
  const teams = await otherTeamsWhereSuperuser(turn);
  if (teams.length === 0) return sendText(turn, 'error.superuserOnly');
  if (teams.length > 1) return sendCard(turn, chooseTeam(turn, teams, VERBS.importCheck, { file }));
  await sendCard(turn, await checkImport(turn, teams[0]!.teamId, file));
});

export const checkImportForTeam: CardHandler = async (turn, data) => {
  const input = importChoice.parse(data);
  return forTapper(await checkImport(turn, input.teamId, input.file));
};

export const confirmImport: CardHandler = async (turn, data) => {
  const input = importChoice.parse(data);
  const settings = await turn.deps.teams.superuserSettings(input.teamId, turn.actor);
  const outcome = await withDownload(turn, input.file, (filePath) =>
    importIntoTeam(turn.deps.patients, settings, {
      teamId: input.teamId,
      file: { path: filePath, name: input.file.name },
      skipInvalid: input.skipInvalid,
      by: turn.actor,
      now: turn.deps.clock.now(),
    }),
  );
  turn.log.info({ event: 'import', teamId: input.teamId, written: outcome.kind === 'checked' ? outcome.written : 0 }, 'import from the personal chat');
  if (outcome.kind === 'checked' && outcome.written > 0) await journal(turn, 'import', outcome.imported, { teamId: input.teamId });
  return forTapper(transferCard(t(turn.lang, 'transfer.importTitle', { file: input.file.name }), importReportLines(outcome, turn.lang, settings), [], turn.lang));
};

async function offerExport(turn: Turn, teamId: string) {
  await turn.deps.teams.superuserSettings(teamId, turn.actor);
  const name = `liste-${turn.deps.clock.now().toISOString().slice(0, 10)}.xlsx`;
  // The size shown on the consent card is an estimate; the file is built when the person accepts.
  const estimate = 64 * 1024;
  return MessageFactory.attachment(fileConsentCard(name, estimate, t(turn.lang, 'transfer.exportDescription'), teamId));
}

/** `export` / `exporter` in the personal chat: superusers get their team's list as .xlsx. */
export async function handleExport(turn: Turn): Promise<void> {
  const teams = await otherTeamsWhereSuperuser(turn);
  if (teams.length === 0) return sendText(turn, 'error.superuserOnly');
  if (teams.length > 1) return sendCard(turn, chooseTeam(turn, teams, VERBS.exportTeam, {}));
  await turn.context.sendActivity(await offerExport(turn, teams[0]!.teamId));
}

export const exportForTeam: CardHandler = async (turn, data) => {
  const { teamId } = teamChoice.parse(data);
  await turn.context.sendActivity(await offerExport(turn, teamId));
  return forTapper(transferCard(t(turn.lang, 'transfer.exportTitle'), [t(turn.lang, 'transfer.exportOffered')], [], turn.lang));
};

/** The person accepted the consent card: build the file, upload it to their OneDrive, show it. */
export const uploadExport = guardedTyped(async (turn: Turn, response: FileConsentCardResponse): Promise<void> => {
  const context = response.context as { teamId?: unknown; name?: unknown } | undefined;
  const upload = response.uploadInfo;
  if (typeof context?.teamId !== 'string' || !upload?.uploadUrl || !upload.contentUrl) return sendText(turn, 'error.badCard');
  const settings = await turn.deps.teams.superuserSettings(context.teamId, turn.actor);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'telesante-export-'));
  try {
    const file = path.join(dir, 'export.xlsx');
    const exported = await exportTeam(turn.deps.patients, settings, context.teamId, file, turn.lang);
    const count = exported.length;
    await journal(turn, 'export', exported, { teamId: context.teamId });
    const size = (await stat(file)).size;
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Length': String(size), 'Content-Range': `bytes 0-${size - 1}/${size}` },
      body: await readFile(file),
    });
    if (!put.ok) throw new Error(`upload failed (${put.status})`);
    turn.log.info({ event: 'export', teamId: context.teamId, count }, 'export to the personal chat');
    await turn.context.sendActivity(MessageFactory.attachment(fileInfoCard(upload.name ?? String(context.name), upload.contentUrl, upload.uniqueId ?? '')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
