/** A JSON object from the API, read loosely: the CLI shows what it gets. */
export type Json = Record<string, unknown>;

/** The value if it is a number. */
export const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** The value if it is a string. */
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** The value if it is a JSON object. */
export const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** The objects of a list; anything else reads as an empty list. */
export const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter((item): item is Json => object(item) !== undefined) : []);

/** A text flattened to one line and cut to `max` characters (the cut marked `…`). */
export function shorten(value: string | undefined, max: number): string | undefined {
  if (value === undefined) return undefined;
  const flat = value.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
