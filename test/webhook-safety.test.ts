/**
 * Runware webhooks harm no one: only http(s) URLs on loopback hosts are called unless the server names
 * other hosts; redirects are not followed; the target's answer body is never read; a request holds at
 * most the document's number of tasks; calls in flight are capped per process; failures are logged,
 * with credentials redacted, and never reach the server.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { MAX_CONCURRENT_DELIVERIES, refuseTarget, webhookDeliveries, WEBHOOK_ATTEMPTS, type WebhookRecords } from '../src/profiles/runware-tasks/webhook.js';

type Obj = Record<string, any>;
const MODEL = 'anthropic:claude@haiku-4.5';
const textTask = (fields: Obj = {}): Obj => ({ taskType: 'textInference', taskUUID: randomUUID(), model: MODEL, messages: [{ role: 'user', content: 'Name a river.' }], ...fields });

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function engineWith(webhookHosts: string[] = []): Promise<{ engine: Engine; send: (body: unknown) => Promise<{ status: number; body: any }>; state: WebhookRecords }> {
  const engine = createStandin({ documents: await loadDocuments(['runware']), mount: 'root', options: { webhookHosts } });
  const send = async (body: unknown) => {
    const res = await engine.fetch(new Request('http://standin.local/v1', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer rw-key' }, body: JSON.stringify(body) }));
    return { status: res.status, body: await res.json() };
  };
  return { engine, send, state: { store: engine.store, session: 'default', provider: 'runware' } };
}

/** A local server answering with `handle`; counts requests and the most open at once. */
async function target(handle: (res: ServerResponse) => void) {
  const seen = { calls: 0, open: 0, maxOpen: 0 };
  const server = createServer((req, res) => {
    seen.calls++;
    seen.open++;
    seen.maxOpen = Math.max(seen.maxOpen, seen.open);
    res.on('close', () => seen.open--);
    req.resume();
    req.on('end', () => handle(res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

describe('which webhook URLs are called', () => {
  it('only http(s), only loopback hosts unless named; every loopback spelling is loopback', () => {
    expect(refuseTarget('http://127.0.0.1:9/x', [])).toBeUndefined();
    expect(refuseTarget('http://localhost:9/x', [])).toBeUndefined();
    expect(refuseTarget('http://[::1]:9/x', [])).toBeUndefined();
    expect(refuseTarget('http://2130706433:9/x', [])).toBeUndefined();
    expect(refuseTarget('http://0x7f.1:9/x', [])).toBeUndefined();
    expect(refuseTarget('file:///etc/passwd', [])).toMatch(/only http and https/);
    expect(refuseTarget('gopher://127.0.0.1:70/x', [])).toMatch(/only http and https/);
    expect(refuseTarget('http://169.254.169.254/latest/meta-data', [])).toMatch(/not a loopback host.*--webhook-hosts/);
    expect(refuseTarget('https://hooks.example.org/x', [])).toMatch(/not a loopback host/);
    expect(refuseTarget('https://hooks.example.org/x', ['hooks.example.org'])).toBeUndefined();
    expect(refuseTarget('https://other.example.org/x', ['hooks.example.org'])).toMatch(/not a loopback host/);
    expect(refuseTarget('https://other.example.org/x', ['*'])).toBeUndefined();
  });

  it('a webhook to a host not allowed is not called: the task is acknowledged, the delivery failed and logged', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const spy = vi.spyOn(globalThis, 'fetch');
    const { send, state } = await engineWith();
    const task = textTask({ webhookURL: 'http://user:hunter2@169.254.169.254/latest' });
    const r = await send([task]);
    expect(r.status).toBe(200);
    expect(r.body.data[0]).toMatchObject({ taskUUID: task.taskUUID, status: 'processing' });
    expect(spy).not.toHaveBeenCalled();
    expect((await webhookDeliveries(state, task.taskUUID))[0]).toMatchObject({ outcome: 'failed', attempts: 0 });
    const logged = warn.mock.calls.map((c) => String(c[0])).join('\n');
    expect(logged).toContain(task.taskUUID);
    expect(logged).toMatch(/not a loopback host/);
    expect(logged).not.toContain('hunter2');
  });

  it('--webhook-hosts (the webhookHosts option) lets a named host through', async () => {
    const hook = await target((res) => res.end());
    const { send, state } = await engineWith(['127.0.0.1', 'hooks.example.org']);
    const task = textTask({ webhookURL: hook.url });
    await send([task]);
    await vi.waitFor(async () => expect((await webhookDeliveries(state, task.taskUUID))[0]?.outcome).toBe('delivered'));
  });
});

describe('how webhooks are called', () => {
  it('does not follow a redirect: a 3xx is a failed call, and the other target gets nothing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const other = await target((res) => res.end());
    const redirecting = await target((res) => res.writeHead(307, { location: other.url }).end());
    const { send, state } = await engineWith();
    const task = textTask({ webhookURL: redirecting.url });
    await send([task]);
    await vi.waitFor(async () => expect((await webhookDeliveries(state, task.taskUUID))[0]?.outcome).toBe('failed'), { timeout: 5000 });
    expect((await webhookDeliveries(state, task.taskUUID))[0]!.lastError).toBe('HTTP 307 (redirects are not followed)');
    expect(redirecting.seen.calls).toBe(WEBHOOK_ATTEMPTS);
    expect(other.seen.calls).toBe(0);
  });

  it("never reads the target's answer body: an endless body does not hold or fill the process", async () => {
    let sent = 0;
    const endless = await target((res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const { send, state } = await engineWith();
    const task = textTask({ webhookURL: endless.url });
    const started = Date.now();
    await send([task]);
    await vi.waitFor(async () => expect((await webhookDeliveries(state, task.taskUUID))[0]?.outcome).toBe('delivered'), { timeout: 3000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    await vi.waitFor(() => expect(endless.seen.open).toBe(0), { timeout: 3000 });
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('caps the calls in flight: many tasks with slow webhooks never open more than the cap at once', async () => {
    const slow = await target((res) => setTimeout(() => res.end(), 150));
    const { send, state } = await engineWith();
    const tasks = Array.from({ length: 30 }, () => textTask({ webhookURL: slow.url }));
    expect((await send(tasks)).status).toBe(200);
    await vi.waitFor(async () => expect((await Promise.all(tasks.map((t) => webhookDeliveries(state, t.taskUUID)))).every((d) => d[0]?.outcome === 'delivered')).toBe(true), { timeout: 10_000 });
    expect(slow.seen.calls).toBe(30);
    expect(slow.seen.maxOpen).toBeLessThanOrEqual(MAX_CONCURRENT_DELIVERIES);
    expect(slow.seen.maxOpen).toBeGreaterThan(1);
  });

  it('refuses a request with more tasks than the document allows, calling nothing', async () => {
    const hook = await target((res) => res.end());
    const { send } = await engineWith();
    const r = await send(Array.from({ length: 101 }, () => textTask({ webhookURL: hook.url, numberResults: 4 })));
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ code: 'invalidParameter' });
    expect(r.body.errors[0].message).toMatch(/^body: List should have at most 100 items/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hook.seen.calls).toBe(0);
  });
});
