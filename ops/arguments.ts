import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number in a range. */
export function wholeNumber(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return parsed;
  };
}

/** A commander parser for a number of hours, 0 or more (fractions allowed). */
export function hours(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('hours must be a number, 0 or more.');
  return parsed;
}

/** A commander parser for a comma-separated list of job ids. */
export function jobIds(value: string): string[] {
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError('name at least one job id, e.g. --ids a,b');
  const bad = ids.find((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a job id (letters, digits, - and _).`);
  return ids;
}
