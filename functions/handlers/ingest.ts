import { createIngestHandler } from './factories/ingest-api';
import { pipelineRuntime } from './runtime';

/** Lambda entry: `POST /jobs/{queue}` and `POST /jobs/{queue}/batch`. */
export const handler = createIngestHandler(pipelineRuntime(process.env, 'ingest'));
