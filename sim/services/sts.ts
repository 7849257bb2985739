import { SimError, simError } from '../server/errors.js';
import { queryResponse, type SimResponse } from '../server/protocol.js';
import { issueSession, trustAllows } from '../server/auth.js';
import type { HandlerContext, ServiceModule } from '../server/types.js';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function assumeRole({ state, req, caller }: HandlerContext): SimResponse {
  const roleArn = req.form.get('RoleArn') ?? '';
  const sessionName = req.form.get('RoleSessionName') ?? '';
  const externalId = req.form.get('ExternalId');
  const duration = Number(req.form.get('DurationSeconds') ?? 3600);
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new SimError(
      'ValidationError',
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint",
      400,
    );
  }
  if (!/^arn:aws:iam::\d{12}:role\/.+$/.test(roleArn)) {
    throw new SimError('ValidationError', `${roleArn} is invalid`, 400);
  }
  const denied = simError(
    'sts',
    'denied',
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  );
  const role = state.world.roles.find((r) => r.arn === roleArn);
  if (!role || !trustAllows(role, caller, externalId)) throw denied;
  const max = caller.session ? 3600 : role.maxSessionSeconds;
  if (!Number.isInteger(duration) || duration < 900 || duration > max) {
    throw new SimError(
      'ValidationError',
      `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`,
      400,
    );
  }
  const session = issueSession(role, sessionName, duration);
  state.sessions.set(session.accessKeyId, session);
  return queryResponse(
    'AssumeRole',
    XMLNS,
    {
      AssumedRoleUser: {
        AssumedRoleId: `${role.roleId}:${sessionName}`,
        Arn: `arn:aws:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`,
      },
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: new Date(session.expiration),
      },
      PackedPolicySize: 6,
    },
    req.requestId,
  );
}

export const sts: ServiceModule = {
  actionOf(req) {
    // GetCallerIdentity needs no permission in AWS, even when everything else is denied.
    return req.operation === 'GetCallerIdentity' ? undefined : `sts:${req.operation}`;
  },
  handle(ctx) {
    const { req, caller } = ctx;
    if (req.operation === 'GetCallerIdentity') {
      return queryResponse(
        'GetCallerIdentity',
        XMLNS,
        { Arn: caller.arn, UserId: caller.userId, Account: caller.accountId },
        req.requestId,
      );
    }
    if (req.operation === 'AssumeRole') return assumeRole(ctx);
    throw new SimError(
      'InvalidAction',
      `Could not find operation ${req.operation} for version 2011-06-15`,
      400,
    );
  },
};
