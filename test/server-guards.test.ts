/**
 * The node server's request-side defences: answers given before the body was read close the
 * connection, only loopback Host names are served on a loopback bind (DNS rebinding), connections are
 * capped, a client dribbling its request is cut, out-of-range Prefer timings are refused, and a paced
 * stream whose client leaves keeps no timer and does not hold the server's close.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { RunningServer, ServerOptions } from '../src/adapters/node-server.js';
import { exposureWarning, hostPolicy, SERVER_DEFAULTS } from '../src/adapters/server-guards.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import type { EngineOptions } from '../src/core/types.js';
import { useServerPerTest } from './support/server-per-test.js';

const server = useServerPerTest();

async function start(options: ServerOptions = {}, engineOptions: Partial<EngineOptions> = {}): Promise<RunningServer> {
  const engine = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root', options: engineOptions });
  return server.start(engine, options);
}

/** A raw connection, collecting what comes back and when it closes. */
function raw(url: string): { socket: Socket; text: () => string; closed: Promise<number> } {
  const started = Date.now();
  const socket = server.connect(url);
  let text = '';
  socket.on('data', (d) => (text += d));
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
  return { socket, text: () => text, closed };
}

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

const MESSAGE = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 200, messages: [{ role: 'user', content: 'Tell me a long story' }] });

