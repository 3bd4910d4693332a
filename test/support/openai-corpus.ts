/** A varied, deterministic corpus of valid chat completion requests, within AIgateway's documented limits. */
import { createRng } from '../../src/core/hash.js';
import { sampleTools } from './corpus-tools.js';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const prompts = [
  'Hello',
  'Summarise the plot of Hamlet',
  'What is the weather in Tokyo?',
  'Evaluate the arithmetic expression 15 * 23',
  'Open a support ticket: my order is late',
  'Translate "good morning" to French',
];

export const corpusTools = [
  // calculator is the strict one, so strict function definitions are covered.
  ...sampleTools.map(({ name, description, schema }) => ({
    type: 'function',
    function: { name, description, parameters: schema, ...(name === 'calculator' ? { strict: true } : {}) },
  })),
  { type: 'function', function: { name: 'ping', description: 'Check that the service is up' } },
];

const ticketSchema = {
  type: 'object',
  properties: {
    label: { type: 'string', enum: ['billing', 'technical', 'account'] },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
    summary: { type: 'string', maxLength: 40 },
    steps: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, minItems: 2 },
  },
  required: ['label', 'confidence', 'steps'],
  additionalProperties: false,
};

const toolChoices: unknown[] = [undefined, 'auto', 'required', 'none', { type: 'function', function: { name: 'get_weather' } }];

/** Conversation shapes: plain, system and developer prompts, images (https and data:), history, a tool round. */
function messagesFor(i: number, prompt: string): Record<string, unknown>[] {
  switch (i % 6) {
    case 1:
      return [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: prompt }];
    case 2:
      return [
        { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: [{ type: 'text', text: prompt }, { type: 'image_url', image_url: { url: 'https://example.com/tower.jpg', detail: 'low' } }] },
      ];
    case 3:
      return [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello! How can I help?' }, { role: 'user', content: prompt, name: 'ada' }];
    case 4:
      return [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } }, { type: 'text', text: prompt }] }];
    case 5:
      return [
        { role: 'user', content: prompt },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: `call_w${i}`, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
            { id: `call_c${i}`, type: 'function', function: { name: 'calculator', arguments: '{"expression":"15 * 23"}' } },
          ],
        },
        { role: 'tool', tool_call_id: `call_w${i}`, content: '{"condition":"clear","temperature_c":21}' },
        { role: 'tool', tool_call_id: `call_c${i}`, content: [{ type: 'text', text: '345' }] },
      ];
    default:
      return [{ role: 'user', content: prompt }];
  }
}

export function openaiCorpus(model: string, size = 48): Record<string, unknown>[] {
  const rng = createRng(20261122);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < size; i++) {
    const prompt = rng.pick(prompts);
    const body: Record<string, unknown> = { model, messages: messagesFor(i, prompt) };
    const withTools = i % 4 === 1 || i % 6 === 5;
    // Tool calls need room; a few tool requests get a tiny limit so calls that do not fit are covered.
    const limit = withTools && i % 12 !== 1 ? rng.pick([40, 256, 1024, undefined]) : rng.pick([1, 5, 40, 256, 1024, 8192, undefined]);
    if (limit !== undefined) body[i % 2 ? 'max_tokens' : 'max_completion_tokens'] = limit;
    if (withTools) {
      body.tools = corpusTools.slice(0, rng.int(1, corpusTools.length));
      const choice = toolChoices[i % toolChoices.length];
      if (choice !== undefined) body.tool_choice = choice;
      if (i % 3 === 0) body.parallel_tool_calls = false;
      else if (i % 3 === 1) body.parallel_tool_calls = true;
    }
    if (i % 7 === 3) body.response_format = { type: 'json_object' };
    if (i % 7 === 5) body.response_format = { type: 'json_schema', json_schema: { name: 'ticket_label', strict: true, schema: ticketSchema } };
    if (i % 7 === 6) body.response_format = { type: 'text' };
    if (i % 8 === 2) body.stop = 'END';
    if (i % 8 === 6) body.stop = ['\n\n', '###'];
    if (i % 5 === 0) Object.assign(body, { temperature: 0.7, top_p: 0.95 });
    if (i % 9 === 4) Object.assign(body, { seed: 7, user: 'user-4821', metadata: { team: 'qa' }, n: 1, logprobs: false, store: false });
    out.push(body);
  }
  return out;
}
