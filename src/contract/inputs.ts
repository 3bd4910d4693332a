/** What the suite sends: the prompts, the tool it forces, the stop sequence, and the token budgets. */
import type { ToolSpec } from './protocol.js';

/** Output budgets: as small as each behaviour allows, so a live run costs next to nothing. */
export const BUDGET = { plain: 16, stopSequence: 16, maxTokens: 1, tool: 64 } as const;

export const STOP_SEQUENCE = '5';

export const PROMPTS = {
  plain: 'Say hello in one word.',
  stopSequence: 'Count from 1 to 9, digits separated by spaces, nothing else.',
  maxTokens: 'Write a long story about the sea.',
  tool: 'What is the weather in Paris? Use the tool.',
} as const;

export const TOOL: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  schema: {
    type: 'object',
    properties: { city: { type: 'string', description: 'City name.' } },
    required: ['city'],
  },
};