describe('early answers', () => {
  it('a 413 for a body declared too large says Connection: close and closes, instead of keeping the connection', async () => {
    const { url } = await start();
    const port = new URL(url).port;
    const c = raw(url);
    c.socket.write(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\nx-api-key: k\r\ncontent-length: 999999999\r\n\r\n{"model":`);
    const ms = await within(c.closed, 3_000);
    expect(c.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(c.text()).toMatch(/\r\nconnection: close\r\n/i);
    expect(c.text()).not.toMatch(/keep-alive/i);
    expect(ms).toBeLessThan(2_000);
  });

  it('a complete request keeps its connection alive as before', async () => {
    const { url } = await start();
    const c = raw(url);
    c.socket.write(`GET /v1/models HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\nanthropic-version: 2023-06-01\r\n\r\n`);
    await within(new Promise<void>((r) => c.socket.once('data', () => r())), 3_000);
    expect(c.text()).toMatch(/keep-alive/i);
  });
});

describe('Host check', () => {
  it('bound to loopback, serves loopback names with any port and refuses others with 421 problem+json', async () => {
    const { url } = await start();
    const port = new URL(url).port;
    const ask = async (host: string) => {
      const c = raw(url);
      c.socket.write(`GET /v1/models HTTP/1.1\r\nHost: ${host}\r\nx-api-key: k\r\nanthropic-version: 2023-06-01\r\nconnection: close\r\n\r\n`);
      await within(c.closed, 3_000);
      return c.text();
    };
    for (const host of [`127.0.0.1:${port}`, 'localhost', `localhost:${port}`, `[::1]:${port}`, '127.0.0.1']) {
      expect(await ask(host), host).toMatch(/^HTTP\/1\.1 200 /);
    }
    for (const host of ['evil.example', `evil.example:${port}`, 'rebind.127.0.0.1.nip.io', '10.0.0.1']) {
      const answer = await ask(host);
      expect(answer, host).toMatch(/^HTTP\/1\.1 421 /);
      expect(answer).toMatch(/content-type: application\/problem\+json/i);
      expect(answer).toMatch(/--allowed-hosts/);
      // Written whole, as every answer of the server: its length in bytes, the connection closed.
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`content-length: ${Buffer.byteLength(body!)}\r?$`, 'im'));
      expect(head).toMatch(/^connection: close$/im);
    }
  });

  it('--allowed-hosts widens the names served', async () => {
    const { url } = await start({ allowedHosts: ['mock.test'] });
    const c = raw(url);
    c.socket.write(`GET /v1/models HTTP/1.1\r\nHost: mock.test:80\r\nx-api-key: k\r\nanthropic-version: 2023-06-01\r\nconnection: close\r\n\r\n`);
    await within(c.closed, 3_000);
    expect(c.text()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('the policy for other binds, and the warning for every interface', () => {
    expect(hostPolicy('0.0.0.0')('anything.example')).toBe(true);
    expect(hostPolicy('0.0.0.0', ['mock.test'])('anything.example')).toBe(false);
    expect(hostPolicy('0.0.0.0', ['mock.test'])('mock.test:4010')).toBe(true);
    expect(hostPolicy('::1')('[::1]:4010')).toBe(true);
    expect(hostPolicy('127.0.0.1')('bad host\r\n')).toBe(false);
    expect(exposureWarning('0.0.0.0')).toMatch(/every network interface/);
    expect(exposureWarning('::')).toMatch(/every network interface/);
    expect(exposureWarning('127.0.0.1')).toBeUndefined();
    expect(exposureWarning('localhost')).toBeUndefined();
  });
});

/** The backlog of the socket listening on `port`, as the kernel reports it (ss shows it as Send-Q). */
function listenBacklog(port: number): number {
  const line = execFileSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
  return Number(line.split(/\s+/)[2]);
}
const hasSs = (() => {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('connection and time limits', () => {
  it.skipIf(!hasSs)('listens with the configured backlog, 4096 by default (ss reports it)', async () => {
    const { url } = await start({ backlog: 77 });
    expect(listenBacklog(Number(new URL(url).port))).toBe(77);
    await server.close();
    const other = await start();
    expect(listenBacklog(Number(new URL(other.url).port))).toBe(Math.min(SERVER_DEFAULTS.backlog, Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))));
  });

  it('closes connections past --max-connections, and serves again once one is gone', async () => {
    const { url } = await start({ maxConnections: 2 });
    const first = raw(url);
    const second = raw(url);
    await Promise.all([first, second].map((c) => new Promise((r) => c.socket.once('connect', r))));
    await new Promise((r) => setTimeout(r, 100));
    const third = raw(url);
    await within(third.closed, 3_000);
    expect(third.text()).toBe('');
    first.socket.destroy();
    await first.closed;
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${url}/v1/models`, { headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } });
    expect(res.status).toBe(200);
  });

  it('cuts a client that dribbles its body past the request deadline', async () => {
    const { url } = await start({ requestTimeoutMs: 400 });
    const port = new URL(url).port;
    const c = raw(url);
    c.socket.write(`POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\nx-api-key: k\r\ncontent-length: 1000\r\n\r\n`);
    const drip = setInterval(() => c.socket.write(' '), 50);
    try {
      const ms = await within(c.closed, 5_000);
      expect(ms).toBeLessThan(3_000);
      expect(c.text()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(drip);
    }
  });
});

describe('pacing limits and cleanup', () => {
  it.each([
    ['ttft-ms=99999999', 'ttft-ms'],
    ['tokens-per-second=0.0001', 'tokens-per-second'],
    ['ttft-ms=2147483648', 'ttft-ms'],
    ['stream-error-after=100000000', 'stream-error-after'],
    ['retry-after=99999999, code=429', 'retry-after'],
    ['code=429, fail-first=1000000', 'fail-first'],
  ])('Prefer: %s is refused with standin problem+json naming the directive', async (prefer, directive) => {
    const engine = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root' });
    const res = await engine.fetch(
      new Request('http://standin.local/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer },
        body: MESSAGE,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = (await res.json()) as { title: string; detail: string };
    expect(body.title).toBe('standin');
    expect(body.detail).toContain(`Prefer ${directive}=`);
    expect(body.detail).toMatch(/outside standin's limits/);
  });

  it('accepts timings within the limits', async () => {
    const engine = createStandin({ documents: await loadDocuments(['anthropic']), mount: 'root' });
    const res = await engine.fetch(
      new Request('http://standin.local/v1/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: 'ttft-ms=1, tokens-per-second=100000' },
        body: JSON.stringify({ ...JSON.parse(MESSAGE), stream: true }),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('message_stop');
  });

  it('a paced stream whose client leaves keeps no timer, and the server closes at once', async () => {
    const { url } = await start();
    // Watch the timers made from here on; the pacing wait is recognisable by its length (ttft-ms).
    const made: { timer: NodeJS.Timeout; ms: number }[] = [];
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      const timer = realSetTimeout(...args);
      made.push({ timer, ms: Number(args[1]) });
      return timer;
    }) as typeof setTimeout;
    // The wait counts from the stream's start, so it may be a few ms under ttft-ms by the time it is armed.
    const pacing = () => made.filter(({ ms }) => ms > 7_700 && ms < 7_800).map(({ timer }) => timer);
    // A Node timer is destroyed once it has fired or been cleared.
    const pending = () => pacing().filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed);
    try {
      const controller = new AbortController();
      const res = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: 'ttft-ms=7777, tokens-per-second=100000' },
        body: JSON.stringify({ ...JSON.parse(MESSAGE), stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read(); // the first events; the first token waits 7.8 s
      const deadline = Date.now() + 2_000;
      while (pending().length === 0 && Date.now() < deadline) await new Promise((r) => realSetTimeout(r, 20));
      expect(pending()).toHaveLength(1);
      controller.abort();
      await reader.closed.catch(() => undefined);
      while (pending().length > 0 && Date.now() < deadline + 2_000) await new Promise((r) => realSetTimeout(r, 20));
      expect(pending()).toHaveLength(0);
      expect(pacing()).toHaveLength(1);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(500);
  });
});
