import { describe, expect, it } from 'vitest';
import { leadingWords, readmeCommands, REPO } from './readme-parse.js';
import { runCommand } from './shell.js';

/**
 * The README's benchmark commands (`npm run bench`, `npm run bench -- NAME`), run as written in the checkout, with
 * the size knobs of every benchmark turned to their smallest in the environment: the command must work end to end
 * and print the `BENCH name | value unit | target | met|not met` table. The figures themselves are not judged
 * here (that is what the benchmarks are for).
 */
const SMALLEST: Record<string, string> = {
  BENCH_ROWS: '20000',
  BENCH_MEMORY_ROWS: '0',
  BENCH_QUERY_ROWS: '20000',
  BENCH_QUERY_RUNS: '2',
  BENCH_SYNC_ACCOUNTS: '2',
  BENCH_SYNC_LATENCY_MS: '1',
  BENCH_CLI_RUNS: '1',
  BENCH_CLI_TSX_RUNS: '0',
  BENCH_LOAD_ROWS: '20000',
  BENCH_LOAD_SECONDS: '1',
  BENCH_LOAD_CLIENTS: '2',
  BENCH_LOAD_SYNC_ROWS: '3000',
};
const ALL = ['ingest', 'query', 'sync', 'cli', 'load'];
const LINE = /^BENCH (\S.*?) \| (.+?) \| (.+?) \| (met|not met)$/;

const benchCommands = readmeCommands(['sh']).filter((c) =>
  /^npm run bench\b/.test(leadingWords(c.command).join(' ')),
);

describe('README benchmark commands', () => {
  it('the README shows `npm run bench`', () => {
    expect(benchCommands.map((c) => c.command)).toContain('npm run bench');
  });

  it.each(benchCommands.map((c) => [`README.md:${c.line}: ${c.command}`, c.command] as const))(
    '%s',
    async (_name, command) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BENCH_')) env[k] = v;
      Object.assign(env, SMALLEST);
      const r = await runCommand(command, { cwd: REPO, env, timeoutMs: 480_000 });
      expect(r.code, `${command}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
      const table = r.stdout.split('## Benchmark figures\n')[1] ?? '';
      const lines = table.split('\n').filter((l) => l.startsWith('BENCH '));
      for (const l of lines) expect(l).toMatch(LINE);
      const named = /^npm run bench -- (.+)$/.exec(command)?.[1].split(/\s+/) ?? ALL;
      for (const bench of ALL) {
        const has = lines.some((l) => l.startsWith(`BENCH ${bench}`));
        expect(has, `BENCH lines of ${bench} in:\n${table}`).toBe(named.includes(bench));
      }
    },
    500_000,
  );
});
