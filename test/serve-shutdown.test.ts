/**
 * `standin serve` as a process: SIGTERM and SIGINT stop it within a bounded time even while a paced
 * stream is open (the stream is ended, its timer cleared), and binding every interface prints a warning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawnCli, waitFor } from './support/cli-process.js';

const running: ChildProcess[] = [];
const serve = (args: string[]) => spawnCli(['serve', '--port', '0', '--provider', 'anthropic', ...args], running);
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});



describe('standin serve shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops the server within a bounded time while a paced stream is open', async (signal) => {
    const { child, output, exited } = serve([]);
    await waitFor(output, 'health');
    const base = /standin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())![1]!;
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01', prefer: 'ttft-ms=60000' },
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // message_start; the first token would wait a minute
    const sent = Date.now();
    child.kill(signal);
    const body = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })().catch(() => 'cut');
    expect(await body).toMatch(/ended|cut/);
    expect(await exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(5_000);
  });

  it('warns when listening on every interface', async () => {
    const { output } = serve(['--host', '0.0.0.0']);
    await waitFor(output, 'health');
    await waitFor(output, 'warning: standin is listening on every network interface');
    expect(output()).toContain('--allowed-hosts');
  });
});
