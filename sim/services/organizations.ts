import { SimError } from '../server/errors.js';
import { decodeToken, encodeToken, jsonResponse, type SimResponse } from '../server/protocol.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';

const CT = 'application/x-amz-json-1.1';

function orgArn(ctx: HandlerContext): string {
  return `arn:aws:organizations::${ctx.state.world.payerAccountId}:organization/${ctx.state.world.organizationId}`;
}

function inOrg(ctx: HandlerContext): boolean {
  return ctx.state.world.accounts.some((a) => a.id === ctx.caller.accountId);
}

function describeOrganization(ctx: HandlerContext): SimResponse {
  if (!inOrg(ctx)) {
    throw new SimError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
      400,
    );
  }
  const w = ctx.state.world;
  const payer = w.accounts.find((a) => a.id === w.payerAccountId);
  return jsonResponse(
    200,
    {
      Organization: {
        Id: w.organizationId,
        Arn: orgArn(ctx),
        FeatureSet: 'ALL',
        MasterAccountArn: `arn:aws:organizations::${w.payerAccountId}:account/${w.organizationId}/${w.payerAccountId}`,
        MasterAccountId: w.payerAccountId,
        MasterAccountEmail: payer?.email ?? '',
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    },
    ctx.req.requestId,
    CT,
  );
}

function listAccounts(ctx: HandlerContext): SimResponse {
  const w = ctx.state.world;
  if (!inOrg(ctx))
    throw new SimError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
      400,
    );
  if (ctx.caller.accountId !== w.payerAccountId) {
    throw new SimError(
      'AccessDeniedException',
      'You don’t have permissions to access this resource. This operation can be called only from the organization’s management account.',
      400,
    );
  }
  const max = Math.min(20, Number(ctx.req.json.MaxResults ?? 20));
  const salt = `${w.organizationId}|accounts`;
  const offset = decodeToken(ctx.req.json.NextToken as string | undefined, salt);
  if (offset === undefined) throw new SimError('InvalidInputException', 'The NextToken is not valid.', 400);
  const all = [...w.accounts].sort((a, b) => a.id.localeCompare(b.id));
  const page = all.slice(offset, offset + max);
  return jsonResponse(
    200,
    {
      Accounts: page.map((a) => ({
        Id: a.id,
        Arn: `arn:aws:organizations::${w.payerAccountId}:account/${w.organizationId}/${a.id}`,
        Email: a.email,
        Name: a.name,
        Status: a.status,
        State: a.status,
        JoinedMethod: a.id === w.payerAccountId ? 'CREATED' : 'INVITED',
        JoinedTimestamp: a.joinedAt,
      })),
      NextToken: offset + max < all.length ? encodeToken(offset + max, salt) : undefined,
    },
    ctx.req.requestId,
    CT,
  );
}

export const organizations: ServiceModule = {
  actionOf: (req) => `organizations:${req.operation}`,
  handle(ctx) {
    if (ctx.req.operation === 'DescribeOrganization') return describeOrganization(ctx);
    if (ctx.req.operation === 'ListAccounts') return listAccounts(ctx);
    throw new SimError(
      'UnknownOperationException',
      `${ctx.req.operation} is not implemented by the simulator`,
      400,
    );
  },
};
