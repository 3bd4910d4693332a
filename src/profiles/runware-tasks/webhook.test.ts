import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore } from '../../core/state/memory-store.js';
import { deliverWebhook, webhookDeliveries, WEBHOOK_ATTEMPTS, type WebhookRecords } from './webhook.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Answers each call with the next status of `statuses` (the last one repeats). */
async function hook(statuses: number[]): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(statuses[Math.min(bodies.length - 1, statuses.length - 1)]!).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies };
}

const UUID = 'cbacdc8c-9f58-46eb-8510-48713439c000';

describe('deliverWebhook', () => {
  it('posts each payload once, in order, and records the delivery', async () => {
    const { url, bodies } = await hook([204]);
    const state: WebhookRecords = { store: createMemoryStore(), session: 'default', provider: 'runware' };
    await deliverWebhook(state, UUID, url, [{ data: [{ n: 0 }] }, { data: [{ n: 1 }] }]);
    expect((await webhookDeliveries(state, UUID)).map((d) => d.outcome)).toEqual(['pending', 'pending']);
    await vi.waitFor(async () => expect((await webhookDeliveries(state, UUID)).every((d) => d.outcome === 'delivered')).toBe(true));
    expect(bodies).toEqual([{ data: [{ n: 0 }] }, { data: [{ n: 1 }] }]);
    expect((await webhookDeliveries(state, UUID)).map((d) => d.attempts)).toEqual([1, 1]);
  });

  it('retries a non-2xx answer and stops once one succeeds', async () => {
    const { url, bodies } = await hook([503, 200]);
    const state: WebhookRecords = { store: createMemoryStore(), session: 'default', provider: 'runware' };
    await deliverWebhook(state, UUID, url, [{ data: [] }]);
    await vi.waitFor(async () => expect((await webhookDeliveries(state, UUID))[0]!.outcome).toBe('delivered'));
    expect(bodies).toHaveLength(2);
    expect((await webhookDeliveries(state, UUID))[0]).toMatchObject({ attempts: 2, outcome: 'delivered' });
    expect((await webhookDeliveries(state, UUID))[0]).not.toHaveProperty('lastError');
  });

  it('gives up after the bounded attempts on a URL that cannot be reached, without throwing', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve)); // nothing listens there any more
    const state: WebhookRecords = { store: createMemoryStore(), session: 'default', provider: 'runware' };
    await deliverWebhook(state, UUID, `http://127.0.0.1:${port}/unreachable`, [{ data: [] }]);
    await vi.waitFor(async () => expect((await webhookDeliveries(state, UUID))[0]!.outcome).toBe('failed'), { timeout: 5000 });
    expect((await webhookDeliveries(state, UUID))[0]).toMatchObject({ attempts: WEBHOOK_ATTEMPTS, lastError: 'ECONNREFUSED' });
  });

  it('records an invalid URL as failed instead of throwing', async () => {
    const state: WebhookRecords = { store: createMemoryStore(), session: 'default', provider: 'runware' };
    await expect(deliverWebhook(state, UUID, 'not a url', [{ data: [] }])).resolves.toBeUndefined();
    await vi.waitFor(async () => expect((await webhookDeliveries(state, UUID))[0]!.outcome).toBe('failed'), { timeout: 5000 });
  });
});
