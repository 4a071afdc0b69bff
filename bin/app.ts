#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../functions/core/errors';
import { PipelineStack } from '../lib/pipeline-stack';

/** The CDK app: one pipeline stack per stage (`-c stage=…`), checked by cdk-nag on every synth. */
const app = new App();
try {
  new PipelineStack(app, 'JobPipeline');
} catch (error) {
  // A context mistake is the user's to fix: its message says how, and a stack trace would bury it.
  if (!(error instanceof ConfigError || (error instanceof Error && error.name === 'ConfigError'))) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  // Exit now: otherwise the app would still synthesize its half-built tree on the way out.
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
