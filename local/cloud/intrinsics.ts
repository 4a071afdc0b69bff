/**
 * CloudFormation's intrinsic functions, evaluated over local values: what the
 * local cloud uses to turn a synthesized template's properties (function
 * environments, queue redrive policies, route integrations) into the names,
 * ARNs and URLs of the resources it runs. Pure: no I/O, no clock.
 */
import { IntrinsicError, PLACEHOLDER_PREFIX, type ResolveScope, type UnresolvedReference } from './intrinsic-scope';

export {
  hasPlaceholder,
  IntrinsicError,
  PLACEHOLDER_PREFIX,
  type LocalResource,
  type PseudoParameters,
  type ResolveScope,
  type UnresolvedReference,
} from './intrinsic-scope';

/** Removes the property or list item it is the value of (`AWS::NoValue`). */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/**
 * Resolves every intrinsic in `value`: `Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Sub` (both forms), `Fn::Select`, `Fn::Split`, `Fn::If` with its
 * conditions, `Fn::FindInMap`, `Fn::Base64`, `Fn::GetAZs`, `Fn::ToJsonString`,
 * `Fn::Length` and the pseudo parameters. A reference the scope has no value
 * for (a resource type that is not emulated, an import, an SSM parameter)
 * becomes a placeholder string starting with {@link PLACEHOLDER_PREFIX} and is
 * reported to `unresolved`, so that nothing is silently dropped.
 *
 * @throws IntrinsicError when an intrinsic is malformed (wrong arity, a list where a string must be)
 * @example
 * resolveValue({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] }, scope); // 'arn:aws'
 */
export function resolveValue(value: unknown, scope: ResolveScope, unresolved: UnresolvedReference[] = []): unknown {
  const resolved = new Resolver(scope, unresolved).resolve(value);
  return resolved === NO_VALUE ? undefined : resolved;
}

/**
 * Resolves `value` and requires a string (numbers and booleans are written as
 * CloudFormation writes them).
 *
 * @throws IntrinsicError when the value resolves to a list or an object
 */
export function resolveString(value: unknown, scope: ResolveScope, unresolved: UnresolvedReference[] = []): string {
  return stringOf(resolveValue(value, scope, unresolved), 'a value');
}

/**
 * Whether the named condition of the template holds.
 *
 * @throws IntrinsicError when there is no such condition
 */
export function conditionHolds(name: string, scope: ResolveScope, unresolved: UnresolvedReference[] = []): boolean {
  return new Resolver(scope, unresolved).condition(name);
}

function stringOf(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntrinsicError(`${what} must resolve to a string; got ${JSON.stringify(value)}`);
}

function argsOf(value: unknown, name: string, count: number): unknown[] {
  if (!Array.isArray(value) || value.length !== count) {
    throw new IntrinsicError(`${name} takes a list of ${count}; got ${JSON.stringify(value)}`);
  }
  return value;
}

const PSEUDO_NAMES = ['AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackName', 'AWS::StackId'] as const;

