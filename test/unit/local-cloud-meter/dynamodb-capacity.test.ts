import { describe, expect, it } from 'vitest';
import { itemSize } from '../../../functions/adapters/item-size';
import { capacityOfAnswer, failedConditionUnits, meteredRequest, typedItemSize } from '../../../local/cloud/http/dynamodb-capacity';

const json = (text: string): unknown => JSON.parse(text);

describe('meteredRequest', () => {
  it('asks for the consumed capacity on a billed call that did not', () => {
    // Act
    const metered = meteredRequest('PutItem', '{"TableName":"jobs","Item":{"pk":{"S":"a"}}}');

    // Assess
    expect(json(metered.body)).toEqual({ ReturnConsumedCapacity: 'TOTAL', TableName: 'jobs', Item: { pk: { S: 'a' } } });
    expect(metered).toMatchObject({ addedCapacity: true, addedOldItem: false });
  });

  it('also asks for the old item when a conditional write may fail', () => {
    // Act
    const metered = meteredRequest('UpdateItem', '{"TableName":"jobs","Key":{},"ConditionExpression":"attribute_exists(pk)"}');

    // Assess
    expect(json(metered.body)).toMatchObject({ ReturnConsumedCapacity: 'TOTAL', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(metered).toMatchObject({ addedCapacity: true, addedOldItem: true });
  });

  it('keeps what the caller asked for, and raises NONE', () => {
    // Act
    const indexes = meteredRequest('Query', '{"TableName":"jobs","ReturnConsumedCapacity":"INDEXES"}');
    const none = meteredRequest('GetItem', '{"TableName":"jobs","ReturnConsumedCapacity":"NONE"}');
    const ownOldItem = meteredRequest('PutItem', '{"TableName":"jobs","ConditionExpression":"x","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}');

    // Assess
    expect(indexes).toEqual({ body: '{"TableName":"jobs","ReturnConsumedCapacity":"INDEXES"}', addedCapacity: false, addedOldItem: false });
    expect(json(none.body)).toEqual({ TableName: 'jobs', ReturnConsumedCapacity: 'TOTAL' });
    expect(none.addedCapacity).toBe(true);
    expect(ownOldItem).toMatchObject({ addedCapacity: true, addedOldItem: false });
    expect(json(ownOldItem.body)).toMatchObject({ ReturnConsumedCapacity: 'TOTAL', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
  });

  it('leaves unbilled calls and empty objects well formed', () => {
    // Act
    const describe = meteredRequest('DescribeTable', '{"TableName":"jobs"}');
    const empty = meteredRequest('Scan', '{}');

    // Assess
    expect(describe.body).toBe('{"TableName":"jobs"}');
    expect(json(empty.body)).toEqual({ ReturnConsumedCapacity: 'TOTAL' });
  });
});

describe('capacityOfAnswer', () => {
  it('takes a write’s total units, table and indexes, and strips them when the caller did not ask', () => {
    // Prepare: DynamoDB Local's answer to a put into a table with one index
    const answer = '{"ConsumedCapacity":{"TableName":"jobs","CapacityUnits":6.0,"Table":{"CapacityUnits":3.0},"GlobalSecondaryIndexes":{"by-status":{"CapacityUnits":3.0}}}}';

    // Act
    const stripped = capacityOfAnswer(answer, true);
    const kept = capacityOfAnswer(answer, false);

    // Assess
    expect(stripped).toEqual({ units: 6, body: '{}' });
    expect(kept).toEqual({ units: 6, body: answer });
  });

  it('sums a batch’s entries and keeps the rest of the answer', () => {
    // Prepare
    const answer = '{"Responses":{"a":[{"pk":{"S":"1"}}]},"UnprocessedKeys":{},"ConsumedCapacity":[{"TableName":"a","CapacityUnits":0.5},{"TableName":"b","CapacityUnits":1.5}]}';

    // Act
    const metered = capacityOfAnswer(answer, true);

    // Assess
    expect(metered.units).toBe(2);
    expect(json(metered.body)).toEqual({ Responses: { a: [{ pk: { S: '1' } }] }, UnprocessedKeys: {} });
  });

  it('parses the whole answer when an item attribute is named like the capacity', () => {
    // Prepare: no capacity at the end, only an attribute of that name inside an item
    const answer = '{"Item":{"ConsumedCapacity":{"S":"x"}},"ConsumedCapacity":{"TableName":"t","CapacityUnits":1.0},"Extra":1}';

    // Act
    const metered = capacityOfAnswer(answer, true);

    // Assess
    expect(metered.units).toBe(1);
    expect(json(metered.body)).toEqual({ Item: { ConsumedCapacity: { S: 'x' } }, Extra: 1 });
  });

  it('counts nothing in an answer without capacity', () => {
    // Act
    const metered = capacityOfAnswer('{"Table":{"TableName":"jobs"}}', true);

    // Assess
    expect(metered).toEqual({ units: 0, body: '{"Table":{"TableName":"jobs"}}' });
  });
});

describe('failedConditionUnits', () => {
  const failure = (item?: unknown): string =>
    JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', Message: 'The conditional request failed', ...(item === undefined ? {} : { Item: item }) });

  it('bills a failed condition on the size of the existing item, per started KB', () => {
    // Prepare: about 3 KB
    const item = { pk: { S: 'job-1' }, payload: { S: 'x'.repeat(3000) } };

    // Act
    const metered = failedConditionUnits(failure(item), true);

    // Assess
    expect(metered?.units).toBe(3);
    expect(json(metered?.body ?? '')).toEqual({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException', Message: 'The conditional request failed' });
  });

  it('bills at least one unit when there is no item, and keeps the item the caller asked for', () => {
    // Act
    const missing = failedConditionUnits(failure(), true);
    const asked = failedConditionUnits(failure({ pk: { S: 'a' } }), false);

    // Assess
    expect(missing?.units).toBe(1);
    expect(asked?.units).toBe(1);
    expect(json(asked?.body ?? '')).toHaveProperty('Item');
  });

  it('bills nothing for other errors', () => {
    // Act
    const metered = failedConditionUnits('{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}', true);

    // Assess
    expect(metered).toBeUndefined();
  });
});

describe('typedItemSize', () => {
  it('sizes the wire form as the job store sizes plain values', () => {
    // Prepare
    const plain = { pk: 'JOB#1', attempts: 3, score: -12.5, ok: true, none: null, tags: ['a', 'bc'], meta: { k: 'v', n: 100 } };
    const wire = {
      pk: { S: 'JOB#1' },
      attempts: { N: '3' },
      score: { N: '-12.5' },
      ok: { BOOL: true },
      none: { NULL: true },
      tags: { L: [{ S: 'a' }, { S: 'bc' }] },
      meta: { M: { k: { S: 'v' }, n: { N: '100' } } },
    };

    // Act
    const size = typedItemSize(wire);

    // Assess
    expect(size).toBe(itemSize(plain));
  });

  it('sizes binary values by their decoded bytes and sets by their members', () => {
    // Act
    const size = typedItemSize({ b: { B: Buffer.from('hello').toString('base64') }, ss: { SS: ['ab', 'c'] }, ns: { NS: ['1', '22'] } });

    // Assess: names 1 + 2 + 2; values 5, 3, 2 + 2
    expect(size).toBe(5 + 5 + 3 + 4);
  });
});
