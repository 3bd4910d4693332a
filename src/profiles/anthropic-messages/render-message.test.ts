import { describe, expect, it } from 'vitest';
import { deltaEvent } from './render-message.js';

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
