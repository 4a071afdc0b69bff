import { describe, expect, it } from 'vitest';
import { DATA_SCHEMA_NAMES, DATA_SCHEMAS, dataSchemaOf, isDataSchemaName, type DataSchemaName } from '../../../functions/core/data-schemas';
import { fieldProblems } from '../../../functions/core/job-request';
import { paymentJobRequest } from '../../../functions/core/payment-intent-request';
import { parseCatalog, parseQueueDefinition } from '../../../functions/core/queue-config';
import * as z from '../../../functions/core/validation';
import { catalog } from '../../../lib/catalog';
import { aQueueDefinitionInput } from '../../helpers/factories';

/** The problems `data` has against a schema, as `{ field, message }` (empty when it passes). */
function problemsOf(name: DataSchemaName, data: unknown) {
  const result = z.safeParse(dataSchemaOf(name), data);
  return result.success ? [] : fieldProblems(result.error);
}

describe('the job data schemas', () => {
  it.each(DATA_SCHEMA_NAMES.map((name) => [name]))('%s accepts its own example, and extra fields beside it', (name) => {
    // Act
    const plain = problemsOf(name, DATA_SCHEMAS[name].example);
    const extended = problemsOf(name, { ...(DATA_SCHEMAS[name].example as object), note: 'kept' });

    // Assess
    expect(plain).toEqual([]);
    expect(extended).toEqual([]);
  });

  it.each([
    ['payment-intent', { payload: {} }, [{ field: 'intentId', message: expect.stringContaining('data.intentId is required') }]],
    ['payment-intent', { intentId: 'pi_1', payload: { amount: '1000' } }, [{ field: 'payload.amount', message: 'data.payload.amount must be a number such as 1000.00' }]],
    ['payment-intent', { intentId: 'pi_1', payload: 'stk_push' }, [{ field: 'payload', message: expect.stringContaining('data.payload must be a JSON object') }]],
    ['whatsapp-message', { messageType: 'HELLO', recipient: '+254712345678' }, [{ field: 'messageType', message: expect.stringContaining('ORDER_CONFIRMATION') }]],
    ['order-action', { orderId: '', action: 'CONFIRM' }, [{ field: 'orderId', message: 'data.orderId must not be empty' }]],
    ['email', { to: 'not-an-address', subject: 'Hi', template: 'welcome' }, [{ field: 'to', message: expect.stringContaining('email address') }]],
    ['data-export', { userId: 'u-1', exportType: 'xml', dataType: 'contacts' }, [{ field: 'exportType', message: expect.stringContaining('csv, json, pdf, excel') }]],
    ['qr-analytics', 42, [{ field: '(body)', message: expect.stringContaining('data must be a JSON object') }]],
  ] as const)('%s refuses %j, naming the field', (name, data, expected) => {
    // Act
    const problems = problemsOf(name, data);

    // Assess
    expect(problems).toEqual(expected);
  });

  it('takes seed 000 payment intent data as POST /api/payments/intent/queue builds it, with or without an action', () => {
    // Prepare
    const withAction = paymentJobRequest({ intent_id: 'pi_1', payload: { action: 'stk_push', amount: 1000, phone_number: '+254712345678', till: '123' } });
    const withoutAction = paymentJobRequest({ intent_id: 'pi_2', payload: { amount: 5 } });

    // Act
    const problems = [problemsOf('payment-intent', withAction.data), problemsOf('payment-intent', withoutAction.data)];

    // Assess
    expect(problems).toEqual([[], []]);
  });

  it('builds each schema once and knows its names', () => {
    // Act
    const first = dataSchemaOf('email');
    const second = dataSchemaOf('email');

    // Assess
    expect(second).toBe(first);
    expect([isDataSchemaName('email'), isDataSchemaName('e-mail')]).toEqual([true, false]);
  });
});

describe('a catalog entry’s dataSchema', () => {
  it('names a schema, or the entry is refused with the names it may take', () => {
    // Act
    const valid = parseQueueDefinition(aQueueDefinitionInput({ dataSchema: 'payment-intent' }));
    const invalid = () => parseQueueDefinition(aQueueDefinitionInput({ dataSchema: 'payments' as DataSchemaName }));

    // Assess
    expect(valid.dataSchema).toBe('payment-intent');
    expect(invalid).toThrow(/dataSchema must name a schema of functions\/core\/data-schemas: payment-intent, /);
  });

  it('is given to the seed queues whose data the seeds show, and to no other', () => {
    // Act
    const schemas = Object.fromEntries(parseCatalog(catalog).flatMap((entry) => (entry.dataSchema === undefined ? [] : [[entry.name, entry.dataSchema]])));

    // Assess
    expect(schemas).toEqual({
      payments: 'payment-intent',
      webhooks: 'webhook-event',
      'whatsapp-messages': 'whatsapp-message',
      'order-processing': 'order-action',
      email: 'email',
      'manychat-sync': 'manychat-sync',
      'qr-analytics': 'qr-analytics',
      'data-export': 'data-export',
    });
  });
});
