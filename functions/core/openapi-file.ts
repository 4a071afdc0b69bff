/**
 * The file the stack ships the OpenAPI document in, beside the health
 * function's bundle (a module of its own, so the function can name it without
 * bundling the generator).
 */
export const OPENAPI_FILE_NAME = 'openapi.json';
