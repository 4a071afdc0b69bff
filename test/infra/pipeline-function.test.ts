import { App, Duration, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors';
import { PipelineFunction } from '../../lib/pipeline-function';

describe('PipelineFunction files', () => {
  it('refuses a file name that is not a plain name, before bundling anything', () => {
    // Act
    const make = () =>
      new PipelineFunction(new Stack(new App(), 'Test'), 'Health', {
        handlerName: 'health',
        serviceName: 'health',
        description: 'health',
        timeout: Duration.seconds(5),
        files: { '../escape.json': '{}' },
      });

    // Assess
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/file name "..\/escape.json"/);
  });
});
