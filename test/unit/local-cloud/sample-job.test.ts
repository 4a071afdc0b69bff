import { describe, expect, it } from 'vitest';
import { DATA_SCHEMAS, dataSchemaOf } from '../../../functions/core/data-schemas';
import * as z from '../../../functions/core/validation';
import { exampleDataOf, sampleJob } from '../../../local/cloud/sample-job';

describe('the sample job of the ready report', () => {
  it('goes to email when the cloud runs it, with data the email schema accepts', () => {
    // Act
    const sample = sampleJob(['payments', 'email', 'qr-analytics']);

    // Assess
    expect(sample.queue).toBe('email');
    expect(z.safeParse(dataSchemaOf('email'), sample.data).success).toBe(true);
  });

  it("goes to the first queue otherwise, with that queue's example", () => {
    // Act
    const sample = sampleJob(['payments', 'webhook-delivery']);

    // Assess
    expect(sample).toEqual({ queue: 'payments', data: DATA_SCHEMAS['payment-intent'].example });
  });

  it('sends any small object to a queue without a data schema', () => {
    // Act
    const sample = sampleJob(['hooks'], [{ name: 'hooks' }]);

    // Assess
    expect(sample).toEqual({ queue: 'hooks', data: { hello: 'world' } });
  });

  it('gives a copy of the example, never the schema spec itself', () => {
    // Act
    const data = exampleDataOf('email');
    data.to = 'changed@example.com';

    // Assess
    expect(DATA_SCHEMAS.email.example.to).toBe('user@example.com');
  });
});
