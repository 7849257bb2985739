import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../lib/package-root.js';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEYLEN, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, so the cost can be raised later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const PASSWORD_RULE = 'at least 10 characters, and not one of the most common passwords';

let common: Set<string> | undefined;

/**
 * The commonest passwords of the public leaked-password lists (RockYou and the 10-million list published in
 * SecLists), lowercased, one a line. Read once, on the first check.
 */
function commonPasswords(): Set<string> {
  common ??= new Set(
    // From the package root, so that the bundled CLI (dist/cli) finds it as the sources do.
    readFileSync(path.join(PACKAGE_ROOT, 'src', 'auth', 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  );
  return common;
}

/**
 * Whether a password is a common one, or a common one with digits or symbols tacked on (`Password2024!`,
 * `dragon12345`): guessing tools try those first, whatever their length.
 */
export function isCommonPassword(password: string): boolean {
  const lower = password.trim().toLowerCase();
  const list = commonPasswords();
  const base = lower.replace(/[\d\W_]+$/u, '');
  return list.has(lower) || (base.length > 0 && list.has(base));
}

export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return 'The password must be at least 10 characters';
  if (isCommonPassword(password))
    return 'This password is one of the most commonly used ones (or one with digits or symbols added), which are guessed first; choose another, for example a few unrelated words';
  return undefined;
}
