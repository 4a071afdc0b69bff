import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startLocalCloud } from '../../local/cloud/local-cloud';
import './support/e2e-context';
import { projectWithCatalogEdit } from './support/project-copy';
import { ScriptedTarget } from './support/scripted-target';
import { synthesizeTestApp } from './support/synth-app';

/**
 * Synthesizes the app (a copy with one catalog edit) once, with partners acme,
 * globex (held to 1 request a second) and initech, every queue delivering to
 * a scripted target and qr-analytics with provisioned concurrency, then runs
 * it in the local cloud for every end-to-end file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const target = new ScriptedTarget();
  const targetUrl = await target.start();
  const copy = projectWithCatalogEdit();
  const started = Date.now();
  const cdkOut = await synthesizeTestApp({
    cwd: copy,
    targetUrl,
    name: 'e2e',
    // qr-analytics runs behind a `live` alias with provisioned instances: its jobs, and its pause and resume
    // through the admin API, go through the alias's mappings, as a deployment with the option has them.
    context: { partners: 'acme,globex,initech', 'partner.globex.rate': 1, 'partner.globex.burst': 1, 'provisionedConcurrency.qr-analytics': 2 },
  });
  const logs: string[] = [];
  const cloud = await startLocalCloud({
    cdkOut,
    port: 0,
    log: (line) => {
      logs.push(line);
      if (process.env.TEST_LOGS) console.log(line);
    },
  });
  target.setSigningSecrets(cloud.signingSecrets);
  console.log(`end-to-end local cloud ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cloud.apiUrl}`);
  project.provide('e2eCloud', { apiUrl: cloud.apiUrl, apiKeys: { ...cloud.apiKeys }, admin: cloud.admin, targetUrl, cdkOut });
  return async () => {
    await cloud.stop();
    await target.stop();
    rmSync(copy, { recursive: true, force: true });
    rmSync(cdkOut, { recursive: true, force: true });
  };
}
