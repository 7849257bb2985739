import { readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { PACKAGE_ROOT } from '../../src/lib/package-root.js';
import { ScenarioSchema, type Scenario } from './schema.js';

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'ScenarioError';
  }
}

/** Folder of the bundled scenarios (`demo`, `small`). */
export const SCENARIOS_DIR = path.join(PACKAGE_ROOT, 'sim', 'scenarios');

function resolveScenarioFile(p: string): string {
  let candidate = p;
  // A bare name (`demo`, `bench`) means a bundled scenario, even when a folder of that name is in the cwd.
  const bare = !p.includes('/') && !p.includes(path.sep) && !path.extname(p);
  if ((bare || !existsSync(candidate)) && existsSync(path.join(SCENARIOS_DIR, p))) {
    candidate = path.join(SCENARIOS_DIR, p);
  }
  if (existsSync(candidate) && statSync(candidate).isDirectory()) {
    for (const f of ['scenario.yaml', 'scenario.yml', 'scenario.json']) {
      if (existsSync(path.join(candidate, f))) return path.join(candidate, f);
    }
    throw new ScenarioError(`no scenario.yaml or scenario.json in ${candidate}`, '');
  }
  if (!existsSync(candidate)) throw new ScenarioError(`scenario file not found: ${p}`, '');
  return candidate;
}

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/**
 * Reads and validates a scenario from a path (JSON or YAML file, a folder holding scenario.yaml, or the
 * name of a bundled scenario such as `demo`) or from an object. Errors name the offending field.
 */
export function loadScenario(source: string | object): Scenario {
  let raw: unknown = source;
  if (typeof source === 'string') {
    const file = resolveScenarioFile(source);
    const text = readFileSync(file, 'utf8');
    try {
      raw = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
    } catch (err) {
      throw new ScenarioError(`cannot parse ${file}: ${(err as Error).message}`, '');
    }
  }
  const parsed = ScenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError(issue.message, fieldOf(issue));
  }
  checkReferences(parsed.data);
  return parsed.data;
}

