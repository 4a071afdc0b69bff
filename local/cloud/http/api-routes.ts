import { LocalCloudError } from '../../errors';
import { decodeComponent } from './http-server';
import type { JsonSchema } from './json-schema-draft4';

/** One method of a REST API resource, integrated with a Lambda function by proxy. */
export interface ApiRoute {
  /** `GET`, `POST`, … or `ANY`. */
  method: string;
  /** The resource path, e.g. `/jobs/{id}/batch`, `/health`, `/{proxy+}`. */
  resourcePath: string;
  authorization: 'NONE' | 'AWS_IAM';
  apiKeyRequired: boolean;
  /** The function the method invokes. */
  functionName: string;
  /**
   * The models the method's request validator checks bodies against, by
   * content type; set only when the validator validates the body.
   * @default - bodies are not checked at the edge
   */
  requestModels?: Readonly<Record<string, JsonSchema>>;
}

/** The route a request resolved to, with its path parameters (null when the resource has none, as in the event). */
export interface RouteMatch {
  readonly route: ApiRoute;
  readonly pathParameters: Record<string, string> | null;
}

type Segment = { kind: 'literal'; text: string } | { kind: 'variable'; name: string } | { kind: 'greedy'; name: string };

interface CompiledRoute {
  readonly route: ApiRoute;
  readonly segments: readonly Segment[];
  readonly method: string;
}

/** How specific a segment is: a literal beats a `{variable}`, which beats a `{greedy+}`. */
const RANK: Record<Segment['kind'], number> = { literal: 2, variable: 1, greedy: 0 };

/**
 * A REST API's resources and methods, matched the way API Gateway matches
 * them: segment by segment, the most specific resource first (literal over
 * `{var}` over `{proxy+}`), and on one resource its own method before `ANY`.
 * Only resources that have the request's method (or `ANY`) compete, so a
 * greedy catch-all still answers a method the specific resource lacks.
 *
 * @example
 * const table = new RouteTable([{ method: 'GET', resourcePath: '/jobs/{id}', authorization: 'NONE', apiKeyRequired: true, functionName: 'status' }]);
 * table.match('GET', '/jobs/abc')?.pathParameters; // { id: 'abc' }
 */
export class RouteTable {
  private readonly routes: readonly CompiledRoute[];

  constructor(routes: readonly ApiRoute[]) {
    this.routes = routes.map((route) => ({ route, segments: compile(route.resourcePath), method: route.method.toUpperCase() }));
  }

  /** The best route for `method` on `path` (the path as sent, still percent-encoded), or undefined. */
  match(method: string, path: string): RouteMatch | undefined {
    const wanted = method.toUpperCase();
    const parts = path.split('/').filter((part) => part !== '');
    let best: { compiled: CompiledRoute; params: Record<string, string> } | undefined;
    for (const compiled of this.routes) {
      if (compiled.method !== wanted && compiled.method !== 'ANY') continue;
      const params = bind(compiled.segments, parts);
      if (params === undefined) continue;
      if (best === undefined || compare(compiled, best.compiled) > 0) best = { compiled, params };
    }
    if (best === undefined) return undefined;
    const hasParams = best.compiled.segments.some((segment) => segment.kind !== 'literal');
    return { route: best.compiled.route, pathParameters: hasParams ? best.params : null };
  }
}

function compile(resourcePath: string): Segment[] {
  const parts = resourcePath.split('/').filter((part) => part !== '');
  return parts.map((part, index): Segment => {
    const variable = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(part);
    if (!variable) {
      if (/[{}]/.test(part)) throw badPath(resourcePath, `'${part}' is neither a literal nor a {name} segment`);
      return { kind: 'literal', text: part };
    }
    const name = variable[1] ?? '';
    if (variable[2] === '+') {
      if (index !== parts.length - 1) throw badPath(resourcePath, `the greedy segment {${name}+} must be the last`);
      return { kind: 'greedy', name };
    }
    return { kind: 'variable', name };
  });
}

function badPath(resourcePath: string, why: string): LocalCloudError {
  return new LocalCloudError(`the API resource path '${resourcePath}' is not valid: ${why}`, { context: { resourcePath } });
}

/** The path parameters when `parts` fit the segments, else undefined. */
function bind(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const params = new Map<string, string>();
  for (const [index, segment] of segments.entries()) {
    if (segment.kind === 'greedy') {
      const rest = parts.slice(index);
      if (rest.length === 0) return undefined;
      params.set(segment.name, rest.map(decodeComponent).join('/'));
      return Object.fromEntries(params);
    }
    const part = parts[index];
    if (part === undefined) return undefined;
    const value = decodeComponent(part);
    if (segment.kind === 'literal' && segment.text !== value) return undefined;
    if (segment.kind === 'variable') params.set(segment.name, value);
  }
  return segments.length === parts.length ? Object.fromEntries(params) : undefined;
}

/** Positive when `a` is more specific than `b`. */
function compare(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.segments[index];
    const right = b.segments[index];
    if (left === undefined || right === undefined) return left === undefined ? -1 : 1;
    const difference = RANK[left.kind] - RANK[right.kind];
    if (difference !== 0) return difference;
  }
  return (a.method === 'ANY' ? 0 : 1) - (b.method === 'ANY' ? 0 : 1);
}
