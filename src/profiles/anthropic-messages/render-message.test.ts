import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/hash.js';
import { dataOf } from '../../sse/frame.js';
import { deltaEvent, messageJson, toMessage, toStreamEvents } from './render-message.js';
import type { MessagePlan } from './plan-message.js';

describe('deltaEvent', () => {
  it('writes the same text JSON.stringify writes for the delta object, whatever the value holds', () => {
    const values = ['', ' plain words', 'quote " backslash \\ newline \n tab \t', 'control \u0001 and \u2028 and emoji 🙂', '{"partial": [1, 2'];
    const cases = [
      ['text_delta', 'text'],
      ['thinking_delta', 'thinking'],
      ['input_json_delta', 'partial_json'],
    ] as const;
    for (const value of values) {
      for (const [kind, field] of cases) {
        const event = deltaEvent(3, kind, value, 2);
        expect(event.event).toBe('content_block_delta');
        expect(event.tokens).toBe(2);
        expect(event.data).toBe(JSON.stringify({ type: 'content_block_delta', index: 3, delta: { type: kind, [field]: value } }));
      }
    }
  });
});

const base: MessagePlan = {
  id: 'msg_01AbC',
  model: 'claude-haiku-4-5-20251001',
  blocks: [{ type: 'text', text: 'Hello "there" \\ \n 🙂 and more words to split', tokens: 12 }],
  stopReason: 'end_turn',
  stopSequence: null,
  inputTokens: 11,
  outputTokens: 12,
};
/** Plans with text, thinking, tools, an empty block, no block and caching: every shape a render takes. */
const plans: MessagePlan[] = [
  base,
  { ...base, stopReason: 'stop_sequence', stopSequence: '"###"', cache: { read: 4096, created5m: 12, created1h: 5000 } },
  {
    ...base,
    stopReason: 'tool_use',
    blocks: [
      { type: 'thinking', text: 'Let me think.', tokens: 4, signature: 'sig==' },
      { type: 'text', text: '', tokens: 0 },
      { type: 'text', text: 'Checking.', tokens: 2 },
      { type: 'tool_use', id: 'toolu_01X', name: 'get_weather', input: { city: 'Paris', days: [1, 2] }, json: '{"city":"Paris","days":[1,2]}', tokens: 9 },
    ],
  },
  { ...base, blocks: [] },
];

describe('messageJson', () => {
  it('writes exactly what JSON.stringify writes for the Message, for text, thinking, tools and caching', () => {
    for (const plan of plans) expect(messageJson(plan)).toBe(JSON.stringify(toMessage(plan)));
  });
});

describe('toStreamEvents', () => {
  /** The events as the Messages API defines them, as objects: what each event's text must be the JSON of. */
  function expectedObjects(plan: MessagePlan, deltas: unknown[]): unknown[] {
    const message = toMessage(plan);
    const thinking = plan.blocks.reduce((n, b) => n + (b.type === 'thinking' ? b.tokens : 0), 0);
    const cache = plan.cache ?? { read: 0, created5m: 0, created1h: 0 };
    const out: unknown[] = [
      {
        type: 'message_start',
        message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...message.usage, output_tokens: 1, output_tokens_details: { thinking_tokens: 0 } } },
      },
    ];
    let at = 0;
    plan.blocks.forEach((block, index) => {
      const start =
        block.type === 'text'
          ? { type: 'text', text: '' }
          : block.type === 'thinking'
            ? { type: 'thinking', thinking: '', signature: '' }
            : { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } };
      out.push({ type: 'content_block_start', index, content_block: start });
      if (index === 0) out.push({ type: 'ping' });
      // The deltas themselves are checked by deltaEvent's test; here they are taken as produced.
      while (at < deltas.length && (deltas[at] as { index: number }).index === index) out.push(deltas[at++]);
      out.push({ type: 'content_block_stop', index });
    });
    out.push({
      type: 'message_delta',
      delta: { stop_reason: plan.stopReason, stop_sequence: plan.stopSequence, stop_details: null, container: null },
      usage: {
        input_tokens: plan.inputTokens,
        cache_creation_input_tokens: cache.created5m + cache.created1h,
        cache_read_input_tokens: cache.read,
        output_tokens: plan.outputTokens,
        output_tokens_details: { thinking_tokens: thinking },
        server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
      },
    });
    out.push({ type: 'message_stop' });
    return out;
  }

  it('writes each event as exactly the JSON of its object, named by its type, for text, thinking, tools and caching', () => {
    for (const plan of plans) {
      const events = [...toStreamEvents(plan, createRng(7))];
      const texts = events.map(dataOf);
      const deltas = texts.map((t) => JSON.parse(t)).filter((d) => d.type === 'content_block_delta');
      const expected = expectedObjects(plan, deltas);
      expect(texts).toEqual(expected.map((e) => JSON.stringify(e)));
      for (const e of events) expect(e.event).toBe(JSON.parse(dataOf(e)).type);
    }
  });
});
