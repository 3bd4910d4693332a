/**
 * `standin serve --fixtures` as a user runs it (the built CLI, a child process): a recorder killed with
 * SIGKILL mid-stream loses no completed exchange and leaves nothing that breaks the next start; a bad
 * fixture file stops the server with the file, the fixture and the reason; hand-written YAML answers.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { spawnCli, waitFor } from './support/cli-process.js';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeUpstream, type FakeUpstream } from './support/fake-upstream.js';

const KEY = `sk-ant-api03-cli${Date.now()}`;
const running: ChildProcess[] = [];
const run = (args: string[]) => spawnCli(['serve', '--port', '0', ...args], running);
let upstream: FakeUpstream;
let dir: string;

beforeAll(async () => {
  upstream = await startFakeUpstream(KEY, 150);
  dir = await mkdtemp(join(tmpdir(), 'standin-fixtures-cli-'));
});
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});
afterAll(async () => {
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});



const baseOf = (output: string) => /standin listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
const ask = (content: string) => ({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content }] });

it('kill -9 while recording a stream keeps every completed exchange, and the next start replays it', async () => {
  const recordDir = join(dir, 'recorded');
  const recorder = run(['--provider', 'anthropic', '--fixtures', recordDir, '--on-miss', 'record', '--upstream', upstream.url]);
  await waitFor(recorder.output, 'health');
  const client = new Anthropic({ apiKey: KEY, baseURL: baseOf(recorder.output()), maxRetries: 0 });
  const done = await client.messages.create(ask('completed before the kill'));
  await waitFor(recorder.output, 'standin: recorded anthropic/');
  // A stream in flight: kill the recorder after its first event.
  const stream = await client.messages.create({ ...ask('cut by the kill'), stream: true });
  const iterator = stream[Symbol.asyncIterator]();
  await iterator.next();
  recorder.child.kill('SIGKILL');
  await recorder.exited;
  await iterator.next().catch(() => undefined);
  // What a kill during a write would leave: a temporary file under a dot name.
  await writeFile(join(recordDir, 'anthropic', '.half-written.json.123.abc.tmp'), '{"format": "standin-exch');
  expect((await readdir(join(recordDir, 'anthropic'))).filter((f) => !f.startsWith('.'))).toHaveLength(1);

  const replay = run(['--provider', 'anthropic', '--fixtures', recordDir, '--on-miss', 'error']);
  await waitFor(replay.output, 'health');
  expect(replay.output()).toContain('1 recorded exchanges');
  const again = new Anthropic({ apiKey: KEY, baseURL: baseOf(replay.output()), maxRetries: 0 });
  expect(await again.messages.create(ask('completed before the kill'))).toEqual(done);
  await expect(again.messages.create(ask('cut by the kill'))).rejects.toBeInstanceOf(Anthropic.NotFoundError);
});

it('a fixture file that does not parse, or whose answer the document rejects, stops serve with file, fixture and reason', async () => {
  const bad = join(dir, 'bad');
  await mkdir(bad, { recursive: true });
  await writeFile(join(bad, 'broken.json'), '{ "fixtures": [ ');
  const first = run(['--fixtures', bad]);
  expect(await first.exited).toBe(1);
  expect(first.output()).toMatch(/fixture file broken\.json: does not parse/);
  await rm(join(bad, 'broken.json'));
  await writeFile(join(bad, 'teapot.yaml'), 'fixtures:\n  - match: { lastUserMessage: tea }\n    answer: { text: ok }\n  - match: {}\n    answer: { error: { status: 418 } }\n');
  const second = run(['--fixtures', bad]);
  expect(await second.exited).toBe(1);
  expect(second.output()).toMatch(/fixture file teapot\.yaml, fixture 1: answer\.error\.status 418 is not documented by \w+/);
});

it('a hand-written YAML fixture answers through the CLI server', async () => {
  const good = join(dir, 'good');
  await mkdir(good, { recursive: true });
  await writeFile(join(good, 'tickets.yaml'), 'fixtures:\n  - match: { lastUserMessage: { regex: "classify", flags: i } }\n    answer: { text: shipping }\n');
  const server = run(['--fixtures', good, '--on-miss', 'error']);
  await waitFor(server.output, 'health');
  const client = new Anthropic({ apiKey: KEY, baseURL: `${baseOf(server.output())}/bytespike`, maxRetries: 0 });
  const message = await client.messages.create(ask('Classify this ticket'));
  expect(message.content).toEqual([{ type: 'text', text: 'shipping' }]);
});

it('refuses fixture flags that cannot work, with the reason', async () => {
  for (const [args, reason] of [
    [['--fixtures', dir, '--on-miss', 'sometimes'], /--on-miss must be synthesize, error or record/],
    [['--on-miss', 'error'], /need --fixtures DIR/],
    [['--fixtures', dir, '--on-miss', 'record'], /--on-miss record needs --upstream/],
    [['--fixtures', dir, '--upstream', 'nowhere=http://x'], /no provider 'nowhere' is served/],
    [['--fixtures', dir, '--replay-speed', 'fast'], /--replay-speed must be a number/],
  ] as const) {
    const child = run([...args]);
    expect(await child.exited).toBe(2);
    expect(child.output()).toMatch(reason);
  }
});
