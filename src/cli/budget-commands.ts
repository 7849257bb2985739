import type { Command } from 'commander';
import type { CloudtallyClient, JsonBody, Schemas } from '../api-client/client.js';
import { InputError } from '../lib/errors.js';
import { ok, requireActor, withApi } from './client.js';
import { action, orgOptions, printJson, printTable, type OrgFlags } from './common.js';

/** A budget's ID from its ID or name, as `budgets show` and `budgets delete` take it. */
async function budgetIdOf(api: CloudtallyClient, idOrName: string): Promise<string> {
  const { items } = await ok(api.GET('/api/v1/budgets'));
  return items.find((x) => x.id === idOrName || x.name === idOrName)?.id ?? idOrName;
}

interface ActFlags extends OrgFlags {
  as?: string;
}

interface CreateFlags extends ActFlags {
  name: string;
  amount: string;
  period?: string;
  basis?: string;
  currency?: string;
  filter: string[];
  exclude: string[];
  threshold: string[];
  start?: string;
  end?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const money = (n: number) => n.toFixed(2);

/** `actual:80` → a threshold; the service checks the ranges. */
function parseThreshold(text: string): { kind: string; percent: number } {
  const m = /^(actual|forecast):(\d+(\.\d+)?)%?$/.exec(text.trim());
  if (!m)
    throw new InputError('threshold', `--threshold "${text}" must be actual:PERCENT or forecast:PERCENT`);
  return { kind: m[1], percent: Number(m[2]) };
}

function printOne(b: Schemas['BudgetDetail']): void {
  const s = b.status;
  const lines = [
    `${b.name} (${b.id})`,
    `  scope:     ${[...b.scope.filter, ...b.scope.exclude.map((e) => `not ${e}`)].join(', ') || 'all costs'}`,
    `  period:    ${b.period}, ${s.period.start} to ${s.period.end}, ${b.basis} cost, data through ${s.asOf}`,
    `  amount:    ${money(s.amount)} ${s.currency}`,
    `  spent:     ${money(s.spent)} (${s.percentUsed}%), remaining ${money(s.remaining)}`,
    `  forecast:  ${money(s.forecast.total)} (${s.forecast.percent}%), 80% interval ${money(s.forecast.lower)} to ${money(s.forecast.upper)}`,
    `  state:     ${s.state}`,
    ...s.thresholds.map(
      (t) =>
        `  threshold: ${t.kind} ${t.percent}% (${money(t.at)}): ${t.firedAt ? `fired ${t.firedAt}` : t.reached ? 'reached' : 'not reached'}`,
    ),
    ...(b.history.length ? ['  history:'] : []),
    ...b.history.map(
      (h) =>
        `    ${h.start} to ${h.end}  ${money(h.spent).padStart(12)} of ${money(h.amount)} (${h.percentUsed}%)`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerBudgetCommands(program: Command): void {
  const budgets = program.command('budgets').description('Budgets: list, show, create, delete');

  orgOptions(
    budgets.command('list', { isDefault: true }).description('Budgets with spend and forecast'),
  ).action(
    action(async (flags: OrgFlags) => {
      const answer = await withApi(flags, ({ api }) => ok(api.GET('/api/v1/budgets')));
      if (flags.json) return printJson(answer);
      if (answer.items.length === 0) {
        process.stdout.write(
          'No budgets yet: create one with `cloudtally budgets create --name N --amount A`.\n',
        );
        return;
      }
      printTable(
        answer.items.map((b) => ({
          id: b.id,
          name: b.name,
          period: `${b.status.period.start}..${b.status.period.end}`,
          amount: `${money(b.status.amount)} ${b.currency}`,
          spent: `${money(b.status.spent)} (${b.status.percentUsed}%)`,
          forecast: `${money(b.status.forecast.total)} (${b.status.forecast.percent}%)`,
          state: b.status.state,
        })),
        ['id', 'name', 'period', 'amount', 'spent', 'forecast', 'state'],
      );
    }),
  );

  orgOptions(
    budgets.command('show <idOrName>').description('One budget: status, thresholds, history'),
  ).action(
    action(async (idOrName: string, flags: OrgFlags) => {
      const b = await withApi(flags, async ({ api }) => {
        const id = await budgetIdOf(api, idOrName);
        return ok(api.GET('/api/v1/budgets/{id}', { params: { path: { id } } }));
      });
      if (flags.json) printJson(b);
      else printOne(b);
    }),
  );

  orgOptions(
    budgets
      .command('create')
      .description('Create a budget')
      .requiredOption('--name <name>', 'budget name')
      .requiredOption('--amount <amount>', 'amount per period')
      .option('--period <period>', 'monthly, quarterly or yearly', 'monthly')
      .option('--basis <basis>', 'billed, net, amortized or net_amortized', 'billed')
      .option('--currency <code>', 'currency of the amount', 'USD')
      .option('--filter <DIMENSION=VALUE>', 'scope, as in `cloudtally costs --filter` (repeat)', collect, [])
      .option('--exclude <DIMENSION=VALUE>', 'leave out of the scope (repeat)', collect, [])
      .option('--threshold <kind:percent>', 'actual:80 or forecast:100 (repeat; default both)', collect, [])
      .option('--start <date>', 'first day the budget covers (YYYY-MM-DD)')
      .option('--end <date>', 'last day the budget covers (YYYY-MM-DD)')
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (flags: CreateFlags) => {
      const amount = Number(flags.amount);
      if (!Number.isFinite(amount)) throw new InputError('amount', '--amount must be a number');
      const body = {
        name: flags.name,
        amount,
        period: flags.period,
        basis: flags.basis,
        currency: flags.currency,
        scope: { filter: flags.filter, exclude: flags.exclude },
        ...(flags.threshold.length ? { thresholds: flags.threshold.map(parseThreshold) } : {}),
        ...(flags.start ? { startDate: flags.start } : {}),
        ...(flags.end ? { endDate: flags.end } : {}),
        // The API checks the period, basis and thresholds and names the field that is wrong.
      } as JsonBody<'/api/v1/budgets', 'post'>;
      const b = await withApi(flags, (conn) => {
        requireActor(conn, flags);
        return ok(conn.api.POST('/api/v1/budgets', { body }));
      });
      if (flags.json) printJson(b);
      else process.stdout.write(`created budget ${b.id} (${b.name}): ${b.status.percentUsed}% used\n`);
    }),
  );

  orgOptions(
    budgets
      .command('delete <idOrName>')
      .description('Remove a budget')
      .option('--as <email>', 'who acts, when working on the data directory without a server'),
  ).action(
    action(async (idOrName: string, flags: ActFlags) => {
      const id = await withApi(flags, async (conn) => {
        requireActor(conn, flags);
        const found = await budgetIdOf(conn.api, idOrName);
        await ok(conn.api.DELETE('/api/v1/budgets/{id}', { params: { path: { id: found } } }));
        return found;
      });
      if (flags.json) printJson({ id, removed: true });
      else process.stdout.write(`removed budget ${id}\n`);
    }),
  );
}
