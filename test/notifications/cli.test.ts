import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir, type Scratch } from '../cli/cli-support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startHttpReceiver, type HttpReceiver } from './receivers.js';

// `cloudtally channels …` and `cloudtally alerts …` against a running server, as a user runs them.

describe('channels and alerts commands', () => {
  let t: TestServer;
  let http: HttpReceiver;
  let scratch: Scratch;
  const cli = (args: string[], token = t.users.engineer.token) =>
    runCli(args, { cwd: scratch.dir, env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: token } });

  beforeAll(async () => {
    http = await startHttpReceiver();
    t = await startTestServer();
    scratch = scratchDir('notify-cli');
  });
  afterAll(async () => {
    await t?.close();
    await http?.close();
    scratch?.remove();
  });

  it('adds, tests and lists channels, routes events with rules, and removes both', async () => {
    const add = await cli([
      'channels',
      'add',
      '--kind',
      'slack',
      '--name',
      'chat',
      '--webhook-url',
      `${http.url}/s/secret-path`,
    ]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^created slack channel nch_\w+ \(chat\)$/m);
    const test = await cli(['channels', 'test', 'chat']);
    expect(test.stdout).toBe('test message sent\n');
    expect(http.requests.map((r) => r.path)).toEqual(['/s/secret-path']);
    const list = await cli(['channels', 'list']);
    expect(list.stdout).toContain('chat');
    expect(list.stdout).not.toContain('secret-path');

    const rule = await cli([
      'alerts',
      'create',
      '--name',
      'budgets',
      '--event',
      'budget_threshold',
      '--channel',
      'chat',
      '--param',
      'kinds=forecast',
      '--param',
      'minPercent=90',
    ]);
    expect(rule.code, rule.stderr).toBe(0);
    const rules = JSON.parse((await cli(['alerts', 'list', '--json'])).stdout) as {
      items: { params: unknown }[];
    };
    expect(rules.items[0].params).toEqual({ kinds: ['forecast'], minPercent: 90 });
    const bad = await cli([
      'alerts',
      'create',
      '--name',
      'x',
      '--event',
      'billing_stale',
      '--channel',
      'chat',
      '--param',
      'hours=0',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('params.hours');
    const viewer = await cli(['alerts', 'delete', 'budgets'], t.users.viewer.token);
    expect(viewer.code).toBe(4);
    expect((await cli(['alerts', 'delete', 'budgets'])).code).toBe(0);
    expect((await cli(['channels', 'delete', 'chat'])).code).toBe(0);
    expect((await cli(['channels', 'list'])).stdout).toContain('No channels yet');
  });

  it('takes a channel secret on standard input (--secret-stdin), out of the command line', async () => {
    const run = (args: string[], input: string) =>
      runCli(args, {
        cwd: scratch.dir,
        env: { CLOUDTALLY_URL: t.url, CLOUDTALLY_TOKEN: t.users.engineer.token },
        input,
      });
    const add = await run(
      ['channels', 'add', '--kind', 'slack', '--name', 'stdin-chat', '--secret-stdin'],
      `${http.url}/s/stdin-secret-path\n`,
    );
    expect(add.code, add.stderr).toBe(0);
    const before = http.requests.length;
    const test = await cli(['channels', 'test', 'stdin-chat']);
    expect(test.stdout).toBe('test message sent\n');
    expect(http.requests.slice(before).map((r) => r.path)).toEqual(['/s/stdin-secret-path']);

    const hook = await run(
      [
        'channels',
        'add',
        '--kind',
        'webhook',
        '--name',
        'stdin-hook',
        '--webhook-url',
        `${http.url}/h`,
        '--secret-stdin',
      ],
      'whsec-from-stdin-0123456789',
    );
    expect(hook.code, hook.stderr).toBe(0);
    await cli(['channels', 'test', 'stdin-hook']);
    expect(http.requests.at(-1)?.headers['x-cloudtally-signature']).toMatch(/^v1=[0-9a-f]{64}$/);

    const empty = await run(['channels', 'add', '--kind', 'slack', '--name', 'none', '--secret-stdin'], '');
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('--secret-stdin: standard input was empty');
    const both = await run(
      [
        'channels',
        'add',
        '--kind',
        'webhook',
        '--name',
        'both',
        '--webhook-url',
        `${http.url}/h`,
        '--secret',
        'x'.repeat(20),
        '--secret-stdin',
      ],
      'y'.repeat(20),
    );
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('--secret-stdin replaces --secret');
  });

  it('subscribes a channel and oneself to digests, lists and removes them', async () => {
    const add = await cli([
      'channels',
      'add',
      '--kind',
      'slack',
      '--name',
      'digest-chat',
      '--webhook-url',
      `${http.url}/d`,
    ]);
    expect(add.code, add.stderr).toBe(0);
    const sub = await cli(['digests', 'add', '--channel', 'digest-chat', '--frequency', 'daily']);
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toMatch(/^subscribed channel digest-chat to the daily digest \(ndg_\w+\)$/m);
    const bad = await cli(['digests', 'add', '--channel', 'digest-chat', '--frequency', 'hourly']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--frequency must be daily or weekly');
    // A viewer may not subscribe a whole channel.
    const viewer = await cli(['digests', 'add', '--channel', 'digest-chat'], t.users.viewer.token);
    expect(viewer.code).not.toBe(0);
    const list = await cli(['digests', 'list', '--json']);
    const items = (JSON.parse(list.stdout) as { items: { id: string; frequency: string }[] }).items;
    expect(items.map((d) => d.frequency)).toEqual(['daily']);
    const removed = await cli(['digests', 'remove', items[0].id]);
    expect(removed.stdout).toBe(`removed digest ${items[0].id}\n`);
    expect((await cli(['digests', 'list'])).stdout).toContain('No digests yet');
  });
});
