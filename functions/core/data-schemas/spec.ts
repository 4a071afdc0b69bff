import type * as z from '../validation';

/**
 * One job data schema: what it describes, how to build it (on first use, so a
 * function that never checks job data never builds one), and an example that
 * passes it (the OpenAPI document shows it; tests post it).
 */
export interface DataSchemaSpec<S extends z.core.$ZodType = z.core.$ZodType> {
  /** What the data is, and which seed it comes from. */
  readonly description: string;
  /** Builds the schema. */
  readonly build: () => S;
  /** Data this schema accepts. */
  readonly example: z.input<S>;
}
