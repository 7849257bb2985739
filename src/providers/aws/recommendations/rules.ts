import type { Rule } from '../../../recommendations/rule-kit.js';
import type { RuleName } from '../../../recommendations/settings.js';
import { gp2ToGp3 } from './rules/gp2-to-gp3.js';
import { idleInstance } from './rules/idle-instance.js';
import { idleLoadBalancer } from './rules/idle-load-balancer.js';
import { lowCommitmentUtilization } from './rules/low-commitment-utilization.js';
import { oldSnapshot } from './rules/old-snapshot.js';
import { previousGeneration } from './rules/previous-generation.js';
import { rightsizing } from './rules/rightsizing.js';
import { savingsPlanCommitment } from './rules/savings-plan-commitment.js';
import { stoppedInstanceVolumes } from './rules/stopped-instance-volumes.js';
import { unassociatedEip } from './rules/unassociated-eip.js';
import { unattachedVolume } from './rules/unattached-volume.js';

/**
 * Every rule, in the order they run: an instance found idle is not also rightsized or moved to a new generation,
 * so that possible savings are not counted twice.
 */
export const RULES: { [K in RuleName]: Rule<K> }[RuleName][] = [
  idleInstance,
  rightsizing,
  previousGeneration,
  stoppedInstanceVolumes,
  unattachedVolume,
  gp2ToGp3,
  unassociatedEip,
  idleLoadBalancer,
  oldSnapshot,
  savingsPlanCommitment,
  lowCommitmentUtilization,
];
