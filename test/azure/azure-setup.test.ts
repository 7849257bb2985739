/**
 * GET /api/v1/setup/azure: the role assignments a service principal needs, the `az` commands and the Bicep template
 * (the scope's template and its storage module) with the caller's values filled in; a value that could break the
 * commands is refused naming its field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_IDS } from '../../src/providers/azure/connection/setup-bicep.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Setup {
  roles: { role: string; scope: string }[];
  commands: string[];
  bicep: { files: { name: string; content: string }[]; deploy: string[]; note?: string };
}

describe('Azure setup help', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ engine: 'duckdb' });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = async (query: string) => {
    const res = await t.request(`/api/v1/setup/azure?${query}`, { token: t.users.viewer.token });
    return { status: res.status, body: (await res.json()) as Setup & { error?: { field?: string } } };
  };

  it('answers the roles, the az commands and a Bicep template for a subscription', async () => {
    const sub = '11111111-aaaa-4aaa-8aaa-000000000001';
    const { status, body } = await get(
      `scopeType=subscription&scopeId=${sub}&clientId=bbbbbbbb-0000-4000-8000-00000000000b&storageAccount=contosocosts&resourceGroup=billing-rg&container=exports`,
    );
    expect(status).toBe(200);
    expect(body.roles.map((r) => r.role)).toEqual([
      'Cost Management Reader',
      'Storage Blob Data Reader',
      'Reader',
    ]);
    expect(body.commands.join('\n')).toContain(`--scope /subscriptions/${sub}`);
    const [scope, storage] = body.bicep.files;
    expect(scope.name).toBe('cloudtally-reader.bicep');
    expect(scope.content).toContain("targetScope = 'subscription'");
    expect(scope.content).toContain(ROLE_IDS.costManagementReader);
    expect(scope.content).toContain(ROLE_IDS.reader);
    expect(scope.content).toContain("module storage 'cloudtally-storage.bicep'");
    expect(scope.content).toContain("param storageAccountName string = 'contosocosts'");
    expect(storage.content).toContain(ROLE_IDS.storageBlobDataReader);
    expect(storage.content).toContain('scope: container');
    expect(body.bicep.deploy.join('\n')).toContain(
      `az deployment sub create --subscription ${sub} --location westeurope --template-file cloudtally-reader.bicep`,
    );
  });

  it('deploys at a management group, and gives a billing account only the container template', async () => {
    const mg = await get('scopeType=managementGroup&scopeId=contoso-root');
    expect(mg.body.bicep.files[0].content).toContain("targetScope = 'managementGroup'");
    expect(mg.body.bicep.files[0].content).toContain('tenantResourceId(');
    expect(mg.body.bicep.deploy.join('\n')).toContain('--management-group-id contoso-root');
    const ba = await get('scopeType=billingAccount&scopeId=1234:5678_2019-05-31');
    expect(ba.body.bicep.files.map((f) => f.name)).toEqual(['cloudtally-storage.bicep']);
    expect(ba.body.bicep.note).toMatch(/Billing account reader/);
  });

  it('refuses a value that is not an identifier, naming its field', async () => {
    const bad = await get(`resourceGroup=${encodeURIComponent("rg'; rm -rf /")}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error?.field).toBe('resourceGroup');
  });
});
