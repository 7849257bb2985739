import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/command-groups.js';
import { COMMAND_GROUPS } from '../../src/cli/commands.js';
import { configSchema, envName, type Config } from '../../src/config/config.js';
import { blocksOf, commandsOf, inlineCodeOf, leadingWords, readReadme, REPO } from './readme-parse.js';

/**
 * What the README states besides its runnable commands, checked against the code: every `cloudtally …` command
 * it shows in prose, tables and `text` blocks names real subcommands and flags (as the CLI's help lists them), every npm
 * script it names exists, every CLOUDTALLY_* / BENCH_* variable it names is read somewhere, every setting of the
 * configuration schema is in the configuration table, and every diagnostic code the product emits is in
 * Troubleshooting.
 */

const readme = readReadme();

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p, ext);
    return ext.test(name) ? [p] : [];
  });
}

const sources = filesUnder(path.join(REPO, 'src'), /(?<!\.test)\.ts$/).map((f) => ({
  file: path.relative(REPO, f),
  text: readFileSync(f, 'utf8'),
}));

/**
 * Diagnostic codes: a `code: '…'` literal of an object that also carries a remediation (that is what makes it a
 * diagnostic, rather than an HTTP error code or a Cost Explorer service code), and the billing codes, which are a
 * union type with a remediation table.
 */
function emittedCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/code: '([a-z][a-z0-9_]*)'/g)) {
      const rest = text.slice(m.index + m[0].length);
      const next = rest.search(/code: '/);
      const scope = next === -1 ? rest : rest.slice(0, next);
      if (/remediation/.test(scope.slice(0, 1500))) codes.set(m[1], file);
    }
  }
  const billing = sources.find((s) => s.file === path.join('src', 'billing', 'diagnostics.ts'));
  for (const m of billing?.text.matchAll(/^\s+\| '([a-z_]+)'$/gm) ?? [])
    codes.set(m[1], path.join('src', 'billing', 'diagnostics.ts'));
  return codes;
}

/** `cloudtally …` as shown outside the runnable blocks: inline code, tables and `text` blocks. */
function shownCommands(): { command: string; where: string }[] {
  const inline = inlineCodeOf(readme)
    .map(({ code, line }) => ({ command: code.replace(/\\\|/g, '|'), where: `README.md:${line}` }))
    .filter((c) => /^cloudtally\b/.test(c.command));
  const text = blocksOf(readme)
    .filter((b) => b.lang === 'text')
    .flatMap(commandsOf)
    .flatMap((c) =>
      // A command may sit at the end of a pipe (`printf … | cloudtally …`).
      c.command
        .split(/\s\|\s/)
        .map((part) => part.trim())
        .filter((part) => /^cloudtally\b/.test(leadingWords(part).join(' ')))
        .map((part) => ({ command: leadingWords(part).join(' '), where: `README.md:${c.line}` })),
    );
  return [...inline, ...text];
}

/**
 * The CLI's help texts, built in this process from every command group src/cli/commands.ts lists (so a new command
 * group is picked up), keyed by the command path ('' for the root).
 */
const helpTexts = new Map<string, string>();

async function loadHelp(): Promise<void> {
  const program = await createProgram(COMMAND_GROUPS, []);
  const walk = (cmd: Command, words: string[]) => {
    helpTexts.set(words.join(' '), cmd.helpInformation());
    for (const sub of cmd.commands) walk(sub, [...words, sub.name()]);
  };
  walk(program, []);
}

function help(pathWords: string[]): Promise<string> {
  const text = helpTexts.get(pathWords.join(' '));
  return text === undefined
    ? Promise.reject(new Error(`no command cloudtally ${pathWords.join(' ')}`))
    : Promise.resolve(text);
}

function subcommandsOf(helpText: string): string[] {
  const section = helpText.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]).filter((n) => n !== 'help');
}

/** Walks the command's words down the subcommand tree and checks its flags against the help of where it ends. */
async function problemsOf(command: string): Promise<string[]> {
  const words = command.replace(/[[\]]/g, ' ').split(/\s+/).filter(Boolean).slice(1);
  let paths: string[][] = [[]];
  let i = 0;
  for (; i < words.length; i++) {
    const alternatives = words[i].split('|');
    if (alternatives.some((a) => a.startsWith('-'))) break;
    const next: string[][] = [];
    for (const p of paths) {
      const subs = subcommandsOf(await help(p));
      const hits = alternatives.filter((a) => subs.includes(a));
      if (hits.length === 0) continue;
      if (hits.length !== alternatives.length) {
        const missing = alternatives.filter((a) => !subs.includes(a));
        return [`\`${command}\`: cloudtally ${p.join(' ')} has no subcommand ${missing.join(', ')}`];
      }
      next.push(...hits.map((h) => [...p, h]));
    }
    if (next.length === 0) break;
    paths = next;
  }
  const helps = await Promise.all(paths.map((p) => help(p)));
  const flags = words.slice(i).flatMap((w) => w.split('|').filter((f) => f.startsWith('--')));
  return flags
    .map((f) => f.replace(/=.*$/, ''))
    .filter((f) => !helps.some((h) => new RegExp(`(^|[\\s,])${f}(?![\\w-])`).test(h)))
    .map(
      (f) => `\`${command}\`: ${f} is not a flag of cloudtally ${paths.map((p) => p.join(' ')).join(' / ')}`,
    );
}

