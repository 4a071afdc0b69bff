import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_NATURAL_ID_LENGTH, recogniseCallback } from '../../../functions/core/daraja-callback';

/** The Daraja samples beside the repository (`../shared/fixtures/daraja`). */
const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'daraja');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown;

describe('recogniseCallback on the Daraja samples', () => {
  it.each([
    ['stk-success.json', { name: 'daraja.stk_callback', kind: 'stk_callback', naturalId: 'ws_CO_191220191020363925', outcome: 'succeeded', priority: 'high' }],
    ['stk-cancelled.json', { name: 'daraja.stk_callback', kind: 'stk_callback', naturalId: 'ws_CO_191220191020363926', outcome: 'failed', priority: 'urgent' }],
    ['c2b-confirmation.json', { name: 'daraja.c2b_confirmation', kind: 'c2b_confirmation', naturalId: 'RKTQDM7W6S', outcome: 'succeeded', priority: 'high' }],
    ['b2c-result.json', { name: 'daraja.b2c_result', kind: 'b2c_result', naturalId: 'AG_20191219_00004e48cf7e3533f581', outcome: 'succeeded', priority: 'high' }],
  ])('recognises %s: kind, natural id and seed 001 lane', (file, expected) => {
    // Act
    const callback = recogniseCallback(fixture(file));

    // Assess
    expect(callback).toEqual(expected);
  });

  it('sends a failed B2C payout to urgent', () => {
    // Prepare
    const body = fixture('b2c-result.json') as { Result: Record<string, unknown> };
    body.Result.ResultCode = 2001;

    // Act / Assess
    expect(recogniseCallback(body)).toMatchObject({ kind: 'b2c_result', outcome: 'failed', priority: 'urgent' });
  });
});

describe('recogniseCallback on other bodies', () => {
  it.each([
    ['a string "0"', '0', 'succeeded', 'high'],
    ['a string "1032"', '1032', 'failed', 'urgent'],
    ['no ResultCode', undefined, 'unknown', 'normal'],
    ['a ResultCode that is no number', 'oops', 'unknown', 'normal'],
    ['a fractional ResultCode', 0.5, 'unknown', 'normal'],
  ])('reads an STK callback with %s', (_label, resultCode, outcome, priority) => {
    // Act
    const callback = recogniseCallback({ Body: { stkCallback: { CheckoutRequestID: 'ws_CO_1', ResultCode: resultCode } } });

    // Assess
    expect(callback).toMatchObject({ kind: 'stk_callback', naturalId: 'ws_CO_1', outcome, priority });
  });

  it.each([
    ['an empty object', {}],
    ['an array', [{ TransID: 'X1' }]],
    ['a number', 42],
    ['null', null],
    ['an STK callback without CheckoutRequestID', { Body: { stkCallback: { ResultCode: 0 } } }],
    ['an empty TransID', { TransID: '' }],
    ['a numeric TransID', { TransID: 12345 }],
    ['a B2C result without ConversationID', { Result: { ResultCode: 0 } }],
    ['a natural id too long to be one', { TransID: 'X'.repeat(MAX_NATURAL_ID_LENGTH + 1) }],
  ])('does not recognise %s: normal lane, no natural id', (_label, body) => {
    // Act
    const callback = recogniseCallback(body);

    // Assess
    expect(callback).toEqual({ name: 'inbound', outcome: 'unknown', priority: 'normal' });
  });

  it('takes a natural id of the longest length allowed', () => {
    // Act / Assess
    expect(recogniseCallback({ TransID: 'X'.repeat(MAX_NATURAL_ID_LENGTH) }).naturalId).toHaveLength(MAX_NATURAL_ID_LENGTH);
  });
});