class Resolver {
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly scope: ResolveScope,
    private readonly unresolved: UnresolvedReference[],
  ) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item)).filter((item) => item !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first !== undefined && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const result: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const resolved = this.resolve(item);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  }

  private intrinsic(name: string, args: unknown): unknown {
    switch (name) {
      case 'Ref':
        return this.ref(stringOf(this.resolve(args), 'Ref'));
      case 'Fn::GetAtt':
        return this.getAtt(args);
      case 'Fn::Join': {
        const [delimiter, list] = argsOf(args, name, 2);
        return this.list(list, name).map((item) => stringOf(item, 'a Fn::Join item')).join(stringOf(delimiter, 'the Fn::Join delimiter'));
      }
      case 'Fn::Sub':
        return this.sub(args);
      case 'Fn::Select': {
        const [index, list] = argsOf(args, name, 2);
        const items = this.list(list, name);
        const position = Number(stringOf(this.resolve(index), 'the Fn::Select index'));
        if (!Number.isInteger(position) || position < 0 || position >= items.length) {
          throw new IntrinsicError(`Fn::Select index ${position} is outside a list of ${items.length}`);
        }
        return items[position];
      }
      case 'Fn::Split': {
        const [delimiter, source] = argsOf(args, name, 2);
        return stringOf(this.resolve(source), 'the Fn::Split source').split(stringOf(delimiter, 'the Fn::Split delimiter'));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = argsOf(args, name, 3);
        return this.resolve(this.condition(stringOf(condition, 'the Fn::If condition')) ? whenTrue : whenFalse);
      }
      case 'Fn::FindInMap':
        return this.findInMap(args);
      case 'Fn::Base64':
        return Buffer.from(stringOf(this.resolve(args), 'Fn::Base64'), 'utf8').toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((zone) => `${this.scope.pseudo.region}${zone}`);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(args));
      case 'Fn::Length':
        return this.list(args, name).length;
      case 'Fn::Equals':
      case 'Fn::Not':
      case 'Fn::And':
      case 'Fn::Or':
        return this.test({ [name]: args });
      default:
        return this.placeholder(`${name} ${JSON.stringify(args)}`, `${name} is not resolved locally`);
    }
  }

  private list(value: unknown, name: string): unknown[] {
    const resolved = this.resolve(value);
    if (!Array.isArray(resolved)) throw new IntrinsicError(`${name} needs a list; got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  private ref(name: string): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name === 'AWS::NotificationARNs') return [];
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const parameters = this.scope.parameters ?? {};
    if (Object.hasOwn(parameters, name)) {
      const parameter = parameters[name];
      return parameter === undefined ? this.placeholder(`Ref ${name}`, `parameter ${name} has no value`) : parameter;
    }
    const resource = this.scope.resource(name);
    if (resource !== undefined) return resource.ref;
    return this.placeholder(`Ref ${name}`, this.whyNot(name));
  }

  private pseudo(name: string): string | undefined {
    const { pseudo } = this.scope;
    const values: Record<(typeof PSEUDO_NAMES)[number], string> = {
      'AWS::Region': pseudo.region,
      'AWS::AccountId': pseudo.accountId,
      'AWS::Partition': pseudo.partition,
      'AWS::URLSuffix': pseudo.urlSuffix,
      'AWS::StackName': pseudo.stackName,
      'AWS::StackId': pseudo.stackId,
    };
    return PSEUDO_NAMES.find((candidate) => candidate === name) === undefined ? undefined : values[name as (typeof PSEUDO_NAMES)[number]];
  }

  private getAtt(args: unknown): string {
    let logicalId: string;
    let attribute: string;
    if (typeof args === 'string') {
      const dot = args.indexOf('.');
      if (dot < 1) throw new IntrinsicError(`Fn::GetAtt "${args}" must be LogicalId.Attribute`);
      logicalId = args.slice(0, dot);
      attribute = args.slice(dot + 1);
    } else {
      const [id, attr] = argsOf(args, 'Fn::GetAtt', 2);
      logicalId = stringOf(id, 'the Fn::GetAtt logical id');
      attribute = stringOf(this.resolve(attr), 'the Fn::GetAtt attribute');
    }
    const resource = this.scope.resource(logicalId);
    const value = resource?.attributes[attribute];
    if (value !== undefined) return value;
    const reason = resource === undefined ? this.whyNot(logicalId) : `${resource.type} has no local ${attribute}`;
    return this.placeholder(`Fn::GetAtt ${logicalId}.${attribute}`, reason);
  }

  private sub(args: unknown): string {
    let text: string;
    let variables: Record<string, unknown> = {};
    if (typeof args === 'string') {
      text = args;
    } else {
      const [template, map] = argsOf(args, 'Fn::Sub', 2);
      text = stringOf(template, 'the Fn::Sub template');
      if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new IntrinsicError('Fn::Sub variables must be an object');
      variables = map as Record<string, unknown>;
    }
    return text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => {
      // `${!Literal}` is written out as `${Literal}`.
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      if (Object.hasOwn(variables, name)) return stringOf(this.resolve(variables[name]), `Fn::Sub variable ${name}`);
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return this.getAtt(name);
      return stringOf(this.ref(name), `Fn::Sub \${${name}}`);
    });
  }

  private findInMap(args: unknown): unknown {
    const [map, top, second] = argsOf(args, 'Fn::FindInMap', 3).map((item, index) =>
      stringOf(this.resolve(item), `Fn::FindInMap argument ${index + 1}`),
    );
    const value = this.scope.mappings?.[map ?? '']?.[top ?? '']?.[second ?? ''];
    if (value === undefined) throw new IntrinsicError(`Fn::FindInMap: no ${map}.${top}.${second} in Mappings`);
    return this.resolve(value);
  }

  condition(name: string): boolean {
    const definition = this.scope.conditions?.[name];
    if (definition === undefined) throw new IntrinsicError(`condition ${name} is not in the template's Conditions`);
    if (this.evaluating.has(name)) throw new IntrinsicError(`condition ${name} refers to itself`);
    this.evaluating.add(name);
    try {
      return this.test(definition);
    } finally {
      this.evaluating.delete(name);
    }
  }

  private test(definition: unknown): boolean {
    if (typeof definition === 'boolean') return definition;
    if (typeof definition === 'string') return definition === 'true';
    if (typeof definition !== 'object' || definition === null) throw new IntrinsicError(`a condition cannot be ${JSON.stringify(definition)}`);
    const [entry] = Object.entries(definition);
    if (entry === undefined) throw new IntrinsicError('a condition cannot be empty');
    const [name, args] = entry;
    const operands = (): unknown[] => {
      if (!Array.isArray(args)) throw new IntrinsicError(`${name} takes a list; got ${JSON.stringify(args)}`);
      return args;
    };
    switch (name) {
      case 'Condition':
        return this.condition(stringOf(args, 'Condition'));
      case 'Fn::Equals': {
        const [left, right] = argsOf(args, name, 2).map((item) => JSON.stringify(this.resolve(item)));
        return left === right;
      }
      case 'Fn::Not':
        return !this.test(argsOf(args, name, 1)[0]);
      case 'Fn::And':
        return operands().every((item) => this.test(item));
      case 'Fn::Or':
        return operands().some((item) => this.test(item));
      default: {
        const resolved = this.resolve(definition);
        return resolved === true || resolved === 'true';
      }
    }
  }

  private whyNot(logicalId: string): string {
    const type = this.scope.typeOf(logicalId);
    return type === undefined ? `${logicalId} is not in the template` : `${type} is not emulated`;
  }

  private placeholder(reference: string, reason: string): string {
    this.unresolved.push({ reference, reason });
    return `${PLACEHOLDER_PREFIX}${reference.replace(/\s+/g, ':')}`;
  }
}