describe('what the README shows, checked against the code', () => {
  const shown = shownCommands();

  beforeAll(loadHelp, 120_000);

  it('the checks catch a made-up subcommand and a made-up flag', async () => {
    expect(await problemsOf('cloudtally accounts connect aws --type root --account-id 1')).toEqual([]);
    expect(await problemsOf('cloudtally accounts list|frobnicate')).toEqual([
      '`cloudtally accounts list|frobnicate`: cloudtally accounts has no subcommand frobnicate',
    ]);
    expect(await problemsOf('cloudtally serve --no-such-flag')).toEqual([
      '`cloudtally serve --no-such-flag`: --no-such-flag is not a flag of cloudtally serve',
    ]);
    const codes = emittedCodes();
    for (const code of [
      'role_not_trusted',
      'export_not_found',
      'billing_file_corrupt',
      'region_access_denied',
    ])
      expect(codes.has(code), code).toBe(true);
    for (const notDiagnostic of ['not_found', 'custom', 'invalid_input'])
      expect(codes.has(notDiagnostic)).toBe(false);
  });

  it('shows cloudtally commands outside the runnable blocks (prose, the CLI table, text blocks)', () => {
    expect(shown.length).toBeGreaterThan(20);
  });

  it('every cloudtally command it shows names real subcommands and flags', async () => {
    const problems: string[] = [];
    for (const c of shown) for (const p of await problemsOf(c.command)) problems.push(`${c.where}: ${p}`);
    expect(problems).toEqual([]);
  }, 240_000);

  it('every npm script it names exists, and flags passed to a cloudtally script exist', async () => {
    const scripts = (
      JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    const problems: string[] = [];
    const npm = [
      ...inlineCodeOf(readme).map((c) => ({ command: c.code, where: `README.md:${c.line}` })),
      ...blocksOf(readme)
        .filter((b) => b.lang === 'sh' || b.lang === 'text')
        .flatMap(commandsOf)
        .map((c) => ({ command: c.command, where: `README.md:${c.line}` })),
    ].flatMap((c) =>
      c.command.split(/\s*&&\s*/).map((part) => ({ command: leadingWords(part).join(' '), where: c.where })),
    );
    for (const c of npm) {
      const m = /^npm (?:run (\S+)|(start|test))(?: -- (.*))?$/.exec(c.command);
      if (!m) continue;
      const name = m[1] ?? m[2];
      const script = scripts[name];
      if (!script) {
        problems.push(`${c.where}: \`${c.command}\`: package.json has no script "${name}"`);
        continue;
      }
      const sub = /^node bin\/cloudtally\.js (\S+)/.exec(script)?.[1];
      if (sub && m[3])
        problems.push(...(await problemsOf(`cloudtally ${sub} ${m[3]}`)).map((p) => `${c.where}: ${p}`));
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('every CLOUDTALLY_* and BENCH_* variable it names is read by the code', () => {
    const code = [
      ...sources.map((s) => s.text),
      ...filesUnder(path.join(REPO, 'bench'), /\.ts$/).map((f) => readFileSync(f, 'utf8')),
      ...filesUnder(path.join(REPO, 'bin'), /\.js$/).map((f) => readFileSync(f, 'utf8')),
    ].join('\n');
    const named = new Set([...readme.matchAll(/\b((?:CLOUDTALLY|BENCH)_[A-Z0-9_]+)\b/g)].map((m) => m[1]));
    const unknown = [...named].filter((n) => !code.includes(n));
    expect(unknown).toEqual([]);
  });

  it('the configuration table has every setting of the schema with its environment variable', () => {
    const table = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
    const missing = (Object.keys(configSchema.shape) as (keyof Config)[]).filter(
      (key) => !new RegExp(`^\\| \`${key}\` \\| \`${envName(key)}\``, 'm').test(table),
    );
    expect(missing).toEqual([]);
  });

  it('Troubleshooting lists every diagnostic code the product emits', () => {
    const section = readme.split(/^## Troubleshooting$/m)[1]?.split(/^## /m)[0] ?? '';
    const codes = emittedCodes();
    expect(codes.size).toBeGreaterThan(40);
    const missing = [...codes]
      .filter(([code]) => !section.includes(`\`${code}\``))
      .map(([c, f]) => `${c} (${f})`);
    expect(missing).toEqual([]);
  });
});
