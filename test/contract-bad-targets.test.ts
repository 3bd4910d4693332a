/**
 * A bad target gives clear failures for the checks it affects, in bounded time, and never hangs or
 * crashes the suite: a closed port, HTML instead of JSON, a stream cut off midway, a target that stalls
 * before answering or in the middle of its body, and the default 30-second deadline.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runContract } from '../src/contract/run.js';
import { createLiveTarget, type Target } from '../src/contract/target.js';
import type { ContractReport } from '../src/contract/types.js';
import { closedPort, setupFor, startTestServer, type TestServer } from './support/contract.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.useRealTimers();
});

async function check(baseUrl: string, timeoutMs = 300): Promise<{ report: ContractReport; ms: number }> {
  const { ctx, protocol } = await setupFor('anthropic', false);
  const started = Date.now();
  const report = await runContract(ctx, protocol, createLiveTarget({ baseUrl, key: 'sk-bad-target-0000' }), { timeoutMs, retries: 0 });
  return { report, ms: Date.now() - started };
}

const failed = (r: ContractReport) => r.checks.filter((c) => c.outcome === 'fail');
const isStream = (body: string) => body.includes('"stream":true');

describe('a bad target', () => {
  it('unreachable: every check fails with the connection error, and the suite gives up quickly', async () => {
    const { report, ms } = await check(await closedPort());
    expect(report.summary.passed).toBe(0);
    expect(failed(report).length).toBe(report.checks.length);
    expect(report.checks[0]!.received).toMatch(/ECONNREFUSED/);
    expect(report.checks.at(-2)!.received).toMatch(/not sent: the target gave no complete answer 3 times in a row/);
    expect(report.requestsSent).toBe(3);
    expect(ms).toBeLessThan(5_000);
  });

  it('HTML instead of JSON: content type and body checks fail, naming what came', async () => {
    server = await startTestServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body>Welcome to nginx!</body></html>');
    });
    const { report } = await check(server.url);
    const byId = new Map(report.checks.map((c) => [c.id, c]));
    expect(byId.get('anthropic.createMessage.json.content-type')).toMatchObject({ outcome: 'fail', expected: 'application/json' });
    expect(byId.get('anthropic.createMessage.json.content-type')!.received).toMatch(/^text\/html.*Welcome to nginx/);
    expect(byId.get('anthropic.createMessage.json.body.schema')!.received).toMatch(/^not JSON/);
    expect(byId.get('anthropic.createMessage.stream.events.schema')).toMatchObject({ outcome: 'fail', expected: 'a text/event-stream body' });
    expect(byId.get('anthropic.createMessage.error.missing-key.status')).toMatchObject({ outcome: 'fail', expected: '401' });
    expect(report.summary.failed).toBeGreaterThan(20);
  });

  it('a stream that stops midway: the stream checks fail, saying the connection closed', async () => {
    server = await startTestServer((_req, res, body) => {
      if (isStream(body)) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_cut' });
        res.write(
          'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}\n\n' +
            'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\nevent: content_bl',
        );
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_cut' });
        res.write('{"id":"msg_01","type":"mess');
      }
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { report, ms } = await check(server.url, 2_000);
    const termination = report.checks.find((c) => c.id === 'anthropic.createMessage.stream.termination')!;
    expect(termination.outcome).toBe('fail');
    expect(termination.received).toMatch(/connection closed before the body ended.* after 2 events/);
    expect(report.checks.find((c) => c.id === 'anthropic.createMessage.stream.events.schema')!.outcome).toBe('pass'); // the 2 complete events are valid
    expect(report.checks.find((c) => c.id === 'anthropic.createMessage.json.body.schema')!.received).toMatch(/^not JSON/);
    expect(ms).toBeLessThan(5_000);
  });

  it('a target that never answers: checks fail with the timeout, and the suite stops waiting after three', async () => {
    server = await startTestServer(() => undefined);
    const { report, ms } = await check(server.url, 300);
    expect(report.checks[0]!.received).toBe('no answer within 300 ms (timeout)');
    expect(report.summary.passed).toBe(0);
    expect(report.requestsSent).toBe(3);
    expect(ms).toBeLessThan(3_000);
  });

  it('a target that stalls in the middle of its body: the stall is reported, in bounded time', async () => {
    server = await startTestServer((_req, res, body) => {
      res.writeHead(200, { 'content-type': isStream(body) ? 'text/event-stream' : 'application/json' });
      res.write(isStream(body) ? 'event: ping\ndata: {"type":"ping"}\n\n' : '{"id":');
    });
    const { report, ms } = await check(server.url, 300);
    const first = report.checks.find((c) => c.id === 'anthropic.createMessage.json.body.schema')!;
    expect(first.outcome).toBe('fail');
    const termination = report.checks.find((c) => c.id === 'anthropic.createMessage.stream.termination')!;
    expect(termination.received).toMatch(/the body stalled: not complete within 300 ms/);
    expect(ms).toBeLessThan(4_000);
  });

  it('a 30-second stall fails at the default 30 s deadline, not before and without hanging', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stalled: Target = {
      kind: 'live',
      label: 'stalled',
      baseUrl: 'http://stalled.invalid',
      redact: (t) => t,
      send: () => new Promise<Response>(() => undefined),
    };
    const { ctx, protocol } = await setupFor('anthropic', false);
    let done: ContractReport | undefined;
    const running = runContract(ctx, protocol, stalled, { only: (id) => id === 'createMessage.json', retries: 0 }).then((r) => (done = r));
    await vi.advanceTimersByTimeAsync(29_990);
    expect(done).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20);
    await running;
    expect(done!.checks[0]!.received).toBe('no answer within 30000 ms (timeout)');
    expect(done!.summary.failed).toBe(done!.checks.length);
  });

  it('a check that throws fails alone; the suite carries on', async () => {
    const { ctx, protocol } = await setupFor('anthropic', false);
    const target: Target = {
      kind: 'live',
      label: 'weird',
      baseUrl: 'http://weird.invalid',
      redact: (t) => t,
      send: async () => Response.json({ content: 'not a list', stop_reason: 7 }, { status: 200, headers: { 'request-id': 'r' } }),
    };
    const report = await runContract(ctx, protocol, target, { timeoutMs: 1_000 });
    expect(report.summary.total).toBeGreaterThan(40);
    expect(report.summary.failed).toBeGreaterThan(0);
  });
});
