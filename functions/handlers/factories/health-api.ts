import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HealthSnapshotStore } from '../../adapters/health-snapshot-store';
import { ageSeconds, isDegraded, type QueueCounts, type QueueCountsSnapshot } from '../../core/health-snapshot';
import type { QueueSettings } from '../../core/runtime-config';
import { HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { json } from '../http/responses';
import { allQueueCounts, type OverviewDeps } from '../workflows/queue-overview';
import { currentQueueSnapshot, type QueueSnapshotDeps } from '../workflows/queue-snapshot';

/** What the health routes need. */
export interface HealthDeps extends OverviewDeps {
  readonly settings: readonly QueueSettings[];
  readonly logger: Logger;
  /** The shared queue-counts snapshot. */
  readonly snapshots: HealthSnapshotStore;
  /**
   * How old a snapshot may be and still be served; tests that watch counts
   * move pass 0 to refresh on every call.
   *
   * @default - SNAPSHOT_MAX_AGE_MS (15 s)
   */
  readonly snapshotMaxAgeMs?: number;
  /** Waiting for the first snapshot while another caller computes it (see {@link QueueSnapshotDeps}). */
  readonly snapshotWait?: Pick<QueueSnapshotDeps, 'waitMs' | 'waitReads'>;
  /**
   * The OpenAPI document's text, read on the first `GET /openapi.json` only:
   * the deployed function reads the file the stack ships beside its bundle
   * (built at synth by `buildOpenApiDocument` from the same catalog), so the
   * generator and zod's JSON-schema conversion are not in the bundle.
   */
  readonly openApiDocument: () => string;
}

/** Seed 000's queue status route: its own path, its own shape. */
export const SEED_STATUS_PATH = '/api/queue/status';

/** The public OpenAPI document's route. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The OpenAPI document changes only with a deployment: caches may keep it
 * five minutes, and the function reads it once per instance.
 */
const OPENAPI_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' } as const;

/** Every job a queue's counts cover: BullMQ's `total`. */
function totalOf(queue: QueueCounts): number {
  return queue.waiting + queue.active + queue.delayed + queue.completed + queue.failed;
}

/**
 * Five routes of one function:
 * - `GET /health`, public: liveness only, `{ ok: true, status: "ok" }`; it
 *   reads nothing, so an anonymous caller learns nothing and costs nothing.
 * - `GET /health/queue`, API key (any partner's): per queue counts and
 *   `healthy` or `degraded`.
 * - `GET /queue/status`, IAM (SigV4): the same counts with totals, the seeds'
 *   view. API Gateway cannot accept "an API key or IAM" on one method, so IAM
 *   callers read the counts here.
 * - `GET /api/queue/status`, IAM (SigV4): seed 000's route, in its shape
 *   `{ ok, queues: { <name>: { waiting, active, completed, failed, delayed,
 *   total } }, timestamp }`, `timestamp` being when the counts were read.
 * - `GET /openapi.json`, public: the OpenAPI 3.1 document of every route
 *   (`core/openapi.ts`), read on the first call (see
 *   {@link HealthDeps.openApiDocument}) and kept for the instance's life; it
 *   reads no table or queue.
 *
 * The count routes answer from the shared snapshot (`currentQueueSnapshot`),
 * computed at most once per 15 s per stage, and say how old it is
 * (`computed_at`, `age_seconds`).
 */
export function createHealthHandler(deps: HealthDeps) {
  const snapshot = (): Promise<QueueCountsSnapshot> =>
    currentQueueSnapshot({
      snapshots: deps.snapshots,
      clock: deps.clock,
      computeCounts: () => allQueueCounts(deps, deps.settings),
      maxAgeMs: deps.snapshotMaxAgeMs,
      ...deps.snapshotWait,
    });
  const age = (computedAtMs: number) => ({
    computed_at: new Date(computedAtMs).toISOString(),
    age_seconds: ageSeconds(computedAtMs, deps.clock.now().getTime()),
  });

  let openApiBody: string | undefined;
  const openApi = (): APIGatewayProxyResult => {
    openApiBody ??= deps.openApiDocument();
    return { statusCode: 200, headers: { ...OPENAPI_HEADERS }, body: openApiBody };
  };

  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const path = event.resource ?? event.path;
    if (path === '/health') return json(200, { ok: true, status: 'ok' });
    if (path === OPENAPI_PATH) return openApi();
    if (path === '/health/queue') {
      const { computedAtMs, queues } = await snapshot();
      return json(200, { ok: true, status: isDegraded(queues) ? 'degraded' : 'healthy', ...age(computedAtMs), queues });
    }
    if (path === '/queue/status') {
      const { computedAtMs, queues: counts } = await snapshot();
      const queues = Object.fromEntries(Object.entries(counts).map(([name, queue]) => [name, { ...queue, total: totalOf(queue) }]));
      return json(200, { ok: true, ...age(computedAtMs), queues });
    }
    if (path === SEED_STATUS_PATH) {
      const { computedAtMs, queues: counts } = await snapshot();
      const queues = Object.fromEntries(
        Object.entries(counts).map(([name, { waiting, active, completed, failed, delayed }]) => [
          name,
          { waiting, active, completed, failed, delayed, total: waiting + active + completed + failed + delayed },
        ]),
      );
      return json(200, { ok: true, queues, timestamp: new Date(computedAtMs).toISOString(), ...age(computedAtMs) });
    }
    throw new HttpError(404, 'not_found', `no route for ${path}`);
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(jsonErrors(deps.logger))
    .handler(route);
}
