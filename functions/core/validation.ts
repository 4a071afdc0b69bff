import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships without messages ("Invalid input" for every issue); the
// English locale, a few KB, keeps the messages of checks that set none (an
// environment variable out of range, an admin query) as they always read.
config(en());

/**
 * The validation library of every function-side schema: zod's tree-shakable
 * `zod/mini` API, with English messages installed. Import it as a namespace,
 * `import * as z from './validation'`, never `import { z }` (that object holds
 * all of zod, every locale included, and keeps it all in the bundle), and never
 * from `zod` itself (the classic API cannot be tree-shaken).
 *
 * @example
 * const schema = z.object({ name: z.string().check(z.minLength(1, { error: 'name must not be empty' })) });
 */
export * from 'zod/mini';
