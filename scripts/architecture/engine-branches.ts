// The engine rule (`npm run lint` runs it): outside src/store no code asks which database engine runs it. What
// differs between engines is a method, a dialect entry or a trait of the store port (src/store/README.md).
// Run alone: `node --import tsx scripts/architecture/engine-branches.ts`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `store.engine`, `ctx.store.engine`, or an `engine` compared with something. */
const ENGINE_BRANCH = /\bstore\.engine\b|\bengine\s*[!=]==?|[!=]==?\s*[\w.]*engine\b/;

/** Lines of `text` that branch on the engine, as `line: text`. */
export function engineBranches(text: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => ENGINE_BRANCH.test(line))
    .map(({ line, n }) => `${n}: ${line.trim()}`);
}

function sources(root: string, dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(root, rel)).isDirectory()) return rel === 'src/store' ? [] : sources(root, rel);
    return /(?<!\.test)\.tsx?$/.test(name) ? [rel] : [];
  });
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const found = sources(root, 'src').flatMap((file) =>
    engineBranches(readFileSync(path.join(root, file), 'utf8')).map((hit) => `${file}:${hit}`),
  );
  if (found.length > 0) {
    process.stderr.write(
      `${found.join('\n')}\nBranch on a trait, dialect entry or method of the store port instead (src/store/README.md)\n`,
    );
    process.exit(1);
  }
  process.stdout.write('engine branches: none outside src/store\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
