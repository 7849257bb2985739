// `npm run bench`: runs every benchmark in its own process (so peak-memory figures are its own) and ends with
// one table of `BENCH name | value unit | target | met|not met` lines.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCHES = ['ingest', 'query', 'sync', 'cli', 'load'];

function runOne(name: string): Promise<{ lines: string[]; code: number }> {
  const script = path.join(root, 'bench', name, 'run.ts');
  if (!existsSync(script))
    return Promise.resolve({ lines: [`BENCH ${name} | missing | - | not met`], code: 1 });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    const lines: string[] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      for (const line of parts) if (line.startsWith('BENCH ')) lines.push(line);
    });
    child.on('close', (code) => {
      if (buffer.startsWith('BENCH ')) lines.push(buffer);
      resolve({ lines, code: code ?? 1 });
    });
  });
}

const only = process.argv.slice(2);
const all: string[] = [];
let failed = false;
for (const name of BENCHES.filter((b) => only.length === 0 || only.includes(b))) {
  process.stdout.write(`\n=== bench/${name}\n`);
  const started = Date.now();
  const { lines, code } = await runOne(name);
  process.stdout.write(
    `=== bench/${name} took ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${code})\n`,
  );
  if (code !== 0) failed = true;
  all.push(...lines);
}
process.stdout.write('\n## Benchmark figures\n');
// A benchmark may repeat a figure in its own summary; the table lists each figure once (the last value).
const byName = new Map<string, string>();
for (const line of all) byName.set(line.split('|')[0].trim(), line);
for (const line of byName.values()) process.stdout.write(`${line}\n`);
process.exitCode = failed ? 1 : 0;
