import type { PriorityLevel } from './priority';

/**
 * What an inbound callback is, as far as the relay cares: Safaricom's Daraja
 * posts an STK push result (`Body.stkCallback`), a C2B confirmation (`TransID`
 * at the top level) or a B2C result (`Result.ConversationID`). Each carries a
 * natural id (Daraja sends the same id again when it repeats a callback) and a
 * result code; the lane follows seed 001's rules: a failed payment is
 * `urgent`, a success `high`, anything else `normal`.
 */

/** The Daraja callbacks the inbound route recognises. */
export const DARAJA_CALLBACK = {
  stkCallback: 'stk_callback',
  c2bConfirmation: 'c2b_confirmation',
  b2cResult: 'b2c_result',
} as const;

/** One of {@link DARAJA_CALLBACK}. */
export type DarajaCallbackKind = (typeof DARAJA_CALLBACK)[keyof typeof DARAJA_CALLBACK];

/** What the callback says of the payment. */
export const PAYMENT_OUTCOME = { succeeded: 'succeeded', failed: 'failed', unknown: 'unknown' } as const;

/** One of {@link PAYMENT_OUTCOME}. */
export type PaymentOutcome = (typeof PAYMENT_OUTCOME)[keyof typeof PAYMENT_OUTCOME];

/** The job name of a body the route does not recognise. */
export const UNRECOGNISED_CALLBACK_NAME = 'inbound';

/** A natural id longer than this is not taken as one (Daraja's are about 30 characters). */
export const MAX_NATURAL_ID_LENGTH = 128;

/** Seed 001's lanes: failures first, then successes, then whatever else comes in. */
const LANE_OF_OUTCOME: Readonly<Record<PaymentOutcome, PriorityLevel>> = {
  failed: 'urgent',
  succeeded: 'high',
  unknown: 'normal',
};

/** An inbound callback, recognised or not. */
export interface InboundCallback {
  /** The job's name: `daraja.<kind>`, or {@link UNRECOGNISED_CALLBACK_NAME}. */
  readonly name: string;
  /** Absent when the body is not a callback the route recognises. */
  readonly kind?: DarajaCallbackKind;
  /** `CheckoutRequestID`, `TransID` or `ConversationID`; absent when unrecognised, so the callback is never deduplicated. */
  readonly naturalId?: string;
  readonly outcome: PaymentOutcome;
  /** The lane, by seed 001's rules. */
  readonly priority: PriorityLevel;
}

type Json = Readonly<Record<string, unknown>>;

function objectAt(value: unknown, key: string): Json | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const found = (value as Json)[key];
  return typeof found === 'object' && found !== null && !Array.isArray(found) ? (found as Json) : undefined;
}

function naturalIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_NATURAL_ID_LENGTH ? value : undefined;
}

/** Daraja sends `ResultCode` as a number, and in some APIs as a string of digits; 0 is success. */
function outcomeOf(resultCode: unknown): PaymentOutcome {
  const code = typeof resultCode === 'string' && /^-?\d{1,10}$/.test(resultCode) ? Number(resultCode) : resultCode;
  if (typeof code !== 'number' || !Number.isInteger(code)) return PAYMENT_OUTCOME.unknown;
  return code === 0 ? PAYMENT_OUTCOME.succeeded : PAYMENT_OUTCOME.failed;
}

function recognised(kind: DarajaCallbackKind, naturalId: string, outcome: PaymentOutcome): InboundCallback {
  return { name: `daraja.${kind}`, kind, naturalId, outcome, priority: LANE_OF_OUTCOME[outcome] };
}

/**
 * Recognises a Daraja callback in a parsed request body. A body of none of
 * the three shapes, or whose natural id is missing or not a short string, is
 * unrecognised: `normal` lane, no natural id. A C2B confirmation is a
 * success (Daraja confirms only payments it completed).
 *
 * @example
 * recogniseCallback({ Body: { stkCallback: { CheckoutRequestID: 'ws_CO_1', ResultCode: 1032 } } });
 * // { name: 'daraja.stk_callback', kind: 'stk_callback', naturalId: 'ws_CO_1', outcome: 'failed', priority: 'urgent' }
 */
export function recogniseCallback(body: unknown): InboundCallback {
  const stk = objectAt(objectAt(body, 'Body'), 'stkCallback');
  const checkoutId = naturalIdOf(stk?.CheckoutRequestID);
  if (stk !== undefined && checkoutId !== undefined) return recognised(DARAJA_CALLBACK.stkCallback, checkoutId, outcomeOf(stk.ResultCode));

  const result = objectAt(body, 'Result');
  const conversationId = naturalIdOf(result?.ConversationID);
  if (result !== undefined && conversationId !== undefined) {
    return recognised(DARAJA_CALLBACK.b2cResult, conversationId, outcomeOf(result.ResultCode));
  }

  const transactionId = typeof body === 'object' && body !== null && !Array.isArray(body) ? naturalIdOf((body as Json).TransID) : undefined;
  if (transactionId !== undefined) return recognised(DARAJA_CALLBACK.c2bConfirmation, transactionId, PAYMENT_OUTCOME.succeeded);

  return { name: UNRECOGNISED_CALLBACK_NAME, outcome: PAYMENT_OUTCOME.unknown, priority: LANE_OF_OUTCOME.unknown };
}
