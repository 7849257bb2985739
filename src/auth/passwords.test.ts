import { describe, expect, it } from 'vitest';
import { hashPassword, isCommonPassword, passwordProblem, verifyPassword } from './passwords.js';

describe('passwordProblem', () => {
  it.each([
    ['qwertyuiop', 'a common one as is'],
    ['QwertyUIOP', 'in any case'],
    ['1234567890', 'a digit run'],
    ['password123', 'a common word with digits'],
    ['Password2024!', 'with a year and a symbol'],
    ['dragon12345', 'a short common word padded to length'],
    ['iloveyou!!!!', 'padded with symbols'],
    ['administrator', 'a default account name'],
    ['correcthorsebatterystaple', 'a famous example'],
  ])('refuses %s (%s)', (password) => {
    expect(isCommonPassword(password)).toBe(true);
    expect(passwordProblem(password)).toMatch(/most commonly used/);
  });

  it.each(['violet-kettle-harbour', 'pw-3fa9c2e1d0', 'first-manager-password', 'Tr4m-L1ne-Ochre'])(
    'accepts %s',
    (password) => {
      expect(passwordProblem(password)).toBeUndefined();
    },
  );

  it('still asks for ten characters first', () => {
    expect(passwordProblem('violet')).toBe('The password must be at least 10 characters');
  });

  it('hashes and verifies', async () => {
    const hash = await hashPassword('violet-kettle-harbour');
    expect(await verifyPassword('violet-kettle-harbour', hash)).toBe(true);
    expect(await verifyPassword('violet-kettle-harbouR', hash)).toBe(false);
  });
});
