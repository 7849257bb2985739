import { SimError } from '../server/errors.js';
import { queryList, queryResponse, type SimResponse } from '../server/protocol.js';
import { canAccessBucket, isAllowed } from '../server/auth.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';
import type { Role, User } from '../world/world.js';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';

function principalOf(ctx: HandlerContext, arn: string): User | Role | undefined {
  const w = ctx.state.world;
  const assumed = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (assumed) return w.roles.find((r) => r.accountId === assumed[1] && r.name === assumed[2]);
  return w.users.find((u) => u.arn === arn) ?? w.roles.find((r) => r.arn === arn);
}

/** Enough of SimulatePrincipalPolicy for a permission check: allowed actions and S3 bucket access. */
function simulatePrincipalPolicy(ctx: HandlerContext): SimResponse {
  const source = ctx.req.form.get('PolicySourceArn') ?? '';
  const principal = principalOf(ctx, source);
  if (!principal)
    throw new SimError('NoSuchEntity', `The user or role with ARN ${source} cannot be found.`, 404);
  const actions = queryList(ctx.req.form, 'ActionNames');
  const resources = queryList(ctx.req.form, 'ResourceArns');
  if (actions.length === 0) throw new SimError('ValidationError', 'ActionNames must not be empty', 400);
  const targets = resources.length > 0 ? resources : ['*'];
  const results = actions.flatMap((action) =>
    targets.map((resource) => {
      const bucket = /^arn:aws:s3:::([^/]+)/.exec(resource)?.[1];
      const allowed =
        isAllowed(principal, action) &&
        (!bucket || !action.toLowerCase().startsWith('s3:') || canAccessBucket(principal, bucket));
      return {
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: allowed ? 'allowed' : 'implicitDeny',
        MatchedStatements: allowed
          ? { member: [{ SourcePolicyId: `${principal.name}-policy`, SourcePolicyType: 'IAM Policy' }] }
          : '',
        MissingContextValues: '',
      };
    }),
  );
  return queryResponse(
    'SimulatePrincipalPolicy',
    XMLNS,
    { EvaluationResults: { member: results }, IsTruncated: false },
    ctx.req.requestId,
  );
}

export const iam: ServiceModule = {
  actionOf: (req) => `iam:${req.operation}`,
  handle(ctx) {
    if (ctx.req.operation === 'SimulatePrincipalPolicy') return simulatePrincipalPolicy(ctx);
    throw new SimError(
      'InvalidAction',
      `Could not find operation ${ctx.req.operation} for version 2010-05-08`,
      400,
    );
  },
};
