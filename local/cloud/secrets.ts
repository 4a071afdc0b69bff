import { randomInt } from 'node:crypto';
import { LocalCloudError } from '../errors';
import type { SecretStore, StoredSecret } from './http/secrets-manager-api';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import type { CfnResource } from './template';

/** `GenerateSecretString` as an `AWS::SecretsManager::Secret` declares it. */
export interface GenerateSecretStringSpec {
  readonly SecretStringTemplate?: string;
  readonly GenerateStringKey?: string;
  readonly PasswordLength?: number;
  readonly ExcludeCharacters?: string;
  readonly ExcludeLowercase?: boolean;
  readonly ExcludeUppercase?: boolean;
  readonly ExcludeNumbers?: boolean;
  readonly ExcludePunctuation?: boolean;
  readonly IncludeSpace?: boolean;
  readonly RequireEachIncludedType?: boolean;
}

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = LOWERCASE.toUpperCase();
const NUMBERS = '0123456789';
/** The punctuation Secrets Manager draws from. */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * A value for a secret declared with `GenerateSecretString`, made as Secrets
 * Manager makes it: a random password of `PasswordLength` (default 32) from
 * the character classes not excluded, with at least one of each class unless
 * `RequireEachIncludedType` is false; with `SecretStringTemplate` and
 * `GenerateStringKey`, the template's JSON object with the password under that
 * key.
 *
 * @throws LocalCloudError when the settings leave no characters, or the template is not a JSON object
 * @example
 * generateSecretString({ SecretStringTemplate: '{}', GenerateStringKey: 'key', PasswordLength: 32, ExcludePunctuation: true });
 * // '{"key":"q3ZxR…"}'
 */
export function generateSecretString(spec: GenerateSecretStringSpec, random: (max: number) => number = randomInt): string {
  const exclude = new Set(spec.ExcludeCharacters ?? '');
  const classes = [
    spec.ExcludeLowercase ? '' : LOWERCASE,
    spec.ExcludeUppercase ? '' : UPPERCASE,
    spec.ExcludeNumbers ? '' : NUMBERS,
    spec.ExcludePunctuation ? '' : PUNCTUATION,
    spec.IncludeSpace ? ' ' : '',
  ]
    .map((characters) => [...characters].filter((character) => !exclude.has(character)).join(''))
    .filter((characters) => characters.length > 0);
  const length = spec.PasswordLength ?? 32;
  if (classes.length === 0) throw new LocalCloudError('GenerateSecretString excludes every character');
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw new LocalCloudError(`GenerateSecretString PasswordLength must be 1 to 4096; got ${length}`);
  }
  const requireEach = spec.RequireEachIncludedType ?? true;
  if (requireEach && length < classes.length) {
    throw new LocalCloudError(`PasswordLength ${length} is too short to include each of ${classes.length} character types`);
  }
  const all = classes.join('');
  const pick = (characters: string): string => characters.charAt(random(characters.length));
  const characters = Array.from({ length }, () => pick(all));
  if (requireEach) {
    // Put one of each class at distinct random places, keeping the rest uniform.
    const places = [...characters.keys()];
    for (const characterClass of classes) {
      const [place] = places.splice(random(places.length), 1);
      if (place !== undefined) characters[place] = pick(characterClass);
    }
  }
  const password = characters.join('');
  if (spec.SecretStringTemplate === undefined || spec.GenerateStringKey === undefined) return password;
  let template: unknown;
  try {
    template = JSON.parse(spec.SecretStringTemplate);
  } catch (error) {
    throw new LocalCloudError(`SecretStringTemplate is not JSON: ${spec.SecretStringTemplate}`, { cause: error });
  }
  if (typeof template !== 'object' || template === null || Array.isArray(template)) {
    throw new LocalCloudError(`SecretStringTemplate must be a JSON object; got ${spec.SecretStringTemplate}`);
  }
  return JSON.stringify({ ...template, [spec.GenerateStringKey]: password });
}

/**
 * Secrets held in memory for the Secrets Manager emulation.
 *
 * @example
 * const store = new InMemorySecretStore([{ arn, name, value }]);
 * store.get(name)?.value;
 */
export class InMemorySecretStore implements SecretStore {
  private readonly secrets: readonly StoredSecret[];

  constructor(secrets: readonly StoredSecret[]) {
    this.secrets = secrets;
  }

  /** Every secret, in template order. */
  list(): readonly StoredSecret[] {
    return this.secrets;
  }

  get(idOrArn: string): StoredSecret | undefined {
    return this.secrets.find(
      (secret) =>
        secret.arn === idOrArn ||
        secret.name === idOrArn ||
        // A partial ARN: the full one without the six random characters Secrets Manager appends.
        (idOrArn.startsWith('arn:') && secret.arn.slice(0, secret.arn.length - 7) === idOrArn),
    );
  }
}

/**
 * The values of the `AWS::SecretsManager::Secret` resources: `SecretString`
 * when the template gives one, else one generated per `GenerateSecretString`
 * (a fresh value on every start, as a fresh deployment would get), else empty.
 *
 * @example
 * const store = new InMemorySecretStore(secretsFromTemplate(resourcesOfType(template, 'AWS::SecretsManager::Secret'), scope));
 */
export function secretsFromTemplate(
  secrets: readonly [string, CfnResource][],
  scope: ResolveScope,
  unresolved: UnresolvedReference[] = [],
): StoredSecret[] {
  return secrets.map(([logicalId, resource]) => {
    const arn = scope.resource(logicalId)?.ref;
    if (arn === undefined) throw new LocalCloudError(`secret ${logicalId} has no local ARN`, { context: { logicalId } });
    const properties = resolveValue(resource.Properties ?? {}, scope, unresolved) as Record<string, unknown>;
    const generate = properties.GenerateSecretString as GenerateSecretStringSpec | undefined;
    const value =
      typeof properties.SecretString === 'string' ? properties.SecretString : generate === undefined ? '' : generateSecretString(generate);
    // The ARN ends in `secret:<name>-<6 random characters>`.
    const name = arn.slice(arn.indexOf(':secret:') + ':secret:'.length, -7);
    return { arn, name, value };
  });
}
