import type { AccessJournal } from '../../src/domain/ports';
import { action, actionsOf, ALICE, answerCard, BOB, BotHarness, numberIn, type Person, teamFirstUsedBy, textsOf, turnText, type TurnResult, type Where } from '../support/botHarness';

const CHLOE: Person = { id: '29:chloe', aadObjectId: 'aad-chloe', name: 'Chloé Roy', locale: 'fr-CA' };

/** What a card's inputs send when nobody changes them. */
function inputValues(node: any, out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(node)) node.forEach((n) => inputValues(n, out));
  else if (node && typeof node === 'object') {
    if (typeof node.type === 'string' && node.type.startsWith('Input.')) out[node.id] = String(node.value ?? '');
    Object.values(node).forEach((v) => inputValues(v, out));
  }
  return out;
}

async function accesses(bot: BotHarness, teamId: string): Promise<any[]> {
  const { resources } = await bot.bot.container.items
    .query({ query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'access' ORDER BY c.sortKey ASC", parameters: [{ name: '@t', value: teamId }] })
    .fetchAll();
  return resources;
}

describe('each read of patients’ information writes exactly one journal record', () => {
  const bot = new BotHarness();

  /** Runs the turn and returns it with the journal records it wrote in the team. */
  async function journaled(team: Where, turn: () => Promise<TurnResult>): Promise<{ result: TurnResult; written: any[] }> {
    const before = (await accesses(bot, team.teamId)).length;
    const result = await turn();
    await bot.alertsSettled();
    return { result, written: (await accesses(bot, team.teamId)).slice(before) };
  }

  /** A team of its own whose first user (its first superuser) is Alice, with these patients added by her. */
  async function ward(tag: string, firstName: string, ...others: string[]): Promise<{ team: Where; first: number; firstId: string }> {
    const team = await teamFirstUsedBy(bot, ALICE, tag);
    const added = await bot.say(`ajouter patient ${firstName}`, ALICE, team);
    for (const name of others) await bot.say(`ajouter patient ${name}`, ALICE, team);
    return { team, first: numberIn(turnText(added)), firstId: actionsOf(answerCard(added)).find((a) => a.data?.patientId)!.data.patientId };
  }

  /**
   * A patient with a long journal: Bob shows it ten times, follows it and lists what he follows;
   * Alice flags it (an alert to Bob), Chloé changes it (an alert she communicates), and Bob's Vu
   * is the latest access.
   */
  async function busyJournal(tag: string) {
    const ready = await ward(tag, 'Journal Premier');
    const { team, first } = ready;
    for (let i = 0; i < 10; i++) await bot.say(`voir #${first}`, BOB, team);
    await bot.say(`suivre #${first}`, BOB, team);
    await bot.say('mes suivis', BOB, team);
    await bot.say(`signaler #${first} Chute ce matin`, ALICE, team);
    await bot.alertsSettled();
    await bot.say(`modifier chambre #${first} 3B`, CHLOE, team);
    await bot.alertsSettled();
    const [alert] = await alertsOf(team, ready.firstId);
    await bot.execute('alert.ack', { alertId: alert.id }, BOB, team);
    return ready;
  }

  async function alertsOf(team: Where, patientId: string): Promise<any[]> {
    const { resources } = await bot.bot.container.items
      .query({ query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'alert' AND c.patientId = @p", parameters: [{ name: '@t', value: team.teamId }, { name: '@p', value: patientId }] })
      .fetchAll();
    return resources;
  }

  beforeAll(async () => {
    await bot.start();
    for (const person of [ALICE, BOB, CHLOE]) {
      bot.connector.members.set(person.id, { id: person.id, name: person.name, aadObjectId: person.aadObjectId, userRole: 'user', tenantId: 'tenant-1' });
    }
  });
  afterAll(() => bot.stop());

  it('records a patient card shown: who (Entra id and name), when (UTC), what, which patient, where; nothing clinical', async () => {
    const { team, first, firstId } = await ward('shown', 'Journal Premier');
    const { written } = await journaled(team, () => bot.say(`voir #${first}`, BOB, team));
    expect(written).toHaveLength(1);
    const [record] = written;
    expect(record).toMatchObject({
      kind: 'patientShown',
      by: { id: BOB.aadObjectId, name: BOB.name },
      where: { place: 'channel', id: team.channelId },
      patients: [{ id: firstId, number: first }],
    });
    expect(record.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(JSON.stringify(record)).not.toContain('Journal Premier');
    expect(record.by.mri).toBeUndefined();
  });

  it('records the card’s Open button the same way', async () => {
    const { team, first, firstId } = await ward('open', 'Journal Premier');
    const { written } = await journaled(team, () => bot.execute('patient.open', { patientId: firstId }, CHLOE, team));
    expect(written.map((r) => [r.kind, r.by.id, r.patients])).toEqual([['patientShown', CHLOE.aadObjectId, [{ id: firstId, number: first }]]]);
  });

  it('records a relève as one record naming the patients on its page, and the acknowledged card as another', async () => {
    const { team, first } = await ward('releve', 'Journal Premier', 'Journal Second');
    const { result, written } = await journaled(team, () => bot.say('relève', CHLOE, team));
    expect(written.map((r) => [r.kind, r.by.id])).toEqual([['releve', CHLOE.aadObjectId]]);
    expect(written[0].patients.map((p: { number: number }) => p.number).sort()).toEqual([first, first + 1]);
    const acknowledge = actionsOf(answerCard(result)).find((a) => a.verb === 'releve.ack' || a.data?.verb === 'releve.ack')!;
    const again = await journaled(team, () => bot.execute('releve.ack', acknowledge.data, CHLOE, team));
    expect(again.written.map((r) => r.kind)).toEqual(['releve']);
  });

  it('records a list page as one record naming the numbers shown, and the Next page as another', async () => {
    const { team, first } = await ward('list', 'Journal Premier', 'Journal Second');
    for (let i = 0; i < 10; i++) await bot.say(`ajouter patient Journal Liste ${i}`, ALICE, team);
    const { result, written } = await journaled(team, () => bot.say('liste', BOB, team));
    expect(written).toHaveLength(1);
    expect(written[0].kind).toBe('listViewed');
    const shown = [...turnText(result).matchAll(/#(\d+)/g)].map((m) => Number(m[1]));
    expect(written[0].patients.map((p: any) => p.number).sort()).toEqual([...new Set(shown)].sort());
    expect(written[0].patients).toHaveLength(10);
    const next = action(answerCard(result), 'Next');
    const page2 = await journaled(team, () => bot.execute(next.verb, next.data, BOB, team));
    expect(page2.written).toHaveLength(1);
    expect(page2.written[0].patients.map((p: any) => p.number)).toEqual(expect.arrayContaining([first]));
  });

  it('records the history viewed, a form opened with data, the patients I follow and a choice card', async () => {
    const { team, first, firstId } = await ward('reads', 'Journal Premier', 'Journal Liste 0', 'Journal Liste 1');
    expect((await journaled(team, () => bot.say(`historique #${first}`, BOB, team))).written.map((r) => r.kind)).toEqual(['historyViewed']);
    for (const verb of ['patient.edit', 'note.form', 'patient.flagForm', 'patient.inactiveForm']) {
      const { written } = await journaled(team, () => bot.execute(verb, { patientId: firstId }, BOB, team));
      expect([verb, written.map((r) => [r.kind, r.patients[0].number])]).toEqual([verb, [['formOpened', first]]]);
    }
    await bot.say(`suivre #${first}`, BOB, team);
    const following = await journaled(team, () => bot.say('mes suivis', BOB, team));
    expect(following.written.map((r) => [r.kind, r.patients])).toEqual([['listViewed', [{ id: firstId, number: first }]]]);
    const choice = await journaled(team, () => bot.say('voir "Journal Liste"', BOB, team));
    expect(turnText(choice.result)).toContain('Which one?');
    expect(choice.written).toHaveLength(1);
    expect(choice.written[0].kind).toBe('listViewed');
    expect(choice.written[0].patients.length).toBeGreaterThan(1);
  });

  it('writes nothing for an empty form, help, an unknown number or a page that shows nobody', async () => {
    const { team } = await ward('nothing', 'Journal Premier');
    expect((await journaled(team, () => bot.say('ajouter patient', BOB, team))).written).toEqual([]);
    expect((await journaled(team, () => bot.say('aide', BOB, team))).written).toEqual([]);
    expect((await journaled(team, () => bot.say('voir #99999', BOB, team))).written).toEqual([]);
    expect((await journaled(team, () => bot.say('liste signalés', BOB, team))).written).toEqual([]); // nobody flagged
    expect((await journaled(team, () => bot.say('aperçu épuration', ALICE, team))).written).toEqual([]); // nobody due
  });

  it('records an alert as a communication to the mentioned people, in the change’s own batch', async () => {
    const { team, first, firstId } = await ward('alert', 'Journal Premier');
    await bot.say(`suivre #${first}`, BOB, team);
    await bot.say(`signaler #${first} Chute ce matin`, ALICE, team); // Alice follows; Bob already does.
    await bot.alertsSettled();
    const { written } = await journaled(team, () => bot.say(`modifier chambre #${first} 3B`, CHLOE, team));
    // The change's turn: the alert's communication (in the patient batch); Chloé gets a confirmation line, no card.
    expect(written.map((r) => r.kind)).toEqual(['alertPosted']);
    const alert = written.find((r) => r.kind === 'alertPosted');
    expect(alert).toMatchObject({ by: { id: CHLOE.aadObjectId }, where: { place: 'channel' }, patients: [{ id: firstId, number: first }] });
    // Exactly the people the alert @mentions (the flag's author is left out when the change joins her alert).
    const alerts = await alertsOf(team, firstId);
    const mentioned = alerts.flatMap((a: any) => a.mentions.map((m: any) => m.id));
    expect(alert.to.length).toBeGreaterThan(0);
    expect(alert.to.map((a: any) => a.id).every((id: string) => mentioned.includes(id))).toBe(true);
    expect(alert.to.map((a: any) => a.name)).toContain(BOB.name);
    expect(alert.actorIds).toEqual([CHLOE.aadObjectId, ...alert.to.map((a: any) => a.id)]);
    // Vu redraws the alert card (the patient's changes) for the person who taps: one record.
    const ack = await journaled(team, () => bot.execute('alert.ack', { alertId: alerts[0].id }, BOB, team));
    expect(turnText(ack.result)).toContain(`#${first}`);
    expect(ack.written.map((r) => [r.kind, r.by.id, r.patients])).toEqual([['patientShown', BOB.aadObjectId, [{ id: firstId, number: first }]]]);
  });

  it('shows superusers who did what and when for a patient, newest first, and journals that look', async () => {
    const { team, first, firstId } = await busyJournal('patient-log');
    const { result, written } = await journaled(team, () => bot.say(`journal #${first}`, ALICE, team));
    const text = turnText(result);
    expect(text).toContain(`Journal des accès de #${first}`);
    expect(text).toMatch(/Bob Smith · fiche affichée/);
    expect(text).toMatch(/Chloé Roy · alerte communiquée/);
    expect(text).toContain('Destinataires : ');
    expect(text).toContain('canal de l’équipe');
    const titles = textsOf(answerCard(result)).filter((s) => / · (Alice Tremblay|Bob Smith|Chloé Roy) · /.test(s));
    expect(titles[0]).toMatch(/Bob Smith · fiche affichée/); // Bob's Vu, the latest access
    expect(written).toMatchObject([{ kind: 'journalViewed', by: { id: ALICE.aadObjectId }, patients: [{ id: firstId, number: first }] }]);

    const en = await bot.say(`access log #${first}`, { ...ALICE, locale: 'en-US' }, team);
    expect(turnText(en)).toContain(`Access log of #${first}`);
    expect(turnText(en)).toMatch(/Bob Smith · patient card shown/);
    expect(turnText(en)).toContain('Next');
  });

  it('pages the journal: Next (Execute, or its Submit fallback) carries the keyset and shows page 2', async () => {
    const { team, first } = await busyJournal('log-pages');
    const page1 = await bot.say(`journal #${first}`, ALICE, team);
    const titles1 = textsOf(answerCard(page1)).filter((s) => /(\d{1,2}\u00a0h\u00a0\d{2}|\d{2}:\d{2}( [AP]M)?) · /.test(s));
    expect(titles1).toHaveLength(10);
    const next = action(answerCard(page1), 'Suivant');
    expect(next.data).toMatchObject({ number: first, page: 2 });
    expect(typeof next.data.before).toBe('string');
    expect(next.fallback).toMatchObject({ type: 'Action.Submit', data: next.data });
    const page2 = await bot.submit(next.data, ALICE, team);
    expect(turnText(page2)).toContain('page 2');
    const all = (await accesses(bot, team.teamId)).filter((r) => r.numbers.includes(first));
    expect(all.length).toBeGreaterThan(10);
    const titles2 = textsOf(answerCard(page2)).filter((s) => /(\d{1,2}\u00a0h\u00a0\d{2}|\d{2}:\d{2}( [AP]M)?) · /.test(s));
    expect(titles1.length + titles2.length).toBeLessThanOrEqual(all.length);
    expect(titles2.length).toBeGreaterThan(0);
  });

  it('shows what one person consulted (journal @personne), with the patients’ numbers', async () => {
    const { team, first } = await busyJournal('person-log');
    const { result, written } = await journaled(team, () => bot.say('journal', ALICE, team, [BOB]));
    const text = turnText(result);
    expect(text).toContain('Journal des accès de Bob Smith');
    expect(text).toContain(`Patients : #${first}`);
    expect(text).toMatch(/Bob Smith · liste affichée/);
    expect(text).toMatch(/Alice Tremblay · alerte communiquée/); // Bob received that alert.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ kind: 'journalViewed', subject: { id: BOB.aadObjectId, name: BOB.name } });
    expect(turnText(await bot.say('access log', { ...ALICE, locale: 'en-US' }, team, [CHLOE]))).toContain('Access log of Chloé Roy');
  });

  it('refuses members and tells them who can; their attempt shows and records nothing', async () => {
    const { team, first } = await ward('members', 'Journal Premier');
    const fr = await journaled(team, () => bot.say(`journal #${first}`, CHLOE, team));
    expect(turnText(fr.result)).toContain('Seuls les superutilisateurs de l’équipe peuvent consulter le journal des accès : Alice Tremblay.');
    expect(fr.written).toEqual([]);
    expect(fr.result.sent[0]!.activity.textFormat).toBe('plain');
    const en = await bot.say('access log', BOB, team, [ALICE]);
    expect(turnText(en)).toContain('Only the team’s superusers can see the access log: Alice Tremblay.');
    const tapped = await journaled(team, () => bot.execute('journal.page', { number: first, before: '9999', page: 2 }, BOB, team));
    expect(turnText(tapped.result)).toContain('Only the team’s superusers can see the access log');
    expect(tapped.written).toEqual([]);
  });

  it('lets a superuser set the journal retention on the settings card; out of range is refused and changes nothing', async () => {
    const team = await teamFirstUsedBy(bot, ALICE, 'retention');
    const settings = answerCard(await bot.say('paramètres', ALICE, team));
    expect(textsOf(settings).join('\n')).toContain('Durée décidée par l’établissement (5 ans par défaut)');
    const inputs = inputValues(settings);
    expect(inputs.journalRetentionMonths).toBe('60');
    const save = action(settings, 'Enregistrer');
    const stored = async () => {
      const { resources } = await bot.bot.container.items
        .query({ query: "SELECT * FROM c WHERE c.teamId = @t AND c.type = 'settings'", parameters: [{ name: '@t', value: team.teamId }] })
        .fetchAll();
      return resources[0].journalRetentionMonths;
    };
    const refused = await bot.execute(save.verb, { ...save.data, ...inputs, journalRetentionMonths: '6' }, ALICE, team);
    expect(turnText(refused)).toContain('« Conservation du journal des accès (mois) » doit être un nombre entier de 12 à 240.');
    expect(await stored()).toBe(60);
    await bot.execute(save.verb, { ...save.data, ...inputs, journalRetentionMonths: '120' }, ALICE, team);
    expect(await stored()).toBe(120);
  });

  it('answers bad input with the usage sentence and changes nothing', async () => {
    const team = await teamFirstUsedBy(bot, ALICE, 'usage');
    expect(turnText(await bot.say('journal', ALICE, team))).toContain('Écrivez : journal #12');
    expect(turnText(await bot.say('journal abc', ALICE, team))).toContain('Écrivez : journal #12');
    const bad = await bot.execute('journal.page', { before: 'x' }, ALICE, team);
    expect(turnText(bad)).not.toContain('Journal des accès');
  });
});

describe('no record, no display', () => {
  const bot = new BotHarness();
  let failing = false;
  let patientId: string;

  beforeAll(async () => {
    // The Cosmos journal behind a switch that makes its write fail, as an unavailable store would.
    const journal = (cosmos: AccessJournal): AccessJournal => ({
      record: (teamId, record) => (failing ? Promise.reject(new Error('journal write refused')) : cosmos.record(teamId, record)),
      page: (teamId, query, options) => cosmos.page(teamId, query, options),
      purgeBefore: (teamId, before) => cosmos.purgeBefore(teamId, before),
    });
    await bot.start({ journal });
    await bot.say('aide', ALICE);
    const added = await bot.say('ajouter patient Secret Dossier', ALICE);
    patientId = actionsOf(answerCard(added)).find((a) => a.data?.patientId)!.data.patientId;
  });
  afterAll(() => bot.stop());

  it('answers a typed show, list, history and journal with the technical-problem sentence, never the information', async () => {
    failing = true;
    for (const command of ['voir #1', 'liste', 'historique #1', 'journal #1', 'show Secret']) {
      const result = await bot.say(command, ALICE);
      const text = turnText(result);
      expect([command, text]).toEqual([command, expect.stringContaining('problème technique')]);
      expect(text).not.toContain('Secret Dossier');
    }
  });

  it('answers a card button (Execute and Submit) with the technical-problem card', async () => {
    failing = true;
    for (const verb of ['patient.open', 'patient.edit', 'note.form']) {
      const executed = await bot.execute(verb, { patientId });
      expect(turnText(executed)).toContain('problème technique');
      expect(turnText(executed)).not.toContain('Secret Dossier');
      const submitted = await bot.submit({ verb, patientId });
      expect(turnText(submitted)).toContain('problème technique');
      expect(turnText(submitted)).not.toContain('Secret Dossier');
    }
  });

  it('shows the information again once the journal can be written', async () => {
    failing = false;
    expect(turnText(await bot.say('voir #1', ALICE))).toContain('Secret Dossier');
  });
});
