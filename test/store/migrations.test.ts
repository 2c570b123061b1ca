import { runOnce } from '../../src/store/cosmosRegistry';
import { startTestCosmos, type TestCosmos } from '../support/cosmos';

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
