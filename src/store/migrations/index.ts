import { coreMigration } from './001-core.js';
import { cloudMigration } from './002-cloud.js';
import { accountsMigration } from './004-accounts.js';
import { inventoryMigration } from './005-inventory.js';
import { recommendationsMigration } from './006-recommendations.js';
import { syncMigration } from './007-sync.js';
import { costsMigration } from './008-costs.js';
import { lineItemRangesMigration } from './009-line-item-ranges.js';
import { peopleMigration } from './010-people.js';
import { loginThrottleMigration } from './011-login-throttle.js';
import { exactRollupMigration } from './012-exact-rollup.js';
import { anomalyStatesMigration } from './013-anomaly-states.js';
import { budgetsMigration } from './018-budgets.js';
import { notificationsMigration } from './019-notifications.js';
import { connectionDocumentMigration } from './020-connection-document.js';
import { allocationMigration } from './026-allocation.js';
import { invitationsMigration } from './032-invitations.js';
import { costProviderMigration } from './034-cost-provider.js';
import { commitmentsMigration } from './036-commitments.js';
import { costCategoriesMigration } from './037-cost-categories.js';
import { digestsMigration } from './038-digests.js';
import { ssoMigration } from './039-sso.js';
import { savedViewsMigration } from './040-saved-views.js';
import { reportSchedulesMigration } from './042-report-schedules.js';
import type { Migration } from './types.js';
import { ssoLogoutMigration } from './044-sso-logout.js';

/** Every migration, in the order it runs. Add new files with the next free id; never edit a landed one. */
export const migrations: readonly Migration[] = [
  coreMigration,
  cloudMigration,
  accountsMigration,
  inventoryMigration,
  recommendationsMigration,
  syncMigration,
  costsMigration,
  lineItemRangesMigration,
  peopleMigration,
  loginThrottleMigration,
  exactRollupMigration,
  anomalyStatesMigration,
  budgetsMigration,
  notificationsMigration,
  connectionDocumentMigration,
  allocationMigration,
  invitationsMigration,
  costProviderMigration,
  commitmentsMigration,
  costCategoriesMigration,
  digestsMigration,
  ssoMigration,
  savedViewsMigration,
  reportSchedulesMigration,
  ssoLogoutMigration,
];
