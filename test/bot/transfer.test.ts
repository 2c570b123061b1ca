import { createServer, type Server } from 'node:http';
import { ALICE, BOB, BotHarness, cardOf, CHANNEL_A, textsOf, turnText } from '../support/botHarness';

const CSV = '\uFEFFNom;Date de naissance;Chambre / unité\r\nJeanne Par Fichier;1941-04-05;2A\r\nPaul Par Fichier;1939-09-09;2B\r\n;1950-01-01;2C\r\n';

/** Stand-in for Teams' file storage: serves the attached file, receives the exported one. */
async function startFileHost(): Promise<{ server: Server; url: string; uploads: Buffer[] }> {
  const uploads: Buffer[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(CSV);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      uploads.push(Buffer.concat(chunks));
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, uploads };
}

describe('import and export from the personal chat', () => {
  const bot = new BotHarness();
  let files: Awaited<ReturnType<typeof startFileHost>>;
  beforeAll(async () => {
    await bot.start();
    files = await startFileHost();
    await bot.say('aide', ALICE); // Alice becomes team A's superuser.
  });
  afterAll(async () => {
    files.server.close();
    await bot.stop();
  });

  /** The access-journal records of a kind in team A (the import and the export are journaled there). */
  async function journaled(kind: string): Promise<any[]> {
    const { resources } = await bot.bot.container.items
      .query({ query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'access' AND c.kind = @k", parameters: [{ name: '@t', value: CHANNEL_A.teamId }, { name: '@k', value: kind }] })
      .fetchAll();
    return resources;
  }

  const attachment = () => ({
    attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'depart.csv', content: { downloadUrl: `${files.url}/depart.csv`, uniqueId: 'u1', fileType: 'csv' } }],
  });

  it('refuses a member who is no superuser', async () => {
    expect(turnText(await bot.personal(BOB, attachment()))).toContain('Only the team’s superusers can do that.');
    expect(turnText(await bot.personal(BOB, { text: 'export' }))).toContain('Only the team’s superusers can do that.');
  });

  it('shows a superuser the report of an attached file, then imports the valid rows on confirmation', async () => {
    const report = await bot.personal(ALICE, attachment());
    const card = cardOf(report.sent[0]);
    const shown = textsOf(card).join('\n');
    expect(shown).toContain('3 ligne(s) lue(s) : 2 acceptée(s), 1 refusée(s).');
    expect(shown).toContain('Ligne 4, colonne « Nom » : le nom manque');
    const confirm = card.body.flatMap((b: any) => b.actions ?? []).find((a: any) => a.title.includes('2 lignes valides'));
    expect(turnText(await bot.execute(confirm.verb, confirm.data, BOB))).toContain('Only the team’s superusers');
    const done = await bot.personalInvoke(ALICE, 'adaptiveCard/action', { action: { type: 'Action.Execute', verb: confirm.verb, data: confirm.data } });
    expect(turnText(done)).toContain('2 patient(s) importé(s) dans l’équipe.');
    const [imported, ...more] = await journaled('import');
    expect(more).toEqual([]);
    expect(imported).toMatchObject({ by: { id: ALICE.aadObjectId }, where: { place: 'personalChat' } });
    expect(imported.patients).toHaveLength(2);
    const list = turnText(await bot.say('liste', ALICE));
    expect(list).toContain('Jeanne Par Fichier');
    expect(list).toContain('Paul Par Fichier');
  });

  it('sends the team list as .xlsx through the file consent card', async () => {
    for (const name of ['Export Premier', 'Export Second']) await bot.say(`ajouter patient ${name}`, ALICE);
    const offer = await bot.personal(ALICE, { text: 'exporter' });
    const consent = offer.sent[0]!.activity.attachments[0];
    expect(consent.contentType).toBe('application/vnd.microsoft.teams.card.file.consent');
    expect(consent.content.acceptContext.teamId).toBe(CHANNEL_A.teamId);
    const accepted = await bot.personalInvoke(ALICE, 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context: consent.content.acceptContext,
      uploadInfo: { name: consent.name, uploadUrl: `${files.url}/upload`, contentUrl: `${files.url}/liste.xlsx`, uniqueId: 'file-1', fileType: 'xlsx' },
    });
    expect(accepted.status).toBe(200);
    expect(files.uploads).toHaveLength(1);
    const [exported, ...again] = await journaled('export');
    expect(again).toEqual([]);
    expect(exported).toMatchObject({ by: { id: ALICE.aadObjectId, name: ALICE.name }, where: { place: 'personalChat' } });
    // Every patient of the team is in the file, and the record names them all.
    const { resources: numbers } = await bot.bot.container.items
      .query({ query: "SELECT VALUE c.number FROM c WHERE c.teamId = @t AND c.type = 'patient'", parameters: [{ name: '@t', value: CHANNEL_A.teamId }] })
      .fetchAll();
    expect(numbers.length).toBeGreaterThanOrEqual(2);
    expect(exported.numbers.sort()).toEqual(numbers.sort());
    expect(files.uploads[0]!.subarray(0, 2).toString()).toBe('PK');
    const info = accepted.sent.find((c) => c.activity.attachments?.[0]?.contentType === 'application/vnd.microsoft.teams.card.file.info');
    expect(info?.activity.attachments[0].contentUrl).toBe(`${files.url}/liste.xlsx`);
    expect(turnText(await bot.say('exporter', ALICE))).toContain('conversation personnelle');
  });
});
