import { describe, expect, it } from 'vitest';
import { claimValues, domainAllowed, roleFromClaims } from './sso-claims.js';

describe('single sign-on claims', () => {
  it('allows listed domains and their subdomains only', () => {
    expect(domainAllowed('ana@acme.test', ['acme.test'])).toBe(true);
    expect(domainAllowed('ana@eu.acme.test', ['acme.test'])).toBe(true);
    expect(domainAllowed('ana@notacme.test', ['acme.test'])).toBe(false);
    expect(domainAllowed('ana@acme.test.evil', ['acme.test'])).toBe(false);
  });

  it('reads a claim at a dotted path as a list', () => {
    const claims = { groups: ['a', 'b', 3], realm_access: { roles: ['finops'] }, dept: 'it' };
    expect(claimValues(claims, 'groups')).toEqual(['a', 'b']);
    expect(claimValues(claims, 'realm_access.roles')).toEqual(['finops']);
    expect(claimValues(claims, 'dept')).toEqual(['it']);
    expect(claimValues(claims, 'missing.path')).toEqual([]);
  });

  it('gives the highest mapped role, else the default, else none', () => {
    const rule = {
      roleClaim: 'groups',
      roleMap: { manager: ['admins'], engineer: ['devs'], viewer: ['staff'] },
      defaultRole: null,
    };
    expect(roleFromClaims({ groups: ['staff', 'admins'] }, rule)).toBe('manager');
    expect(roleFromClaims({ groups: ['devs', 'staff'] }, rule)).toBe('engineer');
    expect(roleFromClaims({ groups: ['other'] }, rule)).toBeNull();
    expect(roleFromClaims({ groups: ['other'] }, { ...rule, defaultRole: 'viewer' })).toBe('viewer');
    expect(roleFromClaims({}, { roleClaim: null, roleMap: {}, defaultRole: 'engineer' })).toBe('engineer');
  });
});