function checkReferences(s: Scenario): void {
  const accounts = new Set(s.accounts.map((a) => a.id));
  const need = (id: string, field: string): void => {
    if (!accounts.has(id)) throw new ScenarioError(`unknown account ${id}`, field);
  };
  const unique = (names: string[], field: string): void => {
    const seen = new Set<string>();
    names.forEach((n, i) => {
      if (seen.has(n)) throw new ScenarioError(`duplicate name ${n}`, `${field}[${i}].name`);
      seen.add(n);
    });
  };
  need(s.organization.payerAccountId, 'organization.payerAccountId');
  unique(
    s.accounts.map((a) => a.id),
    'accounts',
  );
  s.users.forEach((u, i) => need(u.accountId, `users[${i}].accountId`));
  s.roles.forEach((r, i) => need(r.accountId, `roles[${i}].accountId`));
  const buckets = new Set(s.buckets.map((b) => b.name));
  s.buckets.forEach((b, i) => need(b.accountId, `buckets[${i}].accountId`));
  s.exports.forEach((e, i) => {
    need(e.payerAccountId, `exports[${i}].payerAccountId`);
    if (!buckets.has(e.bucket)) throw new ScenarioError(`unknown bucket ${e.bucket}`, `exports[${i}].bucket`);
    if (e.type === 'legacy' && e.format !== 'csv') {
      throw new ScenarioError('legacy CUR exports are gzip CSV in this simulator', `exports[${i}].format`);
    }
  });
  unique(
    s.exports.map((e) => e.name),
    'exports',
  );
  unique(
    s.instances.map((x) => x.name),
    'instances',
  );
  const instances = new Set(s.instances.map((x) => x.name));
  const commitments = new Set([...s.reservations.map((r) => r.name), ...s.savingsPlans.map((p) => p.name)]);
  s.instances.forEach((x, i) => {
    need(x.accountId, `instances[${i}].accountId`);
    if (x.coveredBy && !commitments.has(x.coveredBy)) {
      throw new ScenarioError(
        `unknown reservation or savings plan ${x.coveredBy}`,
        `instances[${i}].coveredBy`,
      );
    }
    if (x.state === 'stopped' && x.stoppedDaysAgo === undefined) {
      throw new ScenarioError('a stopped instance needs stoppedDaysAgo', `instances[${i}].stoppedDaysAgo`);
    }
  });
  s.volumes.forEach((v, i) => need(v.accountId, `volumes[${i}].accountId`));
  s.snapshots.forEach((v, i) => need(v.accountId, `snapshots[${i}].accountId`));
  s.addresses.forEach((a, i) => {
    need(a.accountId, `addresses[${i}].accountId`);
    if (a.instance && !instances.has(a.instance)) {
      throw new ScenarioError(`unknown instance ${a.instance}`, `addresses[${i}].instance`);
    }
  });
  s.loadBalancers.forEach((lb, i) => {
    need(lb.accountId, `loadBalancers[${i}].accountId`);
    lb.targets.forEach((t, j) => {
      if (!instances.has(t))
        throw new ScenarioError(`unknown instance ${t}`, `loadBalancers[${i}].targets[${j}]`);
    });
  });
  const optIn = new Set<string>();
  s.optInRegions.forEach((r, i) => {
    if (s.regions.includes(r.name) || optIn.has(r.name)) {
      throw new ScenarioError(`region ${r.name} is listed twice`, `optInRegions[${i}].name`);
    }
    optIn.add(r.name);
  });
  // Nothing can run in a region the accounts have not opted in to.
  const disabled = new Set(s.optInRegions.filter((r) => r.status === 'not-opted-in').map((r) => r.name));
  const placed: Array<[string, Array<{ region: string }>]> = [
    ['instances', s.instances],
    ['volumes', s.volumes],
    ['snapshots', s.snapshots],
    ['addresses', s.addresses],
    ['loadBalancers', s.loadBalancers],
    ['reservations', s.reservations],
    ['services', s.services],
  ];
  for (const [field, items] of placed) {
    items.forEach((x, i) => {
      if (disabled.has(x.region)) {
        throw new ScenarioError(`region ${x.region} is not opted in`, `${field}[${i}].region`);
      }
    });
  }
  s.reservations.forEach((r, i) => need(r.accountId, `reservations[${i}].accountId`));
  s.savingsPlans.forEach((p, i) => need(p.accountId, `savingsPlans[${i}].accountId`));
  s.services.forEach((p, i) => need(p.accountId, `services[${i}].accountId`));
  const reservations = new Map(s.reservations.map((r) => [r.name, r]));
  s.services.forEach((x, i) => {
    if (!x.coveredBy) return;
    const r = reservations.get(x.coveredBy);
    if (!r) throw new ScenarioError(`unknown reservation ${x.coveredBy}`, `services[${i}].coveredBy`);
    if (r.service === 'EC2' || x.instanceType !== r.instanceType || x.region !== r.region) {
      throw new ScenarioError(
        `the usage does not match the ${r.service} reservation's type/region`,
        `services[${i}].coveredBy`,
      );
    }
    if (x.variability !== 0 || x.dailyUsage / 24 > r.count) {
      throw new ScenarioError(
        `covered usage must be flat (variability 0) and at most ${r.count} per hour`,
        `services[${i}].dailyUsage`,
      );
    }
  });
  s.reservations.forEach((r, i) => {
    if (r.service !== 'EC2' && r.onDemandHourlyUsd === undefined && r.recurringHourlyUsd === undefined) {
      throw new ScenarioError(
        `a ${r.service} reservation needs onDemandHourlyUsd or recurringHourlyUsd`,
        `reservations[${i}].onDemandHourlyUsd`,
      );
    }
  });
  for (const r of s.reservations) {
    const covered = s.instances.filter((x) => x.coveredBy === r.name);
    const idx = s.reservations.indexOf(r);
    if (r.service !== 'EC2' && covered.length > 0) {
      throw new ScenarioError(
        `a ${r.service} reservation cannot cover EC2 instances`,
        `reservations[${idx}]`,
      );
    }
    if (covered.length > r.count) {
      throw new ScenarioError(
        `covers ${covered.length} instances but has count ${r.count}`,
        `reservations[${idx}]`,
      );
    }
    covered.forEach((x) => {
      if (x.type !== r.instanceType || x.region !== r.region) {
        throw new ScenarioError(
          `instance ${x.name} does not match the reservation's type/region`,
          `reservations[${idx}]`,
        );
      }
    });
  }
}
