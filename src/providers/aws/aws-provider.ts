/**
 * The AWS provider: the one object the neutral domains see of AWS. Each member points at the folder that does
 * the work (connection/, billing/, inventory/, recommendations/, sync/, sdk/).
 */
import {
  ACCOUNT_TYPES,
  TYPE_LABELS,
  createAccountSchema,
  updateAccountSchema,
} from './connection/aws-schemas.js';
import { RESOURCE_TYPES } from '../../inventory/inventory-types.js';
import type { Rule } from '../../recommendations/rule-kit.js';
import { defineProvider, type ProviderServices } from '../provider.js';
import { AWS_BILLING_SOURCES } from './billing/aws-billing.js';
import { costExplorerCommitmentStep } from './commitments/commitment-sync.js';
import { createCurCommitmentReader } from './commitments/cur-commitments.js';
import { connectionOf, createAwsConnector } from './connection/aws-connector.js';
import { awsConnectionDocument } from './connection/connection-document.js';
import { VALIDATION_STEPS } from './connection/validation-steps.js';
import { permissionPolicy, type PolicyOptions } from './connection/setup-policies.js';
import { RULES } from './recommendations/rules.js';
import { createAwsStages, type AwsSession } from './sync/aws-stages.js';
import { billingStage, inventoryStages, recommendationStage, validateStage } from './sync/stage-wiring.js';

/** Resource types whose CloudWatch utilization the metrics stage collects (see inventory/metrics-collector.ts). */
const WITH_METRICS = new Set(['ec2_instance', 'load_balancer']);

const SCANNER_LABELS: Record<(typeof RESOURCE_TYPES)[number], string> = {
  ec2_instance: 'EC2 instances',
  ebs_volume: 'EBS volumes',
  ebs_snapshot: 'EBS snapshots',
  ami: 'AMIs',
  elastic_ip: 'Elastic IP addresses',
  load_balancer: 'Load balancers (ALB, NLB, GWLB, Classic)',
};

export const awsProvider = defineProvider<AwsSession>({
  id: 'aws',
  label: 'Amazon Web Services',
  connection: {
    kinds: ACCOUNT_TYPES.map((type) => ({ type, label: TYPE_LABELS[type] })),
    createSchema: createAccountSchema,
    updateSchema: updateAccountSchema,
    validationSteps: VALIDATION_STEPS,
    document: awsConnectionDocument,
    connector: (d) =>
      createAwsConnector({
        store: d.store,
        aws: d.clients.aws,
        clock: d.clock,
        log: d.log,
        region: d.region,
        retentionMonths: d.retentionMonths,
      }),
  },
  billingSources: AWS_BILLING_SOURCES,
  inventoryScanners: RESOURCE_TYPES.map((resourceType) => ({
    resourceType,
    label: SCANNER_LABELS[resourceType],
    metrics: WITH_METRICS.has(resourceType),
  })),
  // Each rule is typed by its own settings; the engine hands every rule the settings of its name.
  recommendationRules: RULES as readonly Rule[],
  commitmentReader: createCurCommitmentReader,
  setupHelp: {
    route: '/setup/aws',
    policies: (type, options) =>
      permissionPolicy(
        (ACCOUNT_TYPES as readonly string[]).includes(type)
          ? (type as (typeof ACCOUNT_TYPES)[number])
          : 'assumed_role',
        (options ?? {}) as PolicyOptions,
      ),
  },
  createStages(services: ProviderServices) {
    const { accounts, billing, inventory, recommendations } = services;
    return createAwsStages({
      aws: services.clients.aws,
      connectionFor: async (a) => {
        const c = await accounts.connectionFor(a.orgId, a.id);
        return { connection: connectionOf(c.account), externalId: c.externalId };
      },
      validate: validateStage(accounts),
      billing: billingStage({
        billing,
        accounts,
        retentionMonths: services.retentionMonths,
        afterLoad: services.afterLoad,
        evaluateBudgets: services.evaluateBudgets,
        costExplorerCommitments: services.commitments
          ? costExplorerCommitmentStep(services.commitments, services.retentionMonths)
          : undefined,
      }),
      ...inventoryStages(inventory),
      recommendations: recommendationStage(recommendations, inventory),
    });
  },
});
