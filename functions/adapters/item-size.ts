/** DynamoDB bills a write by the started kilobyte of the item. */
export const WRITE_UNIT_BYTES = 1024;

/**
 * DynamoDB's size of one attribute value, following its published rules: strings
 * by UTF-8 length, numbers by about one byte per two significant digits plus
 * one, 1 byte for a boolean or null, and 3 bytes plus 1 byte per element for a
 * list or map (map keys count like attribute names).
 */
export function attributeValueSize(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(value);
  if (Array.isArray(value)) {
    return value.reduce<number>((sum, element) => sum + 1 + attributeValueSize(element), 3);
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'object') return 3 + entriesSize(value as Record<string, unknown>, 1);
  return 0;
}

/**
 * An item's size as DynamoDB counts it: attribute names plus values. Attributes
 * whose value is `undefined` are not written, so they do not count.
 *
 * @example
 * itemSize({ pk: 'JOB#1', sk: 'STATE' }); // 2 + 5 + 2 + 5 = 14
 */
export function itemSize(item: Record<string, unknown>): number {
  return entriesSize(item, 0);
}

function entriesSize(entries: Record<string, unknown>, perEntry: number): number {
  let size = 0;
  for (const [name, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    size += perEntry + Buffer.byteLength(name, 'utf8') + attributeValueSize(value);
  }
  return size;
}

function numberSize(value: number | bigint): number {
  const digits = String(value).replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}
