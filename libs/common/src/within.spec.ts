import { within } from './within';

describe('within', () => {
  it('gives the answer that comes in time', async () => {
    await expect(within(Promise.resolve(7), 1000, 'it')).resolves.toBe(7);
  });

  it('gives up at the deadline, and a late failure is nobody’s unhandled rejection', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('refused')), 30));
      await expect(within(late, 5, 'Redis')).rejects.toThrow('Redis did not answer within 5 ms');
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('passes on a failure that comes in time', async () => {
    await expect(within(Promise.reject(new Error('refused')), 1000, 'it')).rejects.toThrow('refused');
  });
});
