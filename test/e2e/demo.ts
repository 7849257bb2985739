import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/cli/demo-command.js';

export interface DemoData {
  demo: RunningDemo;
  stop(): Promise<void>;
}

/**
 * Starts `cloudtally demo` on a free port in a fresh data folder and waits (bounded) until its first sync has
 * loaded the demo's months of billing into both accounts, so that pages are looked at with their data in.
 */
export async function startDemoWithData(prefix: string): Promise<DemoData> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `cloudtally-${prefix}-`));
  const demo = await startDemo({ dataDir: path.join(dataDir, 'demo'), port: '0', logLevel: 'silent' });
  await vi.waitFor(
    async () => {
      const res = await fetch(`${demo.url}/api/v1/cloud-accounts`, {
        headers: { authorization: `Bearer ${demo.token}` },
      });
      const { items } = (await res.json()) as { items: { status: { state: string } }[] };
      const states = items.map((a) => a.status.state);
      if (states.length < 2 || states.some((s) => s !== 'healthy'))
        throw new Error(`the demo's accounts are ${states.join(', ') || 'not there yet'}`);
    },
    { timeout: 240_000, interval: 1000 },
  );
  return {
    demo,
    async stop() {
      await demo.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** GETs an API path with the demo's token. */
export async function demoApi<T>(demo: RunningDemo, pathAndQuery: string): Promise<T> {
  const res = await fetch(demo.url + pathAndQuery, { headers: { authorization: `Bearer ${demo.token}` } });
  if (!res.ok) throw new Error(`${pathAndQuery} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** POSTs to an API path with the demo's token. */
export async function demoPost<T>(demo: RunningDemo, pathAndQuery: string, body: unknown = {}): Promise<T> {
  const res = await fetch(demo.url + pathAndQuery, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${pathAndQuery} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** Nothing in the main content passes the right edge of the window (the responsive test's rule, in short). */
export const NO_SIDEWAYS_OVERFLOW = `(() => {
  const main = document.getElementById('main');
  const scrolls = (el) => {
    for (let e = el; e && e !== main; e = e.parentElement) {
      const { overflowX } = getComputedStyle(e);
      if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden') return true;
    }
    return false;
  };
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth) out.push('page ' + document.documentElement.scrollWidth + ' px wide');
  for (const el of main ? main.querySelectorAll('*') : []) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1 && !scrolls(el.parentElement))
      out.push(el.tagName.toLowerCase() + '.' + el.getAttribute('class') + ' (' + Math.round(r.right) + ' px)');
  }
  return out.slice(0, 5);
})()`;
