/**
 * DynamoDB's on-demand billing, read off the requests and answers that pass
 * the metering proxy. DynamoDB Local already computes `ConsumedCapacity` by
 * DynamoDB's rules (checked against it: a write on the larger of the item
 * before and after per started KB, each index entry put or deleted, a key
 * change in an index as a delete and a put, transactions twice, reads per
 * started 4 KB and half for eventually consistent ones, Query and Scan on the
 * total size they read before filters, BatchGetItem per item). So the proxy
 * asks for it on every call and takes it from the answer. The one case Local
 * does not report is a write whose condition failed, which DynamoDB still
 * bills on the size of the existing item (at least 1 unit): for that the
 * proxy asks for the old item on failure and sizes it here.
 *
 * Not metered: PartiQL statements and cancelled transactions (the pipeline
 * uses neither); control-plane calls are counted with no units, as they are free.
 */

/** The text of a JSON value, as DynamoDB's wire format carries it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Actions whose reads are billed as read request units. */
const READ_ACTIONS: ReadonlySet<string> = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
/** Actions whose writes are billed as write request units. */
const WRITE_ACTIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** Single-item writes that can carry a condition and `ReturnValuesOnConditionCheckFailure`. */
const CONDITIONAL_ACTIONS: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

const CONSUMED_KEY = '"ConsumedCapacity":';
/** DynamoDB bills a write per started KB. */
const WRITE_UNIT_BYTES = 1024;

/** Whether an action is billed in read or write units, or neither. */
export function billingKind(action: string): 'read' | 'write' | undefined {
  if (READ_ACTIONS.has(action)) return 'read';
  if (WRITE_ACTIONS.has(action)) return 'write';
  return undefined;
}

/** A request made ready for metering, and what was added that the caller did not ask for. */
export interface MeteredRequest {
  readonly body: string;
  /** `ReturnConsumedCapacity` was added (or raised from `NONE`): strip `ConsumedCapacity` from the answer. */
  readonly addedCapacity: boolean;
  /** `ReturnValuesOnConditionCheckFailure: ALL_OLD` was added: strip `Item` from a condition failure. */
  readonly addedOldItem: boolean;
}

/**
 * Asks DynamoDB for what billing needs: `ReturnConsumedCapacity: TOTAL` on
 * every billed action, and the old item when a conditional single-item write
 * fails. The usual request, which names neither, is spliced as text without
 * parsing it; one that names them is parsed.
 *
 * @example
 * meteredRequest('PutItem', '{"TableName":"t","Item":{}}').body; // '{"ReturnConsumedCapacity":"TOTAL","TableName":"t","Item":{}}'
 */
export function meteredRequest(action: string, body: string): MeteredRequest {
  if (billingKind(action) === undefined) return { body, addedCapacity: false, addedOldItem: false };
  const conditional = CONDITIONAL_ACTIONS.has(action) && (body.includes('"ConditionExpression"') || body.includes('"Expected"'));
  const namesCapacity = body.includes('"ReturnConsumedCapacity"');
  const namesOldItem = body.includes('"ReturnValuesOnConditionCheckFailure"');
  if (!namesCapacity && !(conditional && namesOldItem)) {
    const added = ['"ReturnConsumedCapacity":"TOTAL"', ...(conditional ? ['"ReturnValuesOnConditionCheckFailure":"ALL_OLD"'] : [])];
    const spliced = spliceFirst(body, added);
    if (spliced !== undefined) return { body: spliced, addedCapacity: true, addedOldItem: conditional };
  }
  const parsed = parseObject(body);
  if (parsed === undefined) return { body, addedCapacity: false, addedOldItem: false };
  const addedCapacity = parsed.ReturnConsumedCapacity === undefined || parsed.ReturnConsumedCapacity === 'NONE';
  const addedOldItem = conditional && (parsed.ReturnValuesOnConditionCheckFailure === undefined || parsed.ReturnValuesOnConditionCheckFailure === 'NONE');
  if (addedCapacity) parsed.ReturnConsumedCapacity = 'TOTAL';
  if (addedOldItem) parsed.ReturnValuesOnConditionCheckFailure = 'ALL_OLD';
  return { body: addedCapacity || addedOldItem ? JSON.stringify(parsed) : body, addedCapacity, addedOldItem };
}

/** The units an answer reports, and the answer as the caller should get it. */
export interface MeteredAnswer {
  readonly units: number;
  readonly body: string;
}

/**
 * The capacity units a successful answer reports (summed over tables and
 * indexes, and over the entries of a batch), with `ConsumedCapacity` removed
 * when `strip` says the caller did not ask for it. DynamoDB Local writes
 * `ConsumedCapacity` last, so it is cut off the end of the text; any other
 * shape is parsed whole.
 */
