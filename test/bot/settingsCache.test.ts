import { action, addPatient, ALICE, BOB, type BotHarness, type Person, replyCard, replyText, textsOf, turnText, TwoInstances, type Where } from '../support/botHarness';

/**
 * Two instances on one store. Each shows the list from the team settings it last read (at most
 * `settingsCacheMs` old), but reads them afresh for every decision about who may do what.
 */
const CACHE_MS = 400;
const instances = new TwoInstances();
const { first, second } = instances;

beforeAll(async () => {
  await instances.start({ settingsCacheMs: CACHE_MS });
  for (const person of [ALICE, BOB]) {
    first.connector.members.set(person.id, { id: person.id, name: person.name, aadObjectId: person.aadObjectId, userRole: 'user', tenantId: 'tenant-1' });
  }
}, 60_000);
afterAll(() => instances.stop());

async function eventually(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function teamNamed(name: string): Where {
  return { teamId: `19:team-${name}@thread.tacv2`, channelId: `19:general-${name}@thread.tacv2` };
}

it('refuses a superuser revoked on the other instance at once, though that instance has the settings cached', async () => {
  const team = teamNamed('revoked');
  await first.say('aide', ALICE, team);
  expect(replyText(await first.say('nommer superutilisateur', ALICE, team, [BOB]))).toContain('Bob Smith est maintenant superutilisateur.');
  const bob: Person = BOB;
  expect(replyText(await second.say('settings', bob, team))).toContain('List settings');
  const n = await addPatient(second, 'Patiente Cache', bob, team);
  // Second has the settings in its cache now, with Bob as superuser.
  expect(replyText(await first.say('retirer superutilisateur', ALICE, team, [BOB]))).toContain('Bob Smith n’est plus superutilisateur.');
  expect(replyText(await second.say('settings', bob, team))).toContain('Only the team’s superusers can do that.');
  expect(turnText(await second.say(`access log #${n}`, bob, team))).toContain('Alice Tremblay');
  expect(turnText(await second.say('purge preview', bob, team))).toContain('Only the team’s superusers');
});

it('shows a label changed on the other instance within the cache time', async () => {
  const team = teamNamed('labels');
  await first.say('aide', ALICE, team);
  const save = action(replyCard(await first.say('paramètres', ALICE, team)), 'Enregistrer');
  const withAddress = { ...save.data, enabled_address: 'true' };
  expect(turnText(await first.execute(save.verb, withAddress, ALICE, team))).toContain('Paramètres enregistrés.');
  const formLabels = async (bot: BotHarness) => textsOf(replyCard(await bot.say('ajouter patient', ALICE, team)));
  expect(await formLabels(second)).toContain('Adresse');

  expect(turnText(await first.execute(save.verb, { ...withAddress, label_address: 'Domicile' }, ALICE, team))).toContain('Paramètres enregistrés.');
  // The instance that saved shows it at once; the other one once its copy is older than the cache time.
  expect(await formLabels(first)).toContain('Domicile');
  expect(await eventually(async () => (await formLabels(second)).includes('Domicile'))).toBe(true);
});
