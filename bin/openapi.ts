#!/usr/bin/env node
import { runOpenApi, terminalOpenApiIo } from '../ops/openapi-file';

/** `npm run openapi`: writes the OpenAPI 3.1 document of the API (see ops/openapi-file.ts). */
process.exitCode = runOpenApi(process.argv.slice(2), terminalOpenApiIo);
