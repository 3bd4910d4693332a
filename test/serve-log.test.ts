/**
 * `standin serve` prints one line per exchange (the built CLI as a child process): a plain call, a
 * stream with its event count, a 400 with its reason and a forced 429 each get their line, no line holds
 * the key; `--log json` prints one JSON object per line; `--quiet` prints none.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { spawnCli, waitFor } from './support/cli-process.js';

// A made-up key, assembled so no file holds a string shaped like a real one.
const KEY = ['sk-ant', 'api03', 'Tr5Ye8Wq2As7Df4Gh9Jk3'].join('-');
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

const baseOf = (output: string) => /standin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
const hello = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello log' }] };

async function start(args: string[]) {
  const server = spawnCli(['serve', '--port', '0', '--provider', 'anthropic', ...args], running);
  await waitFor(server.output, 'health');
  const base = baseOf(server.output());
  const call = async (body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'anthropic-version': '2023-06-01', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
  return { server, call, base };
}

/** The lines printed after start-up (the banner ends with the health line). */
const requestLines = (output: string) => output.slice(output.indexOf('\n', output.indexOf('health')) + 1).split('\n').filter(Boolean);

it('prints a line for every request, with stream events, refusal and forced source, and no key', async () => {
  const { server, call } = await start([]);
  await call(hello);
  const stream = await call({ ...hello, stream: true });
  const events = stream.text.split('\n').filter((l) => l.startsWith('event: ')).length;
  await call({ model: 'claude-haiku-4-5', messages: [] });
  await call(hello, { prefer: 'code=429', 'x-standin-session': 'ci-run' });
  await waitFor(server.output, / 429 /);
  const lines = requestLines(server.output());
  expect(lines).toHaveLength(4);
  expect(lines[0]).toMatch(/^POST \/v1\/messages 200 \d+ms$/);
  expect(lines[1]).toMatch(new RegExp(`^POST /v1/messages 200 \\d+ms stream ${events} events$`));
  expect(lines[2]).toMatch(/^POST \/v1\/messages 400 \d+ms refused: .*max_tokens/);
  expect(lines[3]).toMatch(/^POST \/v1\/messages 429 \d+ms forced Prefer: code=429 \[session ci-run\]$/);
  expect(server.output()).not.toContain(KEY);
  expect(server.output()).not.toContain(KEY.slice(12, 30));
});

it('--log json prints one JSON object per line; --quiet prints none', async () => {
  const json = await start(['--log', 'json']);
  await json.call({ ...hello, stream: true });
  await json.call(hello, { prefer: 'code=529' });
  await waitFor(json.server.output, /"status":529/);
  const objects = requestLines(json.server.output()).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(objects).toHaveLength(2);
  expect(objects[0]).toMatchObject({ method: 'POST', path: '/v1/messages', status: 200, provider: 'anthropic', stream: { end: 'complete' } });
  expect((objects[0]!.stream as { events: number }).events).toBeGreaterThan(3);
  expect(objects[1]).toMatchObject({ status: 529, outcome: { source: 'forced' } });
  expect(json.server.output()).not.toContain(KEY);

  const quiet = await start(['--quiet']);
  expect((await quiet.call(hello)).status).toBe(200);
  // The journal has it (so the request was handled) while stdout stays silent.
  const journal = (await (await fetch(`${quiet.base}/_standin/journal`)).json()) as { entries: unknown[] };
  expect(journal.entries).toHaveLength(1);
  expect(requestLines(quiet.server.output())).toEqual([]);
});

it('refuses an unknown --log format', async () => {
  const bad = spawnCli(['serve', '--port', '0', '--log', 'xml'], running);
  expect(await bad.exited).toBe(2);
  expect(bad.output()).toMatch(/--log must be text or json/);
});

it('--journal N keeps the N newest exchanges; --journal 0 keeps none and still logs every line', async () => {
  const journalOf = async (base: string) => (await (await fetch(`${base}/_standin/journal`)).json()) as { capacity: number; lastId: number; entries: { session: string }[] };
  const two = await start(['--journal', '2', '--quiet']);
  for (const session of ['a', 'b', 'c']) expect((await two.call(hello, { 'x-standin-session': session })).status).toBe(200);
  const kept = await journalOf(two.base);
  expect(kept.capacity).toBe(2);
  expect(kept.entries.map((e) => e.session)).toEqual(['b', 'c']);

  const none = await start(['--journal', '0']);
  await none.call(hello);
  await none.call({ ...hello, stream: true });
  await waitFor(none.server.output, / stream \d+ events/);
  expect(requestLines(none.server.output())).toHaveLength(2);
  const empty = await journalOf(none.base);
  expect(empty).toMatchObject({ capacity: 0, lastId: 2, entries: [] });
  expect(none.server.output()).not.toContain(KEY.slice(12, 30));

  const bad = spawnCli(['serve', '--port', '0', '--journal', 'many'], running);
  expect(await bad.exited).toBe(2);
  expect(bad.output()).toContain('--journal must be a whole number from 0 to 100000');
});
