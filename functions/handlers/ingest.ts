import { createIngestHandler } from './factories/ingest-api';
import { partnerApiRuntime } from './runtime';

/** Lambda entry: `POST /jobs/{queue}` and `POST /jobs/{queue}/batch`. */
export const handler = createIngestHandler(partnerApiRuntime(process.env, 'ingest'));
