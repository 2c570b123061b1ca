import { defaultSettings, withShiftTimes } from '../../src/domain/team';
import { runOnce } from '../../src/store/cosmosRegistry';
import { CosmosTeamRepository } from '../../src/store/cosmosTeamRepository';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';
import { nurse } from '../support/fixtures';

let cosmos: TestCosmos;
beforeAll(async () => {
  cosmos = await startTestCosmos();
});
afterAll(() => cosmos.stop());

describe('one-time migrations at start', () => {
  it('runs a migration once: a later start finds it recorded and skips it', async () => {
    let runs = 0;
    const migrate = async () => {
      runs += 1;
      return true;
    };
    expect(await runOnce(cosmos.container, 'synthetic-once', migrate)).toBe('ran');
    expect(await runOnce(cosmos.container, 'synthetic-once', migrate)).toBe('done before');
    expect(runs).toBe(1);
  });

  it('does not record a migration that failed, so the next start runs it again', async () => {
    await expect(runOnce(cosmos.container, 'synthetic-fails', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    let runs = 0;
    expect(await runOnce(cosmos.container, 'synthetic-fails', async () => ++runs > 0)).toBe('ran');
    expect(runs).toBe(1);
  });

  it('records nothing when there was nothing to migrate (an empty store stays empty), so it looks again next time', async () => {
    let runs = 0;
    const nothingYet = async () => ++runs < 0;
    expect(await runOnce(cosmos.container, 'synthetic-empty', nothingYet)).toBe('ran');
    expect(await runOnce(cosmos.container, 'synthetic-empty', nothingYet)).toBe('ran');
    expect(runs).toBe(2);
    const { resources } = await cosmos.container.items.query("SELECT * FROM c WHERE c.teamId = '__registry' AND c.id = 'migration|synthetic-empty'").fetchAll();
    expect(resources).toEqual([]);
  });

  it('keeps migrations apart by name', async () => {
    await runOnce(cosmos.container, 'synthetic-a', async () => true);
    let ranB = false;
    expect(await runOnce(cosmos.container, 'synthetic-b', async () => (ranB = true))).toBe('ran');
    expect(ranB).toBe(true);
  });
});

describe('the relève schedules in the registry', () => {
  const at = new Date('2026-11-25T11:00:00.000Z');
  const team = (name: string) => `19:schedule-${name}@thread.tacv2`;

  it('lists the teams with a schedule, as their settings are saved, and drops one whose schedule is removed', async () => {
    const teams = new CosmosTeamRepository(cosmos.container);
    const scheduled = withShiftTimes(defaultSettings(nurse), nurse, ['07:00', '19:00'], at);
    const saved = await teams.saveSettings(team('kept'), scheduled);
    await teams.saveSettings(team('never'), defaultSettings(nurse));
    const dropped = await teams.saveSettings(team('dropped'), scheduled);
    await teams.saveSettings(team('dropped'), withShiftTimes(dropped.value, nurse, [], at), dropped.etag);
    const found = (await teams.releveSchedules()).filter((s) => s.teamId.startsWith('19:schedule-'));
    expect(found).toEqual([{ teamId: team('kept'), shifts: saved.value.shifts }]);
  });

  it('copies once, at start, the schedules saved before the registry kept them', async () => {
    const teams = new CosmosTeamRepository(cosmos.container);
    const old = team('before');
    const saved = await teams.saveSettings(old, withShiftTimes(defaultSettings(nurse), nurse, ['08:00'], at));
    // The registry entry as the code before wrote it: superusers only.
    await cosmos.container.items.upsert({ id: `admins:${old}`, teamId: '__registry', type: 'teamAdmins', team: old, superuserIds: [nurse.id] });
    expect((await teams.releveSchedules()).map((s) => s.teamId)).not.toContain(old);
    expect(await teams.indexSchedules([old, team('never')])).toBe(1);
    expect(await teams.releveSchedules()).toContainEqual({ teamId: old, shifts: saved.value.shifts });
  });
});
