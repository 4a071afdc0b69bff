/**
 * Items grouped by a key, each group in the items' order, the groups in the
 * order their keys first appear (what `Map.groupBy` does on newer Node).
 *
 * @example
 * groupBy(['a1', 'b1', 'a2'], (item) => item[0]); // Map { 'a' => ['a1', 'a2'], 'b' => ['b1'] }
 */
export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
