import { describe, expect, it } from 'vitest';
import { decodeJobMessage } from '../../../functions/core/job-message';
import { describeMalformed, malformedReason } from '../../../functions/core/malformed-message';

/** The error decoding `body` throws. */
function decodeError(body: string): unknown {
  try {
    decodeJobMessage(body);
  } catch (error) {
    return error;
  }
  throw new Error('the body decoded');
}

describe('describeMalformed', () => {
  it('says not_json for a body that is not JSON, whatever the parser quoted', () => {
    // Prepare
    const error = decodeError('{"to":+254700000001}');

    // Act
    const described = describeMalformed(error);

    // Assess
    expect(String((error as Error).message)).toContain('254700000001');
    expect(described).toEqual({ problem: 'not_json', fields: [] });
  });

  it('names only the schema fields that failed', () => {
    // Act
    const described = describeMalformed(decodeError(JSON.stringify({ jobId: 'job-1', runId: '', queue: 'payments', name: 'x', data: {}, priority: 'asap' })));

    // Assess
    expect(described).toEqual({ problem: 'invalid_shape', fields: ['runId', 'priority'] });
  });

  it('names a path that is not a schema field as (body)', () => {
    // Act
    const described = describeMalformed({ issues: [{ path: ['+254700000001'] }, { path: [] }] });

    // Assess
    expect(described).toEqual({ problem: 'invalid_shape', fields: ['(body)'] });
  });
});

describe('malformedReason', () => {
  it('lists the fields after the problem', () => {
    expect(malformedReason({ problem: 'invalid_shape', fields: ['jobId', 'priority'] })).toBe('malformed job message: invalid_shape (jobId, priority)');
    expect(malformedReason({ problem: 'not_json', fields: [] })).toBe('malformed job message: not_json');
  });
});
