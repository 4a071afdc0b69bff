import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { decodeJobMessage, encodeJobMessage } from '../../../functions/core/job-message';
import { aJobMessage } from '../../helpers/factories';

describe('encodeJobMessage / decodeJobMessage', () => {
  it('round-trips a full message', () => {
    // Prepare
    const message = aJobMessage({ priority: 'urgent', groupId: 'order-7', data: { nested: [1, 'two', null, { x: true }] } });

    // Act
    const decoded = decodeJobMessage(encodeJobMessage(message));

    // Assess
    expect(decoded).toEqual(message);
  });

  it('round-trips a message without optional fields', () => {
    // Prepare
    const { correlationId: _dropped, ...message } = aJobMessage({ data: null });

    // Act
    const decoded = decodeJobMessage(encodeJobMessage(message));

    // Assess
    expect(decoded).toStrictEqual(message);
  });

  it('carries the partner, and decodes a message from before partners were recorded without one', () => {
    // Prepare
    const { partner: _none, ...old } = aJobMessage();

    // Act
    const current = decodeJobMessage(encodeJobMessage(aJobMessage({ partner: 'globex' })));
    const decodedOld = decodeJobMessage(JSON.stringify(old));

    // Assess
    expect(current.partner).toBe('globex');
    expect(decodedOld).not.toHaveProperty('partner');
  });

  it('drops fields it does not know', () => {
    // Prepare
    const body = JSON.stringify({ ...aJobMessage(), injected: 'x' });

    // Act / Assess
    expect(decodeJobMessage(body)).not.toHaveProperty('injected');
  });

  it('throws a SyntaxError for a body that is not JSON', () => {
    // Act / Assess
    expect(() => decodeJobMessage('{not json')).toThrow(SyntaxError);
  });

  it.each<[string, unknown]>([
    ['no jobId', { ...aJobMessage(), jobId: undefined }],
    ['an empty runId', { ...aJobMessage(), runId: '' }],
    ['a numeric priority', { ...aJobMessage(), priority: 5 }],
    ['an unknown priority', { ...aJobMessage(), priority: 'mega' }],
    ['a numeric queue', { ...aJobMessage(), queue: 7 }],
    ['no data', { ...aJobMessage(), data: undefined }],
    ['an empty partner', { ...aJobMessage(), partner: '' }],
    ['an array', [aJobMessage()]],
    ['null', null],
  ])('throws a zod error for a body with %s', (_label, value) => {
    // Prepare
    const body = JSON.stringify(value);

    // Act / Assess
    expect(() => decodeJobMessage(body)).toThrow(z.core.$ZodError);
  });
});
