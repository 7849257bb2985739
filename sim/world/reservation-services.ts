/**
 * What each service that sells reservations writes: the product code of its usage and RIFee lines, the operation,
 * the reservation's ARN (as the CUR's `reservation_reservation_a_r_n` carries it) and Cost Explorer's SERVICE name.
 */
import type { RESERVATION_SERVICES } from '../scenario/schema.js';

export type ReservationService = (typeof RESERVATION_SERVICES)[number];

interface ServiceFacts {
  productCode: string;
  operation: string;
  /** Cost Explorer's SERVICE dimension value. */
  ceService: string;
  arn: (region: string, accountId: string, id: string) => string;
}

export const RESERVATION_FACTS: Record<ReservationService, ServiceFacts> = {
  EC2: {
    productCode: 'AmazonEC2',
    operation: 'RunInstances',
    ceService: 'Amazon Elastic Compute Cloud - Compute',
    arn: (r, a, id) => `arn:aws:ec2:${r}:${a}:reserved-instances/${id}`,
  },
  RDS: {
    productCode: 'AmazonRDS',
    operation: 'CreateDBInstance:0002',
    ceService: 'Amazon Relational Database Service',
    arn: (r, a, id) => `arn:aws:rds:${r}:${a}:ri:${id}`,
  },
  ElastiCache: {
    productCode: 'AmazonElastiCache',
    operation: 'CreateCacheCluster:0002',
    ceService: 'Amazon ElastiCache',
    arn: (r, a, id) => `arn:aws:elasticache:${r}:${a}:reserved-instance:${id}`,
  },
  OpenSearch: {
    productCode: 'AmazonES',
    operation: 'ESDomain',
    ceService: 'Amazon OpenSearch Service',
    arn: (r, a, id) => `arn:aws:es:${r}:${a}:reserved-instance/${id}`,
  },
  Redshift: {
    productCode: 'AmazonRedshift',
    operation: 'RunComputeNode:0001',
    ceService: 'Amazon Redshift',
    arn: (r, a, id) => `arn:aws:redshift:${r}:${a}:reserved-node/${id}`,
  },
};

/** The service whose Cost Explorer SERVICE name is `name`, if it sells reservations. */
export function reservationServiceOf(name: string): ReservationService | undefined {
  return (Object.keys(RESERVATION_FACTS) as ReservationService[]).find(
    (s) => RESERVATION_FACTS[s].ceService === name,
  );
}

/** The reservation service of a product code (`AmazonRDS` → RDS). */
export function serviceOfProduct(productCode: string): ReservationService | undefined {
  return (Object.keys(RESERVATION_FACTS) as ReservationService[]).find(
    (s) => RESERVATION_FACTS[s].productCode === productCode,
  );
}
