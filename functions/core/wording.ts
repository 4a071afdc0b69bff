/**
 * A count with its noun, singular for one and plural otherwise, so messages
 * never read "1 jobs". The plural is the noun plus `s` unless given.
 *
 * @example
 * counted(1, 'job'); // '1 job'
 * counted(3, 'job'); // '3 jobs'
 * counted(2, 'failed job'); // '2 failed jobs'
 * counted(0, 'entry', 'entries'); // '0 entries'
 */
export function counted(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
