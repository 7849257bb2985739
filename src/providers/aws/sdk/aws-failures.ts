/**
 * The AWS provider's classifier for the sync engine (src/sync/failure-classifier.ts): what of AWS's failures
 * passes by itself, by the one classification of errors.ts, and what a stage shows that gave up on it.
 */
import type { FailureClassifier } from '../../../sync/failure-classifier.js';
import { awsErrorName, classifyAwsError, isRetryableKind } from './errors.js';

export const AWS_FAILURES: FailureClassifier = {
  transient(err) {
    const kind = classifyAwsError(err);
    if (!isRetryableKind(kind)) return undefined;
    return { kind: kind === 'throttled' ? 'throttled' : 'unavailable', name: awsErrorName(err) };
  },
  // Diagnostic codes of diagnostics.ts that describe a passing condition rather than something to fix.
  transientCodes: new Set(['aws_throttled', 'aws_unreachable', 'aws_unavailable']),
  gaveUp: (f, stage, attempts) =>
    f.kind === 'throttled'
      ? {
          code: 'aws_throttled',
          step: stage,
          message: `AWS kept throttling the requests of ${stage} (${f.name}) after ${attempts}.`,
          remediation:
            'Nothing to change in the connection: the next scheduled sync tries again. If it persists, lower the number of concurrent syncs (CLOUDTALLY_MAX_CONCURRENT_SYNCS) or raise the API request quotas of the account.',
        }
      : {
          code: 'aws_unavailable',
          step: stage,
          message: `AWS kept failing transiently during ${stage} (${f.name}) after ${attempts}.`,
          remediation:
            'Nothing to change in the connection: the next scheduled sync tries again. If it persists, check the AWS Health Dashboard and the API request quotas of the account.',
        },
};
