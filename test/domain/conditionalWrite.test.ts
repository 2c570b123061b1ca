import { conditionalWrite } from '../../src/domain/conditionalWrite';
import { ConcurrentEditError, DomainError } from '../../src/domain/errors';

function versions() {
  let version = 0;
  return { read: jest.fn(async () => ++version) };
}

describe('conditionalWrite', () => {
  it('starts from the version the caller holds, and reads again only after losing a race', async () => {
    const { read } = versions();
    const seen: number[] = [];
    const result = await conditionalWrite({ attempts: 3 }, read, async (current) => {
      seen.push(current);
      if (seen.length === 1) throw new ConcurrentEditError();
      return `written on ${current}`;
    }, 41);
    expect(seen).toEqual([41, 1]);
    expect(read).toHaveBeenCalledTimes(1);
    expect(result).toBe('written on 1');
  });

  it('gives up with concurrentEdit after the policy attempts, pausing between them', async () => {
    const { read } = versions();
    const pause = jest.fn(async () => undefined);
    const write = jest.fn(async () => {
      throw new ConcurrentEditError();
    });
    const error = await conditionalWrite({ attempts: 4, pause }, read, write).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('concurrentEdit');
    expect(write).toHaveBeenCalledTimes(4);
    expect(pause.mock.calls).toEqual([[1], [2], [3]]);
  });

  it('passes any other error through at once', async () => {
    const { read } = versions();
    const refusal = new DomainError('patientChanged');
    const write = jest.fn(async () => {
      throw refusal;
    });
    await expect(conditionalWrite({ attempts: 30 }, read, write)).rejects.toBe(refusal);
    expect(write).toHaveBeenCalledTimes(1);
  });
});
