import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Reads the README the way a person copies from it: fenced blocks with their language, commands line by line. */

export const REPO = path.resolve(import.meta.dirname, '../..');
export const README = path.join(REPO, 'README.md');

export interface Block {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The nearest `##`/`###` heading above the block. */
  section: string;
  body: string[];
}

export interface ReadmeCommand {
  /** The command with comments stripped and `\` continuations joined. */
  command: string;
  /** 1-based README line where the command starts. */
  line: number;
  section: string;
  lang: string;
}

export function readReadme(): string {
  return readFileSync(README, 'utf8');
}

export function blocksOf(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,4}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], line: start + 1, section, body });
  }
  return blocks;
}

/**
 * Cuts a shell comment: a `#` at the start of a word outside quotes. Quotes and backslash escapes are followed so
 * that `'#'`, `"a # b"` and `a\#b` stay.
 */
export function stripComment(line: string): string {
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') {
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i).trimEnd();
    }
  }
  return line.trimEnd();
}

/** The commands of one block: continuations joined, comments and blank lines dropped. */
export function commandsOf(block: Block): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  let pending = '';
  let startLine = 0;
  block.body.forEach((raw, idx) => {
    const line = block.line + 1 + idx;
    const stripped = stripComment(raw);
    if (!pending) startLine = line;
    if (stripped.endsWith('\\')) {
      pending += stripped.slice(0, -1).trimEnd() + ' ';
      return;
    }
    const command = (pending + stripped.trim()).trim();
    pending = '';
    if (command) out.push({ command, line: startLine, section: block.section, lang: block.lang });
  });
  if (pending.trim())
    out.push({ command: pending.trim(), line: startLine, section: block.section, lang: block.lang });
  return out;
}

/** Every command of every block in one of the given languages, in README order. */
export function readmeCommands(langs: string[] = ['sh'], text = readReadme()): ReadmeCommand[] {
  return blocksOf(text)
    .filter((b) => langs.includes(b.lang))
    .flatMap(commandsOf);
}

/** `$NAME` and `${NAME}` references outside single quotes. */
export function variablesOf(command: string): string[] {
  const unquoted = command.replace(/'[^']*'/g, "''");
  return [...new Set([...unquoted.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].map((m) => m[1]))];
}

/** The words of a command after any leading `NAME=value` assignments (naive split; enough to classify). */
export function leadingWords(command: string): string[] {
  const words = command.split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) i++;
  return words.slice(i);
}

/** Inline code spans of the prose (outside fenced blocks). */
export function inlineCodeOf(text: string): { code: string; line: number }[] {
  const out: { code: string; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, idx) => {
    if (/^```/.test(line)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const m of line.matchAll(/`([^`]+)`/g)) out.push({ code: m[1], line: idx + 1 });
  });
  return out;
}
