/**
 * The text of a listing's cursor: a DynamoDB start key as URL-safe base64 of
 * its JSON, opaque to callers. Each listing checks what it decodes against
 * its own key shape.
 */

/**
 * A position as a cursor.
 *
 * @example
 * cursorOf({ pk: 'ENDPOINTS', sk: 'shop-42#ep_1' }); // 'eyJwayI6…'
 */
export function cursorOf(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * What a cursor holds, or undefined when it is not base64url JSON at all.
 *
 * @example
 * positionIn(cursorOf({ pk: 'a' })); // { pk: 'a' }
 * positionIn('not a cursor'); // undefined
 */
export function positionIn(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
