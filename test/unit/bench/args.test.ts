import { describe, expect, it } from 'vitest';
import { parseBenchArgs, SCENARIOS } from '../../../bench/args';
import { BenchError } from '../../../bench/errors';

describe('parseBenchArgs', () => {
  it('runs every scenario with 2000 jobs and a table when given nothing', () => {
    // Act
    const options = parseBenchArgs([]);

    // Assess
    expect(options).toEqual({ json: false, only: [...SCENARIOS], jobs: 2000, help: false });
  });

  it('reads --json, --jobs, --against and --only, keeping run order whatever order the scenarios were named in', () => {
    // Act
    const options = parseBenchArgs(['--json', '--only', 'drain,ingest', '--jobs=500', '--against', 'bullmq']);

    // Assess
    expect(options).toEqual({ json: true, only: ['ingest', 'drain'], jobs: 500, help: false, against: 'bullmq' });
  });

  it.each([
    [['--only', 'ingest,warp'], /unknown scenario warp/],
    [['--jobs', '0'], /--jobs must be a whole number from 1/],
    [['--jobs', '2.5'], /--jobs must be a whole number/],
    [['--jobs'], /--jobs needs a value/],
    [['--against', 'sidekiq'], /--against takes bullmq; got "sidekiq"/],
    [['--fast'], /unknown argument "--fast"/],
  ])('refuses %j with a usage error', (argv, message) => {
    // Act
    const parse = () => parseBenchArgs(argv);

    // Assess
    expect(parse).toThrow(BenchError);
    expect(parse).toThrow(message);
    try {
      parse();
    } catch (error) {
      expect((error as BenchError).code).toBe('usage');
    }
  });
});
