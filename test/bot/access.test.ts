import type { HistoryRecord } from '../../src/domain/history';
import { action, addPatient, ALICE, answerText, BOB, BotHarness, type Person, replyCard, replyText, teamFirstUsedBy, textsOf } from '../support/botHarness';

const GUEST: Person = { id: '29:guest', aadObjectId: 'aad-guest', name: 'Gilles Invité', locale: 'fr-CA' };
const CHLOE: Person = { id: '29:chloe', aadObjectId: 'aad-chloe', name: 'Chloé Roy', locale: 'fr-CA' };

describe('who may see and do what', () => {
  const bot = new BotHarness();
  beforeAll(async () => {
    await bot.start();
    bot.connector.members.set(ALICE.id, { id: ALICE.id, name: ALICE.name, aadObjectId: ALICE.aadObjectId, userRole: 'user', tenantId: 'tenant-1' });
    bot.connector.members.set(BOB.id, { id: BOB.id, name: BOB.name, aadObjectId: BOB.aadObjectId, userRole: 'user', tenantId: 'tenant-1' });
    bot.connector.members.set(CHLOE.id, { id: CHLOE.id, name: CHLOE.name, aadObjectId: CHLOE.aadObjectId, userRole: 'user', tenantId: 'tenant-1' });
    bot.connector.members.set(GUEST.id, { id: GUEST.id, name: GUEST.name, aadObjectId: GUEST.aadObjectId, userRole: 'guest', tenantId: 'other-tenant' });
  });
  afterAll(() => bot.stop());

  /** A team of its own for each test, whose first user (its first superuser) is Alice: no test rests on the ones before it. */
  const aliceTeam = (tag: string) => teamFirstUsedBy(bot, ALICE, tag);

  async function documents(teamId: string, type: string): Promise<any[]> {
    const { resources } = await bot.bot.container.items
      .query({ query: 'SELECT * FROM c WHERE c.teamId = @t AND c.type = @type', parameters: [{ name: '@t', value: teamId }, { name: '@type', value: type }] })
      .fetchAll();
    return resources;
  }

  it('makes the first person to use the bot in a team its superuser; others are refused the settings', async () => {
    const team = await aliceTeam('first');
    expect(replyText(await bot.say('settings', BOB, team))).toContain('Only the team’s superusers can do that.');
    const settings = replyCard(await bot.say('paramètres', ALICE, team));
    expect(textsOf(settings).join('\n')).toContain(`Identifiant de l’équipe (pour l’importation) : ${team.teamId}`);
    expect(textsOf(settings).join('\n')).toContain('Superutilisateurs : Alice Tremblay');
  });

  it('lets a superuser change the fields and labels, which the cards then follow; a member’s save changes nothing', async () => {
    const team = await aliceTeam('fields');
    const settings = replyCard(await bot.say('paramètres', ALICE, team));
    const save = action(settings, 'Enregistrer');
    const data = { ...save.data, listName: 'Soins à domicile', retentionMonths: '36', reminderIntervalMinutes: '5', enabled_room: 'false', enabled_address: 'true', label_address: 'Domicile', enabled_allergy: 'true' };
    for (const field of ['dateOfBirth', 'fileNumber', 'reason', 'phone', 'clinician']) (data as any)[`enabled_${field}`] = 'true';
    const refused = await bot.execute(save.verb, data, BOB, team);
    expect(answerText(refused)).toContain('Only the team’s superusers can do that.');
    expect((await documents(team.teamId, 'settings'))[0].retentionMonths).toBe(24);

    expect(answerText(await bot.execute(save.verb, data, ALICE, team))).toContain('Paramètres enregistrés.');
    const [stored] = await documents(team.teamId, 'settings');
    expect(stored).toMatchObject({ listName: 'Soins à domicile', retentionMonths: 36, reminderIntervalMinutes: 5 });
    const form = textsOf(replyCard(await bot.say('ajouter patient', ALICE, team)));
    expect(form).toEqual(expect.arrayContaining(['Domicile', 'Allergies']));
    expect(form).not.toContain('Chambre / unité');
    const n = await addPatient(bot, 'Champ Personnalisé', ALICE, team);
    await bot.say(`modifier adresse #${n} 12 rue des Érables`, ALICE, team);
    expect(replyText(await bot.say(`voir #${n}`, ALICE, team))).toContain('12 rue des Érables');
    expect(replyText(await bot.say(`modifier allergies #${n} Latex`, ALICE, team))).toContain('Patient');
    expect(replyText(await bot.say(`voir #${n}`, ALICE, team))).toContain('Allergies');

    const bad = await bot.execute(save.verb, { ...data, retentionMonths: '0' }, ALICE, team);
    expect(answerText(bad)).toContain('doit être un nombre entier de 1 à 120');
    expect((await documents(team.teamId, 'settings'))[0].retentionMonths).toBe(36);
  });

  it('grants and revokes superusers by @mention; a guest cannot become one; the last one stays', async () => {
    const team = await aliceTeam('grants');
    expect(replyText(await bot.say('grant superuser', BOB, team, [CHLOE]))).toContain('Only the team’s superusers');
    expect(replyText(await bot.say('nommer superutilisateur', ALICE, team, [GUEST]))).toContain('Un invité (compte externe) ne peut pas être superutilisateur.');
    expect(replyText(await bot.say('nommer superutilisateur', ALICE, team, [BOB]))).toContain('Bob Smith est maintenant superutilisateur.');
    expect(replyText(await bot.say('settings', BOB, team))).toContain('List settings');
    expect(replyText(await bot.say('revoke superuser', BOB, team, [ALICE]))).toContain('Alice Tremblay is no longer a superuser.');
    expect(replyText(await bot.say('revoke superuser', BOB, team, [BOB]))).toContain('the team must keep at least one superuser');
    expect(replyText(await bot.say('nommer superutilisateur', ALICE, team))).toContain('nommer superutilisateur @personne');
    const [stored] = await documents(team.teamId, 'settings');
    expect(stored.superusers.map((s: any) => s.id)).toEqual([BOB.aadObjectId]);
  });

  it('makes a clinician named by @mention follow the patient', async () => {
    const team = await aliceTeam('clinician');
    const n = await addPatient(bot, 'Suivi Clinique', ALICE, team);
    expect(replyText(await bot.say(`modifier responsable #${n}`, ALICE, team, [CHLOE]))).toContain(`Patient #${n} modifié.`);
    const card = replyText(await bot.say(`voir #${n}`, ALICE, team));
    expect(card).toContain('Chloé Roy');
    expect(card).toContain('Suivi par : Chloé Roy');
    expect(replyText(await bot.say('mes suivis', CHLOE, team))).toContain(`#${n} · Suivi Clinique`);
  });

  it('lets a guest read and write the list like a member', async () => {
    const team = await aliceTeam('guest');
    const n = await addPatient(bot, 'Patient Du Invité', GUEST, team);
    expect(replyText(await bot.say(`note #${n} Visite faite par l’invité`, GUEST, team))).toContain('Note ajoutée');
  });

  it("never lets a card or text reach another team's data, whatever ids it carries", async () => {
    const [teamA, teamB] = [await aliceTeam('secret'), await aliceTeam('replay')];
    const card = replyCard(await bot.say('ajouter patient Secret Équipe A', ALICE, teamA));
    const n = Number(/#(\d+)/.exec(textsOf(card).join(' '))![1]);
    const setInactive = action(card, 'Mettre inactif');
    const forged = { ...setInactive.data, teamId: teamA.teamId, team: { id: teamA.teamId }, reason: 'death' };
    for (const verb of ['patient.inactive', 'patient.open', 'patient.edit', 'note.form', 'patient.flagForm', 'patient.history', 'patient.follow']) {
      const replay = await bot.execute(verb, { ...forged, verb }, BOB, teamB);
      expect(answerText(replay)).toContain('This patient does not exist in this team.');
      expect(answerText(replay)).not.toContain('Secret');
    }
    expect(replyText(await bot.say(`voir #${n} team ${teamA.teamId}`, BOB, teamB))).not.toContain('Secret');
    const [stored] = (await documents(teamA.teamId, 'patient')).filter((p) => p.number === n);
    expect(stored).toMatchObject({ status: 'active', version: 1, followerIds: [] });
    expect(await documents(teamB.teamId, 'patient')).toEqual([]);
  });

  it('writes exactly one history record per change with who, when, what old → new, and shows it newest first', async () => {
    const team = await aliceTeam('history');
    const n = await addPatient(bot, 'Historique Complet', ALICE, team);
    const [patient] = (await documents(team.teamId, 'patient')).filter((p) => p.number === n);
    // Oldest first, as the history reads them (a query without ORDER BY promises no order).
    const history = async () =>
      (await documents(team.teamId, 'history'))
        .filter((h: HistoryRecord) => h.patientId === patient.id)
        .sort((a: HistoryRecord, b: HistoryRecord) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    expect(await history()).toHaveLength(1);
    await bot.say(`modifier téléphone #${n} 418-555-0101`, ALICE, team);
    await bot.say(`note #${n} Première note`, BOB, team);
    await bot.say(`mettre inactif #${n} absence`, ALICE, team);
    await bot.say(`mettre actif #${n}`, ALICE, team);
    await bot.say(`signaler #${n} Surveillance`, BOB, team);
    await bot.say(`suivre #${n}`, ALICE, team);
    await bot.say(`modifier téléphone #${n} 418-555-0101`, ALICE, team); // no change, no record
    const records = await history();
    expect(records.map((r: HistoryRecord) => r.action)).toEqual(['create', 'update', 'note', 'status', 'status', 'flag', 'follow']);
    expect(records[1]).toMatchObject({ by: { id: ALICE.aadObjectId, name: ALICE.name }, changes: [{ field: 'phone', new: '418-555-0101' }] });
    expect(records[3].changes).toEqual(expect.arrayContaining([{ field: 'status', old: 'active', new: 'inactive' }, { field: 'inactiveReason', new: 'leave' }]));
    expect(records[2]).toMatchObject({ by: { name: BOB.name }, changes: [{ field: 'note', new: 'Première note' }] });

    // Two people editing at once: both changes kept, one record each.
    await Promise.all([bot.say(`modifier chambre #${n} 5A`, ALICE, team), bot.say(`modifier dossier #${n} DOS-1`, BOB, team)]);
    const after = await history();
    expect(after).toHaveLength(9);
    const last = after.slice(-2).flatMap((r: HistoryRecord) => r.changes);
    expect(last).toEqual(expect.arrayContaining([{ field: 'room', new: '5A' }, { field: 'fileNumber', new: 'DOS-1' }]));

    const card = textsOf(replyCard(await bot.say(`historique #${n}`, ALICE, team))).join('\n');
    expect(card).toContain(`Historique de #${n} · Historique Complet`);
    expect(card.indexOf('Bob Smith · modification')).toBeGreaterThan(-1);
    expect(card.indexOf('suivi')).toBeLessThan(card.indexOf('création') === -1 ? Infinity : card.indexOf('création'));
  });
});

describe('tenants', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start({ env: { ALLOWED_TENANT_IDS: 'tenant-1, tenant-2' } }));
  afterAll(() => bot.stop());

  it('politely refuses another tenant and stores nothing', async () => {
    bot.tenantId = 'tenant-evil';
    expect(replyText(await bot.say('ajouter patient Intrus'))).toContain('ce service n’est pas offert à votre organisation');
    const invoke = await bot.execute('patient.addForm', { verb: 'patient.addForm' });
    expect(invoke.body.value).toContain('ce service n’est pas offert');
    const { resources } = await bot.bot.container.items.query('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(resources).toEqual([0]);
    bot.tenantId = 'tenant-2';
    expect(replyText(await bot.say('ajouter patient Permis'))).toContain('Patient #1 ajouté.');
  });
});
