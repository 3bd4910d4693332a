/**
 * A replayed stream plays the same faults a synthesised one does: `Prefer: disconnect-after=N` breaks
 * the connection after N recorded events, `Prefer: stream-error` ends it with the provider's error event,
 * and chaos's stream faults (drawn before the fixture answers) reach replays too.
 */
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin } from '../src/standin.js';
import { fixtureSetOf } from '../src/fixtures/parse.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { startServer } from '../src/adapters/node-server.js';

const ask = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'Replay me' }] };
const recorded = [
  { type: 'message_start', message: { id: 'msg_01Rec', type: 'message', role: 'assistant', model: 'claude-haiku-4-5-20251001', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Recorded' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' words' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
  { type: 'message_stop' },
];
const set = fixtureSetOf('anthropic/replay.json', {
  format: 'standin-exchanges/1',
  provider: 'anthropic',
  exchanges: [
    {
      request: { method: 'POST', path: '/v1/messages', body: { ...ask, stream: true } },
      response: { status: 200, headers: { 'content-type': 'text/event-stream' }, frames: recorded.map((e, i) => ({ at: i, text: `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n` })) },
    },
  ],
});

const engine = async () => createStandin({ documents: await loadDocuments(['anthropic']), fixtures: set, fixtureOptions: { onMiss: 'error' } });
const post = (standin: Awaited<ReturnType<typeof engine>>, prefer?: string) =>
  standin.fetch(
    new Request('http://standin/anthropic/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-replay-faults', 'anthropic-version': '2023-06-01', ...(prefer ? { prefer } : {}) },
      body: JSON.stringify({ ...ask, stream: true }),
    }),
  );

/** The events a client got before the stream ended or broke, and whether it broke. */
async function read(response: Response): Promise<{ types: string[]; broke: boolean; text: string }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let broke = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    broke = true;
  }
  return { types: parseSseText(text).map((e) => e.event ?? ''), broke, text };
}

describe('faults on a replayed stream', () => {
  it('replays the whole recording when no fault is asked for', async () => {
    const got = await read(await post(await engine()));
    expect(got.types).toEqual(recorded.map((e) => e.type));
    expect(got.broke).toBe(false);
  });

  it('gives every replay its own bytes: a reader that overwrites what it read changes no later replay', async () => {
    const standin = await engine();
    const whole = recorded.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    for (let i = 0; i < 3; i++) {
      const reader = (await post(standin)).body!.getReader();
      const chunks: Uint8Array[] = [];
      for (let step = await reader.read(); !step.done; step = await reader.read()) chunks.push(step.value);
      expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe(whole);
      for (const chunk of chunks) chunk.fill(0x21); // what a careless reader might do to its buffers
    }
  });

  it('breaks the connection after N recorded events under Prefer: disconnect-after=N', async () => {
    const standin = await engine();
    const got = await read(await post(standin, 'disconnect-after=3'));
    expect(got.types).toEqual(recorded.slice(0, 3).map((e) => e.type));
    expect(got.broke).toBe(true);
    const [entry] = await standin.journal.list();
    expect(entry!.why.notes.join(' ')).toContain('cut after 3');
  });

  it("ends with Anthropic's error event after N recorded events under Prefer: stream-error", async () => {
    const got = await read(await post(await engine(), 'stream-error=overloaded_error, stream-error-after=2'));
    expect(got.types).toEqual(['message_start', 'content_block_start', 'error']);
    expect(got.broke).toBe(false);
    expect(JSON.parse(parseSseText(got.text).at(-1)!.data)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('plays a fault chaos drew on the replay, as the SDK sees it', async () => {
    // Rate 1: every draw is a fault. Over several draws, the stream faults show on the replay too.
    const standin = await engine();
    const server = await startServer(standin, { port: 0 });
    try {
      const outcomes = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) {
        const client = new Anthropic({ apiKey: 'sk-replay-faults', baseURL: `${server.url}/anthropic`, maxRetries: 0, defaultHeaders: { prefer: `chaos=1, chaos-seed=${seed}`, 'x-standin-session': `chaos-${seed}` } });
        const types: string[] = [];
        try {
          for await (const event of await client.messages.create({ ...ask, stream: true })) types.push(event.type);
          outcomes.add('whole');
        } catch (error) {
          outcomes.add(types.length > 0 && types.length < recorded.length ? 'cut or error mid-stream' : `failed: ${(error as Error).constructor.name}`);
        }
      }
      expect(outcomes.has('cut or error mid-stream')).toBe(true);
      expect(outcomes.has('whole')).toBe(false);
    } finally {
      await server.close();
    }
  });
});
