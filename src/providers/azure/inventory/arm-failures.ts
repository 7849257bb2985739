/**
 * How a failed ARM or Azure Monitor call reads in a diagnostic: the official clients throw a RestError with the
 * HTTP status and ARM's error code (`AuthorizationFailed`, `SubscriptionNotFound`, `TooManyRequests`, …). Each
 * diagnostic names the subscription and the fix; the codes are in the README's Troubleshooting table.
 */
import type { Diagnostic } from '../../../lib/errors.js';

export type ArmFailureKind = 'denied' | 'subscription_not_found' | 'throttled' | 'unreachable' | 'other';

interface RestLike {
  statusCode?: number;
  code?: string;
  message?: string;
}

export function armFailureKind(err: unknown): ArmFailureKind {
  const e = (err ?? {}) as RestLike;
  if (e.statusCode === 403 || e.code === 'AuthorizationFailed') return 'denied';
  if (e.code === 'SubscriptionNotFound' || (e.statusCode === 404 && /subscription/i.test(e.message ?? '')))
    return 'subscription_not_found';
  if (e.statusCode === 429 || e.code === 'TooManyRequests') return 'throttled';
  if (
    e.statusCode === undefined &&
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|socket/i.test(`${e.code} ${e.message}`)
  )
    return 'unreachable';
  return 'other';
}

/** The first sentence of ARM's message, without the principal's object ID. */
function shortMessage(err: unknown): string {
  const m = (err as RestLike)?.message ?? String(err);
  return m.split(/(?<=\.)\s/)[0].slice(0, 300);
}

/**
 * The diagnostic of a failed call of `action` (an ARM permission, `Microsoft.Compute/disks/read`) on
 * `subscriptionId`, for the stage `step` (inventory or metrics).
 */
export function armDiagnostic(
  err: unknown,
  action: string,
  subscriptionId: string,
  step: string,
): Diagnostic {
  const kind = armFailureKind(err);
  const scope = `/subscriptions/${subscriptionId}`;
  const key = subscriptionId;
  switch (kind) {
    case 'denied':
      return {
        code: 'azure_discovery_denied',
        message: `The service principal may not read ${action} in subscription ${subscriptionId} (AuthorizationFailed); its resources are not shown as current.`,
        remediation: `Assign the Reader role on the subscription to the app registration: az role assignment create --assignee <clientId> --role Reader --scope ${scope}. Role assignments take up to 10 minutes to apply.`,
        step,
        key,
      };
    case 'subscription_not_found':
      return {
        code: 'azure_subscription_not_found',
        message: `Azure Resource Manager does not know subscription ${subscriptionId} (SubscriptionNotFound).`,
        remediation:
          "Check the connection's scopeId (a subscription ID of the tenant), that the subscription is not cancelled, and that the app registration belongs to its tenant.",
        step,
        key,
      };
    case 'throttled':
      return {
        code: 'azure_discovery_throttled',
        message: `Azure Resource Manager kept throttling ${action} in subscription ${subscriptionId} (429 TooManyRequests) after the retries.`,
        remediation:
          'Sync again later; other tools reading the same subscription share its ARM read limit (x-ms-ratelimit-remaining-subscription-reads).',
        step,
        key,
      };
    case 'unreachable':
      return {
        code: 'azure_arm_unreachable',
        message: `Azure Resource Manager could not be reached for ${action}: ${shortMessage(err)}`,
        remediation: "Check the network, the connection's armEndpoint and azureCaFile.",
        step,
        key,
      };
    default:
      return {
        code: 'azure_discovery_failed',
        message: `${action} failed in subscription ${subscriptionId}: ${shortMessage(err)}`,
        remediation: 'Sync again; if it persists, the server log has the details.',
        step,
        key,
      };
  }
}
