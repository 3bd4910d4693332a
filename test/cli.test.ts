/** `standin serve` as a user runs it: the start-up line, the health route, and clear errors. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawnCli, waitFor } from './support/cli-process.js';
import { createServer, type Server } from 'node:net';

const running: ChildProcess[] = [];
const run = (args: string[]) => spawnCli(args, running);
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});



describe('standin serve', () => {
  it('lists every provider base URL at start-up and answers on each', async () => {
    const { output } = run(['serve', '--port', '0']);
    await waitFor(output, 'health');
    const base = /standin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())![1]!;
    for (const provider of ['skillboss', 'bytespike', 'anthropic', 'aigateway', 'runware']) {
      expect(output()).toContain(`${base}/${provider}`);
    }
    const health = await fetch(`${base}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    const res = await fetch(`${base}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
  });

  it('serves one provider at the root with --provider', async () => {
    const { output } = run(['serve', '--port', '0', '--provider', 'bytespike']);
    await waitFor(output, 'health');
    const base = /standin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())![1]!;
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
  });

  it('rejects an unknown flag with exit code 2 and the usage', async () => {
    const { output, exited } = run(['serve', '--prot', '4010']);
    expect(await exited).toBe(2);
    expect(output()).toMatch(/Unknown option '--prot'/);
    expect(output()).toContain('usage: standin serve');
  });

  it('rejects a bad port value and an unknown provider', async () => {
    const bad = run(['serve', '--port', 'abc']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--port must be a whole number');
    const unknown = run(['serve', '--provider', 'nobody']);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain("unknown provider 'nobody'");
  });

  it('rejects a chaos rate outside 0 to 1 and a bad chaos seed', async () => {
    const rate = run(['serve', '--chaos', '1.5']);
    expect(await rate.exited).toBe(2);
    expect(rate.output()).toContain('--chaos must be a number from 0 to 1');
    const seed = run(['serve', '--chaos', '0.2', '--chaos-seed', 'x1']);
    expect(await seed.exited).toBe(2);
    expect(seed.output()).toContain('--chaos-seed must be a whole number');
  });

  it('says clearly when the port is in use', async () => {
    const blocker: Server = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (blocker.address() as { port: number }).port;
    try {
      const { output, exited } = run(['serve', '--port', String(port)]);
      expect(await exited).toBe(1);
      expect(output()).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
