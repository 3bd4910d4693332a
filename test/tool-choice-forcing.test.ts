/**
 * A forced tool choice makes every answer a tool call, also after a tool result, as the real model must:
 * Anthropic `{type: "any"}` / `{type: "tool", name}` and AIgateway `"required"` / a named function. Real
 * clients drive the loops: the Vercel AI SDK's `toolChoice: 'required'` with `stopWhen: stepCountIs(3)`,
 * and @anthropic-ai/sdk 1.16's `beta.messages.toolRunner`, with its default choice and a forced one.
 */
import { describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, tool, type LanguageModel } from 'ai';
import { z } from 'zod';
import { anthropicNative, useServer } from './support/server.js';

const { base } = useServer([...anthropicNative.map((p) => p.provider), 'aigateway']);

function weatherTools(calls: string[]) {
  return {
    get_weather: tool({
      description: 'Get the current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        calls.push(city);
        return `18°C and sunny in ${city}`;
      },
    }),
    get_time: tool({
      description: 'Get the local time in a time zone',
      inputSchema: z.object({ zone: z.string() }),
      execute: async () => '12:00',
    }),
  };
}

const models: [string, () => LanguageModel][] = [
  ...anthropicNative.map(({ provider, model }) => [provider, () => createAnthropic({ baseURL: base(`${provider}/v1`), apiKey: 'sk-test' })(model)] as [string, () => LanguageModel]),
  ['aigateway', () => createOpenAI({ baseURL: base('aigateway/v1'), apiKey: 'sk-test' }).chat('anthropic/claude-haiku-4.5')],
];

describe.each(models)('AI SDK generateText against %s', (_provider, model) => {
  it("toolChoice 'required' calls a tool on each of its 3 steps", async () => {
    const calls: string[] = [];
    const result = await generateText({
      model: model(),
      maxOutputTokens: 1024,
      tools: weatherTools(calls),
      toolChoice: 'required',
      stopWhen: stepCountIs(3),
      prompt: 'What is the weather in Paris?',
    });
    expect(result.steps).toHaveLength(3);
    for (const step of result.steps) {
      expect(step.finishReason).toBe('tool-calls');
      expect(step.toolCalls.length).toBeGreaterThan(0);
    }
    expect(calls.length).toBeGreaterThanOrEqual(3);
  });

  it('a named tool choice calls that tool on every step', async () => {
    const calls: string[] = [];
    const result = await generateText({
      model: model(),
      maxOutputTokens: 1024,
      tools: weatherTools(calls),
      toolChoice: { type: 'tool', toolName: 'get_time' },
      stopWhen: stepCountIs(2),
      prompt: 'What is the weather in Paris?',
    });
    expect(result.steps).toHaveLength(2);
    for (const step of result.steps) expect(step.toolCalls.map((c) => c.toolName)).toEqual(['get_time']);
    expect(calls).toEqual([]);
  });

  it('the default choice ends the loop with text after the tool result', async () => {
    const calls: string[] = [];
    const result = await generateText({ model: model(), maxOutputTokens: 1024, tools: weatherTools(calls), stopWhen: stepCountIs(5), prompt: 'What is the weather in Paris?' });
    expect(result.steps).toHaveLength(2);
    expect(result.finishReason).toBe('stop');
    expect(result.text.length).toBeGreaterThan(0);
  });
});

describe.each(anthropicNative)('@anthropic-ai/sdk 1.16 toolRunner against $provider', ({ provider, model }) => {
  const client = () => new Anthropic({ apiKey: 'sk-test', baseURL: base(provider) });
  const weather = (calls: string[]) =>
    betaZodTool({
      name: 'get_weather',
      description: 'Get the current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      run: async ({ city }) => {
        calls.push(city);
        return `18°C and sunny in ${city}`;
      },
    });

  it('runs its default loop to a final text answer', async () => {
    const calls: string[] = [];
    const final = await client().beta.messages.toolRunner({
      model,
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weather(calls)],
    });
    expect(calls).toHaveLength(1);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.content.some((b) => b.type === 'text')).toBe(true);
  });

  it('with a forced tool, calls it on every turn until max_iterations', async () => {
    const calls: string[] = [];
    const runner = client().beta.messages.toolRunner({
      model,
      max_tokens: 1024,
      max_iterations: 3,
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weather(calls)],
    });
    const stops: string[] = [];
    for await (const message of runner) stops.push(String(message.stop_reason));
    expect(stops).toEqual(['tool_use', 'tool_use', 'tool_use']);
  });
});