export function capacityOfAnswer(body: string, strip: boolean): MeteredAnswer {
  const at = body.lastIndexOf(CONSUMED_KEY);
  if (at < 0) return { units: 0, body };
  const end = body.lastIndexOf('}');
  const units = sumCapacity(parseJson(body.slice(at + CONSUMED_KEY.length, end)));
  if (units !== undefined) {
    if (!strip) return { units, body };
    const before = body.slice(0, at).trimEnd();
    return { units, body: `${before.endsWith(',') ? before.slice(0, -1) : before}}` };
  }
  const parsed = parseObject(body);
  if (parsed === undefined) return { units: 0, body };
  const whole = sumCapacity(parsed.ConsumedCapacity ?? null) ?? 0;
  if (strip) delete parsed.ConsumedCapacity;
  return { units: whole, body: strip ? JSON.stringify(parsed) : body };
}

/**
 * The write units of a conditional write whose condition failed: DynamoDB
 * bills it on the size of the existing item, at least 1 unit, and writes no
 * index. Returns undefined when the answer is not a condition failure. The
 * old item is removed from the answer when `strip` says the caller did not
 * ask for it.
 */
export function failedConditionUnits(body: string, strip: boolean): MeteredAnswer | undefined {
  if (!body.includes('ConditionalCheckFailedException')) return undefined;
  const parsed = parseObject(body);
  if (parsed === undefined || typeof parsed.__type !== 'string' || !parsed.__type.endsWith('ConditionalCheckFailedException')) return undefined;
  const item = parsed.Item;
  const size = isObject(item) ? typedItemSize(item) : 0;
  const units = Math.max(1, Math.ceil(size / WRITE_UNIT_BYTES));
  if (!strip || item === undefined) return { units, body };
  delete parsed.Item;
  return { units, body: JSON.stringify(parsed) };
}

/**
 * An item's size as DynamoDB counts it, from its wire form (`{ "S": … }`,
 * `{ "N": … }`…): attribute names plus values, by the same rules as
 * `functions/adapters/item-size.ts` applies to plain values.
 *
 * @example
 * typedItemSize({ pk: { S: 'JOB#1' } }); // 2 + 5
 */
export function typedItemSize(item: { readonly [name: string]: Json }): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name, 'utf8') + typedValueSize(value);
  return size;
}

function typedValueSize(value: Json): number {
  if (!isObject(value)) return 0;
  const [type, content] = Object.entries(value)[0] ?? ['', null];
  switch (type) {
    case 'S':
      return typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : 0;
    case 'N':
      return typeof content === 'string' ? numberSize(content) : 0;
    case 'B':
      return typeof content === 'string' ? Buffer.from(content, 'base64').length : 0;
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'SS':
      return Array.isArray(content) ? content.reduce<number>((sum, entry) => sum + (typeof entry === 'string' ? Buffer.byteLength(entry, 'utf8') : 0), 0) : 0;
    case 'NS':
      return Array.isArray(content) ? content.reduce<number>((sum, entry) => sum + (typeof entry === 'string' ? numberSize(entry) : 0), 0) : 0;
    case 'BS':
      return Array.isArray(content) ? content.reduce<number>((sum, entry) => sum + (typeof entry === 'string' ? Buffer.from(entry, 'base64').length : 0), 0) : 0;
    case 'L':
      return Array.isArray(content) ? content.reduce<number>((sum, entry) => sum + 1 + typedValueSize(entry), 3) : 3;
    case 'M':
      return isObject(content) ? Object.entries(content).reduce((sum, [name, entry]) => sum + 1 + Buffer.byteLength(name, 'utf8') + typedValueSize(entry), 3) : 3;
    default:
      return 0;
  }
}

/** About one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/** Σ `CapacityUnits` of one `ConsumedCapacity` or a list of them; undefined when the value is not one. */
function sumCapacity(value: Json | undefined): number | undefined {
  const entries = Array.isArray(value) ? value : [value ?? null];
  let total = 0;
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.CapacityUnits !== 'number') return undefined;
    total += entry.CapacityUnits;
  }
  return total;
}

/** `{` + the members + the rest of the object, or undefined when the text is not an object. */
function spliceFirst(body: string, members: readonly string[]): string | undefined {
  const open = body.indexOf('{');
  if (open < 0 || body.slice(0, open).trim() !== '') return undefined;
  const rest = body.slice(open + 1);
  const separator = rest.trimStart().startsWith('}') ? '' : ',';
  return `{${members.join(',')}${separator}${rest}`;
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function parseObject(text: string): { [key: string]: Json } | undefined {
  const parsed = parseJson(text);
  return isObject(parsed) ? parsed : undefined;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
