import { describe, expect, it } from 'vitest';
import { floorSource, handlerOfSources, isEntrySource, projectSources, sdkImports } from '../../../bench/bundle-analysis';
import { jobData } from '../../../bench/jobs';

describe('sdkImports', () => {
  it('collects the runtime names imported from @aws-sdk packages, over several lines, leaving types out', () => {
    // Prepare
    const source = [
      "import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      'import {',
      '  SQSClient,',
      '  SendMessageBatchCommand as Batch,',
      '  type Message,',
      "} from '@aws-sdk/client-sqs';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      "import * as util from '@aws-sdk/util-dynamodb';",
      "import { z } from 'zod';",
    ].join('\n');

    // Act
    const imports = sdkImports(source);

    // Assess
    expect(Object.fromEntries([...imports].map(([pkg, names]) => [pkg, [...names]]))).toEqual({
      '@aws-sdk/client-sqs': ['SQSClient', 'SendMessageBatchCommand'],
      '@aws-sdk/lib-dynamodb': ['DynamoDBDocumentClient'],
      '@aws-sdk/util-dynamodb': ['*'],
    });
  });

  it('adds to what earlier files imported', () => {
    // Prepare
    const into = sdkImports("import { SQSClient } from '@aws-sdk/client-sqs';");

    // Act
    sdkImports("import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';", into);

    // Assess
    expect([...(into.get('@aws-sdk/client-sqs') ?? [])]).toEqual(['SQSClient', 'ReceiveMessageCommand']);
  });
});

describe('floorSource', () => {
  it('imports the same names and keeps them alive, since the packages declare no side effects', () => {
    // Act
    const source = floorSource(
      new Map([
        ['@aws-sdk/client-sqs', new Set(['SQSClient', 'DeleteMessageCommand'])],
        ['@aws-sdk/util-dynamodb', new Set(['*'])],
      ]),
    );

    // Assess
    expect(source).toBe(
      [
        "import { DeleteMessageCommand as m0_0, SQSClient as m0_1 } from '@aws-sdk/client-sqs';",
        "import * as m1 from '@aws-sdk/util-dynamodb';",
        'globalThis.__floor = [m0_0, m0_1, m1];',
        '',
      ].join('\n'),
    );
  });
});

describe('projectSources and handlerOfSources', () => {
  it('keeps the project files of a source map from functions/ on, and finds the entry among the handlers', () => {
    // Prepare
    const sources = projectSources([
      '../../../../repo/functions/handlers/runtime.ts',
      '../../../../repo/functions/handlers/ingest.ts',
      '../../../../repo/functions/core/job.ts',
      '../../../../repo/node_modules/zod/v4/core/functions/x.js',
    ]);

    // Act
    const handler = handlerOfSources(sources, (name) => name === 'ingest');

    // Assess
    expect(sources).toEqual(['functions/handlers/runtime.ts', 'functions/handlers/ingest.ts', 'functions/core/job.ts']);
    expect(handler).toBe('ingest');
    expect(handlerOfSources(['functions/core/job.ts'], () => true)).toBeUndefined();
  });
});

describe('isEntrySource', () => {
  it('takes a file that exports handler, not one that only shows it in a comment', () => {
    // Prepare
    const entry = "import { x } from './x';\n\n/** Lambda entry. */\nexport const handler = createIngestHandler(x);\n";
    const runtime = '/**\n * @example\n * export const handler = createJobStatusHandler(jobStatusRuntime(process.env));\n */\nexport function jobStatusRuntime() {}\n';

    // Act / Assess
    expect(isEntrySource(entry)).toBe(true);
    expect(isEntrySource(runtime)).toBe(false);
  });
});

describe('jobData', () => {
  it('pads the data to exactly the size asked, as JSON', () => {
    // Act
    const data = jobData(512, { run: 'abc', n: 42 });

    // Assess
    expect(JSON.stringify(data)).toHaveLength(512);
    expect(data).toMatchObject({ run: 'abc', n: 42 });
    expect(() => jobData(10, { run: 'a long run id' })).toThrow(RangeError);
  });
});
