import type { ServiceModule } from '../server/types.js';

/** Services beyond STS and S3, by signing name. */
export const SERVICES_EXTRA: Record<string, ServiceModule> = {};
