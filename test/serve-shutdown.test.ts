/**
 * `standin serve` as a process: SIGTERM and SIGINT stop it within a bounded time even while a paced
 * stream is open (the stream is ended, its timer cleared), and binding every interface prints a warning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';

const cli = new URL('../bin/standin.js', import.meta.url).pathname;
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function serve(args: string[]) {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--provider', 'anthropic', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(output: () => string, text: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`no '${text}' in:\n${output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
