import type { ServiceModule } from '../server/types.js';
import { ec2 } from './ec2.js';
import { elb } from './elb.js';
import { cloudwatch } from './cloudwatch.js';
import { ce } from './ce.js';
import { organizations } from './organizations.js';
import { iam } from './iam.js';
import { savingsplans } from './savingsplans.js';

/** Services beyond STS and S3, by signing name. */
export const SERVICES_EXTRA: Record<string, ServiceModule> = {
  ec2,
  elasticloadbalancing: elb,
  monitoring: cloudwatch,
  ce,
  organizations,
  iam,
  savingsplans,
};
