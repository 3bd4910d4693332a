/** A varied, deterministic corpus of valid Messages requests, within a provider's documented limits. */
import { createRng } from '../../src/core/hash.js';
import { sampleTools } from './corpus-tools.js';

const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const prompts = ['Hello', 'Summarise the plot of Hamlet', 'What is 15 * 23?', 'Classify this ticket: my order is late', 'Translate "good morning" to French'];

const tools = sampleTools.map(({ name, description, schema }) => ({ name, description, input_schema: schema }));

export function anthropicCorpus(model: string, maxTokensCap: number, size = 40): Record<string, unknown>[] {
  const rng = createRng(20261122);
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < size; i++) {
    const prompt = rng.pick(prompts);
    const body: Record<string, unknown> = { model, max_tokens: Math.min(rng.pick([1, 5, 40, 256, 1024, 4096]), maxTokensCap) };
    const content =
      i % 5 === 1
        ? [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1PX } },
            { type: 'text', text: prompt },
          ]
        : i % 7 === 2
          ? [
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'A short policy text.' }, title: 'Policy' },
              { type: 'text', text: prompt },
            ]
          : prompt;
    body.messages = i % 6 === 3 ? [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello! How can I help?' }, { role: 'user', content }] : [{ role: 'user', content }];
    if (i % 3 === 0) body.system = i % 2 ? 'You are terse.' : [{ type: 'text', text: 'You are a helpful assistant.', cache_control: { type: 'ephemeral' } }];
    if (i % 4 === 1) {
      body.tools = tools.slice(0, rng.int(1, 3));
      body.tool_choice = rng.pick([{ type: 'auto' }, { type: 'any' }, { type: 'none' }, { type: 'tool', name: 'get_weather' }]);
    }
    if (i % 8 === 5) body.stop_sequences = ['END', '\n\n'];
    if (i % 9 === 4 && maxTokensCap > 2048) {
      body.max_tokens = 2048;
      body.thinking = { type: 'enabled', budget_tokens: 1024 };
      // The API refuses thinking with a forced tool choice, so a thinking request lets the model choose.
      if (body.tool_choice) body.tool_choice = { type: 'auto' };
    }
    if (i % 5 === 0) body.temperature = 0.5;
    if (i % 10 === 7) body.metadata = { user_id: 'user-123' };
    out.push(body);
  }
  return out;
}
