import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { FaultHooks } from '../../local/cloud/fault-hooks';
import { startLocalCloud } from '../../local/cloud/local-cloud';
import '../e2e/support/e2e-context';
import { projectWithCatalogOverrides } from '../e2e/support/project-copy';
import { ScriptedTarget } from '../e2e/support/scripted-target';
import { synthesizeTestApp } from '../e2e/support/synth-app';
import { CATALOG_OVERRIDES, RECONCILE_AFTER_SECONDS, SCHEDULE_EVERY_MS, VISIBILITY_CAP_SECONDS } from './support/fault-settings';
import { FaultControl } from './support/fault-control';
import './support/fault-context';

/**
 * Synthesizes the app once (a copy whose catalog has the suite's shorter
 * timeouts and backoffs), runs it in the local cloud with fault hooks, a fast
 * schedule, a short reconcile threshold, visibility timeouts compressed to
 * seconds and FIFO receives batched as SQS batches them, every queue delivering
 * to a scripted target; and serves the hooks over HTTP for the cases.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const target = new ScriptedTarget();
  const targetUrl = await target.start();
  const copy = projectWithCatalogOverrides(CATALOG_OVERRIDES);
  const started = Date.now();
  const cdkOut = await synthesizeTestApp({
    cwd: copy,
    targetUrl,
    name: 'faults',
    context: {
      partners: 'acme',
      // The load cases post and poll thousands of jobs: the limits are not what they test.
      apiRateLimit: 5000,
      apiBurstLimit: 5000,
      'partner.acme.rate': 5000,
      'partner.acme.burst': 5000,
      reconcileAfterSeconds: RECONCILE_AFTER_SECONDS,
    },
  });
  const faults = new FaultHooks();
  const logs: string[] = [];
  const cloud = await startLocalCloud({
    cdkOut,
    port: 0,
    faults,
    scheduleEveryMs: SCHEDULE_EVERY_MS,
    maxVisibilityTimeoutSeconds: VISIBILITY_CAP_SECONDS,
    fifoBatchesAsSqs: true,
    log: (line) => {
      logs.push(line);
      if (process.env.TEST_LOGS) console.log(line);
    },
  });
  target.setSigningSecrets(cloud.signingSecrets);
  const control = new FaultControl(faults);
  const controlUrl = await control.start();
  console.log(`fault suite local cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cloud.apiUrl}`);
  project.provide('e2eCloud', { apiUrl: cloud.apiUrl, apiKeys: { ...cloud.apiKeys }, admin: cloud.admin, targetUrl, cdkOut });
  project.provide('faultsCloud', { controlUrl, sqsEndpoint: cloud.endpoints.sqs, region: cloud.admin.region });
  return async () => {
    await control.stop();
    await cloud.stop();
    await target.stop();
    rmSync(copy, { recursive: true, force: true });
    rmSync(cdkOut, { recursive: true, force: true });
  };
}
