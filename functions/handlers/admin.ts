import { createAdminHandler } from './factories/admin-api';
import { adminRuntime } from './workflows/admin/admin-runtime';

/** Lambda entry: the `/admin` operations routes (SigV4 only). */
export const handler = createAdminHandler(adminRuntime(process.env));
