import { describe, expect, it } from 'vitest';
import { RouteTable, type ApiRoute } from '../../../local/cloud/http/api-routes';

function route(method: string, resourcePath: string): ApiRoute {
  return { method, resourcePath, authorization: 'NONE', apiKeyRequired: false, functionName: `${method} ${resourcePath}` };
}

const table = new RouteTable([
  route('POST', '/jobs/{queue}'),
  route('POST', '/jobs/{queue}/batch'),
  route('GET', '/jobs/{id}'),
  route('DELETE', '/jobs/{id}'),
  route('GET', '/health'),
  route('GET', '/health/queue'),
  route('ANY', '/admin/{proxy+}'),
  route('GET', '/admin/queues'),
  route('GET', '/'),
]);

function resolved(method: string, path: string): string | undefined {
  return table.match(method, path)?.route.functionName;
}

describe('RouteTable', () => {
  it('prefers a literal segment over a variable and a variable over a greedy one', () => {
    expect(resolved('GET', '/health/queue')).toBe('GET /health/queue');
    expect(resolved('GET', '/admin/queues')).toBe('GET /admin/queues');
    expect(resolved('GET', '/admin/queues/email/metrics')).toBe('ANY /admin/{proxy+}');
    expect(resolved('POST', '/jobs/email/batch')).toBe('POST /jobs/{queue}/batch');
  });

  it('matches the method, or ANY, and nothing for a method no resource has', () => {
    expect(resolved('DELETE', '/jobs/abc')).toBe('DELETE /jobs/{id}');
    expect(resolved('POST', '/admin/queues')).toBe('ANY /admin/{proxy+}');
    expect(resolved('PUT', '/jobs/abc')).toBeUndefined();
    expect(resolved('GET', '/nowhere')).toBeUndefined();
    expect(resolved('GET', '/admin')).toBeUndefined(); // a greedy segment needs at least one part
  });

  it('decodes path parameters, joins a greedy one with slashes, and gives null without parameters', () => {
    expect(table.match('GET', '/jobs/a%20b%2Fc')?.pathParameters).toEqual({ id: 'a b/c' });
    expect(table.match('PATCH', '/admin/queues/email%2B/pause')?.pathParameters).toEqual({ proxy: 'queues/email+/pause' });
    expect(table.match('GET', '/health')?.pathParameters).toBeNull();
    expect(table.match('GET', '/')?.route.resourcePath).toBe('/');
  });

  it('refuses a resource path with a greedy segment before the end', () => {
    expect(() => new RouteTable([route('GET', '/{proxy+}/x')])).toThrow(/must be the last/);
  });
});
