#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PipelineStack } from '../lib/pipeline-stack';

/** The CDK app: one pipeline stack per stage (`-c stage=…`), checked by cdk-nag on every synth. */
const app = new App();
new PipelineStack(app, 'JobPipeline');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
