import { describe, expect, it } from 'vitest';
import { deltaEvent, messageJson, toMessage } from './render-message.js';
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

describe('messageJson', () => {
  const base: MessagePlan = {
    id: 'msg_01AbC',
    model: 'claude-haiku-4-5-20251001',
    blocks: [{ type: 'text', text: 'Hello "there" \\ \n 🙂', tokens: 7 }],
    stopReason: 'end_turn',
    stopSequence: null,
    inputTokens: 11,
    outputTokens: 7,
  };
  const plans: MessagePlan[] = [
    base,
    { ...base, stopReason: 'stop_sequence', stopSequence: '###', cache: { read: 4096, created5m: 12, created1h: 5000 } },
    {
      ...base,
      stopReason: 'tool_use',
      blocks: [
        { type: 'thinking', text: 'Let me think.', tokens: 4, signature: 'sig==' },
        { type: 'text', text: '', tokens: 0 },
        { type: 'tool_use', id: 'toolu_01X', name: 'get_weather', input: { city: 'Paris', days: [1, 2] }, json: '{"city":"Paris","days":[1,2]}', tokens: 9 },
      ],
    },
    { ...base, blocks: [] },
  ];

  it('writes exactly what JSON.stringify writes for the Message, for text, thinking, tools and caching', () => {
    for (const plan of plans) expect(messageJson(plan)).toBe(JSON.stringify(toMessage(plan)));
  });
});
