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
    };
    expect(await runOnce(cosmos.container, 'synthetic-once', migrate)).toBe('ran');
    expect(await runOnce(cosmos.container, 'synthetic-once', migrate)).toBe('done before');
    expect(runs).toBe(1);
  });

  it('does not record a migration that failed, so the next start runs it again', async () => {
    await expect(runOnce(cosmos.container, 'synthetic-fails', () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    let runs = 0;
    expect(await runOnce(cosmos.container, 'synthetic-fails', async () => void (runs += 1))).toBe('ran');
    expect(runs).toBe(1);
  });

  it('keeps migrations apart by name', async () => {
    await runOnce(cosmos.container, 'synthetic-a', async () => undefined);
    let ranB = false;
    expect(await runOnce(cosmos.container, 'synthetic-b', async () => void (ranB = true))).toBe('ran');
    expect(ranB).toBe(true);
  });
});
