/**
 * Runware's task-array API (runware.yaml) against a real standin server: every delivery method (sync,
 * async with polling, webhook, stream), per-task validation, mixed batches, keys in the header or the
 * body, forced errors; and an in-process conformance run where every answer validates against the document.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startServer } from '../src/adapters/node-server.js';
import { loadDocuments } from '../src/node/load-documents.js';
import { createStandin, type Engine } from '../src/standin.js';
import { responseValidator, streamEventValidator } from '../src/core/schema-pointers.js';
import { describeErrors, validatorAt } from '../src/core/validator.js';
import { createRng } from '../src/core/hash.js';
import { parseSseText } from '../src/contract/parse-sse.js';
import { checkRunwareStream } from '../src/contract/runware-stream.js';
import { webhookDeliveries, WEBHOOK_ATTEMPTS } from '../src/profiles/runware-tasks/webhook.js';
import { useServer } from './support/server.js';
import { errorStatuses } from './support/documents.js';

type Obj = Record<string, any>;

const MODEL = 'anthropic:claude@haiku-4.5';

const server = useServer(['runware']);

function textTask(fields: Obj = {}): Obj {
  return { taskType: 'textInference', taskUUID: randomUUID(), model: MODEL, messages: [{ role: 'user', content: 'Name three rivers in Japan.' }], ...fields };
}

interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function send(body: unknown, options: { key?: string | null; headers?: Record<string, string>; base?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  const key = options.key === undefined ? 'rw-test-key' : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${options.base ?? server.url}/runware/v1`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, headers: res.headers };
}

function chunksOf(text: string): { data: unknown }[] {
  return parseSseText(text).map((e) => ({ data: e.data }));
}

/** A receiver on 127.0.0.1 that records every call and answers with `status`. */
async function receiver(status = 200): Promise<{ url: string; calls: Obj[]; close(): Promise<void> }> {
  const calls: Obj[] = [];
  const http: Server = createServer((req: IncomingMessage, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      calls.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(parts).toString('utf8')) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, calls, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  await new Promise<void>((resolve) => http.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync delivery', () => {
  it('answers a text task inline with its taskUUID, text and finishReason', async () => {
    const task = textTask({ settings: { systemPrompt: 'Answer briefly.', maxTokens: 256 } });
    const r = await send([task]);
    expect(r.status, r.text).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data).toHaveLength(1);
    const item = r.body.data[0];
    expect(item).toMatchObject({ taskType: 'textInference', taskUUID: task.taskUUID, status: 'success', finishReason: 'stop' });
    expect(item.text.length).toBeGreaterThan(10);
    expect(item).not.toHaveProperty('usage');
    expect(item).not.toHaveProperty('cost');
    expect(item).not.toHaveProperty('resultIndex');
    expect(item).not.toHaveProperty('reasoningContent');
  });

  it('adds usage and cost only when asked, priced at $1 / $5 per million tokens', async () => {
    const task = textTask();
    const plain = (await send([task])).body.data[0];
    const withUsage = (await send([{ ...task, includeUsage: true }])).body.data[0];
    const withCost = (await send([{ ...task, includeCost: true }])).body.data[0];
    expect(withUsage).not.toHaveProperty('cost');
    expect(withCost).not.toHaveProperty('usage');
    const { promptTokens, completionTokens, totalTokens } = withUsage.usage;
    expect(promptTokens).toBeGreaterThan(0);
    expect(completionTokens).toBeGreaterThan(0);
    expect(totalTokens).toBe(promptTokens + completionTokens);
    expect(withCost.cost).toBeCloseTo(promptTokens / 1e6 + (completionTokens * 5) / 1e6, 12);
    expect(withUsage.text).toBe(plain.text);
    expect(withCost.text).toBe(plain.text);
  });

  it('answers the same task with the same text, and another taskUUID with another', async () => {
    const task = textTask();
    const a = (await send([task])).body.data[0];
    const b = (await send([task])).body.data[0];
    expect(a).toEqual(b);
    const others = await Promise.all([1, 2, 3].map(() => send([{ ...task, taskUUID: randomUUID() }])));
    expect(others.some((o) => o.body.data[0].text !== a.text)).toBe(true);
  });

  it('gives numberResults: 3 three different texts under one taskUUID, with resultIndex and seeds', async () => {
    const task = textTask({ numberResults: 3, seed: 12345 });
    const r = await send([task]);
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.map((d: Obj) => d.taskUUID)).toEqual([task.taskUUID, task.taskUUID, task.taskUUID]);
    expect(r.body.data.map((d: Obj) => d.resultIndex)).toEqual([0, 1, 2]);
    expect(r.body.data.map((d: Obj) => d.seed)).toEqual([12345, 12346, 12347]);
    expect(new Set(r.body.data.map((d: Obj) => d.text)).size).toBe(3);
  });

  it('cuts at maxTokens with finishReason length', async () => {
    const item = (await send([textTask({ includeUsage: true, settings: { maxTokens: 5 } })])).body.data[0];
    expect(item.finishReason).toBe('length');
    expect(item.usage.completionTokens).toBe(5);
  });

  it('stops before the first stop sequence with finishReason stop', async () => {
    const task = textTask({ settings: { stopSequences: ['###', 'END'] } });
    const item = (await send([task])).body.data[0];
    const full = (await send([{ ...task, settings: {} }])).body.data[0];
    expect(item.finishReason).toBe('stop');
    expect(item.text).not.toContain('###');
    expect(item.text.length).toBeGreaterThan(0);
    expect(item.text.length).toBeLessThan(full.text.length);
  });

  it('returns reasoningContent and thinking tokens when thinkingLevel is not off', async () => {
    const off = (await send([textTask({ includeUsage: true, settings: { thinkingLevel: 'off' } })])).body.data[0];
    expect(off).not.toHaveProperty('reasoningContent');
    expect(off.usage).not.toHaveProperty('thinkingTokens');
    const counts: number[] = [];
    for (const thinkingLevel of ['low', 'medium', 'high']) {
      const item = (await send([textTask({ includeUsage: true, settings: { thinkingLevel } })])).body.data[0];
      expect(item.reasoningContent).toHaveLength(1);
      expect(item.reasoningContent[0].length).toBeGreaterThan(10);
      expect(item.usage.thinkingTokens).toBeGreaterThan(0);
      expect(item.usage.completionTokensDetails).toEqual({ reasoningTokens: item.usage.thinkingTokens });
      expect(item.usage.completionTokens).toBeGreaterThan(item.usage.thinkingTokens);
      counts.push(item.usage.thinkingTokens);
    }
    expect(counts[0]).toBeLessThan(counts[2]!);
  });
});

describe('tools', () => {
  const weather = {
    type: 'function',
    name: 'get_weather',
    description: 'Current weather for a city.',
    schema: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city'] },
  };
  const calculator = { type: 'function', name: 'calculator', description: 'Evaluate arithmetic.', schema: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } };
  const prompt = [{ role: 'user', content: 'What is the weather in Lisbon?' }];

  it('forces a call whose arguments validate against the tool schema', async () => {
    const r = await send([textTask({ messages: prompt, tools: [calculator, weather], toolChoice: { type: 'tool', name: 'get_weather' } })]);
    const item = r.body.data[0];
    expect(item.finishReason).toBe('tool_calls');
    expect(item.text).toBe('');
    expect(item.toolCalls).toHaveLength(1);
    const call = item.toolCalls[0];
    expect(call.id).toMatch(/^toolu_01/);
    expect(call.name).toBe('get_weather');
    const validate = new Ajv2020({ strict: false }).compile(weather.schema);
    expect(validate(call.arguments), JSON.stringify(validate.errors)).toBe(true);
  });

  it('picks the tool matching the prompt under auto and any', async () => {
    for (const type of ['auto', 'any']) {
      const item = (await send([textTask({ messages: prompt, tools: [calculator, weather], toolChoice: { type } })])).body.data[0];
      expect(item.finishReason).toBe('tool_calls');
      expect(item.toolCalls[0].name).toBe('get_weather');
      if (type === 'auto') expect(item.text).toContain('get_weather');
    }
  });

  it('answers in text with toolChoice none, with only built-in tools, and under auto after an assistant turn', async () => {
    const none = (await send([textTask({ messages: prompt, tools: [weather], toolChoice: { type: 'none' } })])).body.data[0];
    const builtIn = (await send([textTask({ messages: prompt, tools: [{ type: 'search' }, { type: 'codeInterpreter' }] })])).body.data[0];
    const followUp = (
      await send([
        textTask({
          messages: [...prompt, { role: 'assistant', content: 'I will look it up.' }, { role: 'user', content: 'The tool says 21 degrees and sunny.' }],
          tools: [weather],
        }),
      ])
    ).body.data[0];
    for (const item of [none, builtIn, followUp]) {
      expect(item.finishReason).toBe('stop');
      expect(item).not.toHaveProperty('toolCalls');
      expect(item.text.length).toBeGreaterThan(10);
    }
  });

  it("continues a tool-calling loop: the calls repeated in the assistant turn's tools, each result in a tool turn, answered in text, streamed too", async () => {
    const first = (await send([textTask({ messages: prompt, tools: [weather], includeUsage: true })])).body.data[0];
    expect(first.finishReason).toBe('tool_calls');
    const call = first.toolCalls[0];
    expect(call.id).toMatch(/^toolu_01[1-9A-HJ-NP-Za-km-z]{22}$/);
    // The prompt's city, not a fixed sample.
    expect(call.arguments.city).toBe('Lisbon');
    const messages = [
      ...prompt,
      { role: 'assistant', content: first.text, tools: [{ id: call.id, name: call.name, input: call.arguments }] },
      { role: 'tool', id: call.id, content: '21°C and sunny' },
    ];
    const task = textTask({ messages, tools: [weather], includeUsage: true });
    const second = await send([task]);
    expect(second.status, second.text).toBe(200);
    const item = second.body.data[0];
    expect(item.finishReason).toBe('stop');
    expect(item).not.toHaveProperty('toolCalls');
    expect(item.text).toContain('21°C and sunny');
    // The repeated call and its result are input now.
    expect(item.usage.promptTokens).toBeGreaterThan(first.usage.promptTokens);

    const streamed = await send([{ ...task, deliveryMethod: 'stream' }]);
    expect(streamed.status).toBe(200);
    const report = checkRunwareStream(parseSseText(streamed.text));
    expect(report.violations).toEqual([]);
    expect(report.result?.text).toBe(item.text);

    // A forced tool still calls after the result (toolChoice applies on every turn).
    const forced = (await send([textTask({ messages, tools: [weather], toolChoice: { type: 'tool', name: 'get_weather' } })])).body.data[0];
    expect(forced.finishReason).toBe('tool_calls');
  });

  it('refuses a tool turn that answers no call, a call left unanswered, and turns missing their fields, naming the field', async () => {
    const calling = { role: 'assistant', tools: [{ id: 'toolu_01A', name: 'get_weather', input: { city: 'Lisbon' } }] };
    const cases: [string, Obj[], string][] = [
      ['a result for no call', [...prompt, { role: 'tool', id: 'toolu_01X', content: 'x' }], 'messages.1.id'],
      ['a result with the wrong id', [...prompt, calling, { role: 'tool', id: 'toolu_01B', content: 'x' }], 'messages.2.id'],
      ['a call left unanswered', [...prompt, calling, { role: 'user', content: 'and?' }], 'messages.1.tools'],
      ['a tool turn without its id', [...prompt, calling, { role: 'tool', content: 'x' }], 'messages.2.id'],
      ['a tool turn without content', [...prompt, calling, { role: 'tool', id: 'toolu_01A' }], 'messages.2.content'],
      ['an assistant turn with neither content nor tools', [...prompt, { role: 'assistant' }, { role: 'user', content: 'hi' }], 'messages.1'],
    ];
    for (const [label, messages, parameter] of cases) {
      const r = await send([textTask({ messages, tools: [weather] })]);
      expect(r.status, label).toBe(400);
      expect(r.body.errors[0], `${label}: ${r.text}`).toMatchObject({ code: 'invalidParameter' });
      expect(String(r.body.errors[0].parameter), `${label}: ${r.text}`).toContain(parameter);
    }
  });
});

describe('async delivery and polling', () => {
  it('acknowledges, answers the first poll with processing and later ones with the result', async () => {
    const task = textTask({ deliveryMethod: 'async', includeUsage: true, settings: { thinkingLevel: 'low' } });
    const ack = await send([task]);
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body).toEqual({ data: [{ taskType: 'textInference', taskUUID: task.taskUUID, status: 'processing' }] });

    const poll = [{ taskType: 'getResponse', taskUUID: task.taskUUID }];
    const first = await send(poll);
    expect(first.body).toEqual({ data: [{ taskType: 'textInference', taskUUID: task.taskUUID, status: 'processing' }] });
    const second = await send(poll);
    expect(second.status).toBe(200);
    const { deliveryMethod: _d, ...syncTask } = task;
    const inline = (await send([syncTask])).body.data;
    expect(second.body.data).toEqual(inline);
    expect(second.body.data[0].status).toBe('success');
    expect((await send(poll)).body.data).toEqual(inline);
  });

  it('lets a sync task be polled at once', async () => {
    const task = textTask();
    const inline = (await send([task])).body.data;
    expect((await send([{ taskType: 'getResponse', taskUUID: task.taskUUID }])).body.data).toEqual(inline);
  });

  it('answers an unknown taskUUID with taskFailedOrNotFound', async () => {
    const taskUUID = randomUUID();
    const r = await send([{ taskType: 'getResponse', taskUUID }]);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      data: [],
      errors: [{ code: 'taskFailedOrNotFound', message: expect.stringContaining(taskUUID), parameter: 'taskUUID', taskUUID, taskType: 'getResponse' }],
    });
  });
});

describe('webhooks', () => {
  it('POSTs each result once to the webhook and acknowledges at once', async () => {
    const hook = await receiver();
    try {
      const task = textTask({ webhookURL: hook.url, numberResults: 2, includeCost: true });
      const r = await send([task]);
      expect(r.status, r.text).toBe(200);
      expect(r.body).toEqual({ data: [{ taskType: 'textInference', taskUUID: task.taskUUID, status: 'processing' }] });
      await vi.waitFor(() => expect(hook.calls).toHaveLength(2), { timeout: 5000 });
      await sleep(300); // no late duplicates
      expect(hook.calls).toHaveLength(2);
      for (const [i, call] of hook.calls.entries()) {
        expect(call.method).toBe('POST');
        expect(call.contentType).toMatch(/^application\/json/);
        expect(call.body.data).toHaveLength(1);
        expect(call.body.data[0]).toMatchObject({ taskType: 'textInference', taskUUID: task.taskUUID, status: 'success', resultIndex: i });
        expect(call.body.data[0].cost).toBeGreaterThan(0);
      }
      // A webhook makes the task asynchronous; once delivered it can still be polled.
      const poll = [{ taskType: 'getResponse', taskUUID: task.taskUUID }];
      expect((await send(poll)).body.data[0].status).toBe('processing');
      expect((await send(poll)).body.data).toEqual(hook.calls.map((c) => c.body.data[0]));
    } finally {
      await hook.close();
    }
  });

  it('retries a failing webhook a bounded number of times, and keeps serving', async () => {
    const hook = await receiver(500);
    try {
      const task = textTask({ webhookURL: hook.url });
      expect((await send([task])).status).toBe(200);
      await vi.waitFor(() => expect(hook.calls).toHaveLength(WEBHOOK_ATTEMPTS), { timeout: 5000 });
      await sleep(800); // longer than the whole backoff: no further attempts
      expect(hook.calls).toHaveLength(WEBHOOK_ATTEMPTS);
      expect(hook.calls.every((c) => c.body.data[0].taskUUID === task.taskUUID)).toBe(true);
      expect((await send([textTask()])).status).toBe(200);
    } finally {
      await hook.close();
    }
  });

  it("POSTs a failed task's error once to its webhook, as the API answer reports it", async () => {
    const hook = await receiver();
    try {
      const good = textTask();
      const bad = textTask({ webhookURL: hook.url, settings: { maxTokens: 0 } });
      const r = await send([good, bad]);
      expect(r.status, r.text).toBe(200);
      expect(r.body.data.map((d: Obj) => d.taskUUID)).toEqual([good.taskUUID]);
      expect(r.body.errors).toEqual([expect.objectContaining({ code: 'invalidParameter', parameter: 'settings.maxTokens', taskUUID: bad.taskUUID })]);
      await vi.waitFor(() => expect(hook.calls).toHaveLength(1), { timeout: 5000 });
      await sleep(300); // no late duplicates
      expect(hook.calls).toHaveLength(1);
      expect(hook.calls[0]).toMatchObject({ method: 'POST', contentType: expect.stringMatching(/^application\/json/) });
      expect(hook.calls[0]!.body).toEqual({ errors: r.body.errors, data: [] });

      // A request in which every task fails does the same, beside its error status.
      const unknown = textTask({ webhookURL: hook.url, model: 'anthropic:claude@haiku-9' });
      const failed = await send([unknown]);
      expect(failed.status).toBe(400);
      await vi.waitFor(() => expect(hook.calls).toHaveLength(2), { timeout: 5000 });
      expect(hook.calls[1]!.body).toEqual({ errors: [expect.objectContaining({ code: 'unknownModel', taskUUID: unknown.taskUUID })], data: [] });
      expect(hook.calls[1]!.body.errors).toEqual(failed.body.errors);
    } finally {
      await hook.close();
    }
  });

  it('calls no webhook when the webhookURL is itself at fault, or the whole request is refused', async () => {
    const hook = await receiver();
    try {
      const streamed = await send([textTask({ deliveryMethod: 'stream', webhookURL: hook.url })]);
      expect(streamed.body.errors[0]).toMatchObject({ parameter: 'webhookURL' });
      const task = textTask({ webhookURL: hook.url });
      const repeated = await send([task, { ...task }]);
      expect(repeated.status).toBe(400);
      await sleep(300);
      expect(hook.calls).toEqual([]);
    } finally {
      await hook.close();
    }
  });

  it('records a refused webhook as failed after the retries, without crashing the server', async () => {
    const engine = createStandin({ documents: await loadDocuments(['runware']) });
    const local = await startServer(engine, { port: 0 });
    try {
      const port = await closedPort();
      const task = textTask({ deliveryMethod: 'async', webhookURL: `http://127.0.0.1:${port}/hook` });
      expect((await send([task], { base: local.url })).status).toBe(200);
      expect((await send([textTask()], { base: local.url })).status).toBe(200);
      const state = { store: engine.store, session: 'default', provider: 'runware' };
      await vi.waitFor(async () => expect((await webhookDeliveries(state, task.taskUUID))[0]?.outcome).toBe('failed'), { timeout: 5000 });
      expect(await webhookDeliveries(state, task.taskUUID)).toEqual([
        { taskUUID: task.taskUUID, url: task.webhookURL, resultIndex: 0, attempts: WEBHOOK_ATTEMPTS, outcome: 'failed', lastError: 'ECONNREFUSED' },
      ]);
      const poll = [{ taskType: 'getResponse', taskUUID: task.taskUUID }];
      await send(poll, { base: local.url });
      expect((await send(poll, { base: local.url })).body.data[0].status).toBe('success');
      expect((await fetch(`${local.url}/health`)).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});

describe('streaming', () => {
  it('streams deltas and a final chunk that add up to the sync answer', async () => {
    const task = textTask({ includeUsage: true, includeCost: true, settings: { maxTokens: 200 } });
    const inline = (await send([task])).body.data[0];
    const r = await send([{ ...task, deliveryMethod: 'stream' }]);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const chunks = chunksOf(r.text);
    expect(chunks.length).toBeGreaterThan(3);
    const report = checkRunwareStream(chunks);
    expect(report.violations).toEqual([]);
    expect(report.result!.text).toBe(inline.text);
    expect(report.result!.finishReason).toBe(inline.finishReason);
    expect(report.result!.usage).toEqual(inline.usage);
    expect(report.result!.cost).toBe(inline.cost);
    const final = JSON.parse(chunks.at(-2)!.data as string);
    expect(final).toMatchObject({ taskUUID: task.taskUUID, taskType: 'textInference', text: inline.text });
  });

  it('streams reasoning, stop sequences and tool calls as the sync answer has them', async () => {
    const weather = { type: 'function', name: 'get_weather', description: 'Weather.', schema: { type: 'object', properties: { city: { type: 'string' } } } };
    const tasks = [
      textTask({ settings: { thinkingLevel: 'medium', stopSequences: ['###'] } }),
      textTask({ tools: [weather], toolChoice: { type: 'tool', name: 'get_weather' } }),
      textTask({ numberResults: 2, settings: { maxTokens: 8 } }),
    ];
    for (const task of tasks) {
      const inline = (await send([task])).body.data as Obj[];
      const report = checkRunwareStream(chunksOf((await send([{ ...task, deliveryMethod: 'stream' }])).text));
      expect(report.violations).toEqual([]);
      expect(report.results).toHaveLength(inline.length);
      for (const [i, item] of inline.entries()) {
        const streamed = report.results[i]!;
        expect(streamed.text).toBe(item.text);
        expect(streamed.finishReason).toBe(item.finishReason);
        expect(streamed.reasoningContent).toBe(item.reasoningContent?.[0] ?? '');
        expect(streamed.toolCalls).toEqual(item.toolCalls);
      }
    }
  });

  it('ends with an errors line and no [DONE] on Prefer: stream-error', async () => {
    const r = await send([textTask({ deliveryMethod: 'stream' })], { headers: { prefer: 'stream-error=serverError, stream-error-after=2' } });
    expect(r.status).toBe(200);
    const chunks = chunksOf(r.text);
    expect(chunks).toHaveLength(3);
    const report = checkRunwareStream(chunks);
    expect(report.violations).toEqual([]);
    expect(report.error).toEqual([{ code: 'serverError', message: expect.any(String) }]);
  });

  it('refuses a stream beside another task, and a stream with a webhook', async () => {
    const both = await send([textTask({ deliveryMethod: 'stream' }), textTask()]);
    expect(both.status).toBe(400);
    expect(both.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'deliveryMethod' });
    const hooked = await send([textTask({ deliveryMethod: 'stream', webhookURL: 'https://hooks.example.org/x' })]);
    expect(hooked.status).toBe(400);
    expect(hooked.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'webhookURL' });
  });
});

describe('validation, one task at a time', () => {
  const cases: [string, Obj, string, string?][] = [
    ['maxTokens 0', { settings: { maxTokens: 0 } }, 'settings.maxTokens'],
    ['a bad taskUUID', { taskUUID: 'not-a-uuid' }, 'taskUUID'],
    ['numberResults 5', { numberResults: 5 }, 'numberResults'],
    ['six stopSequences', { settings: { stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'] } }, 'settings.stopSequences'],
    ['temperature with topP', { settings: { temperature: 0.5, topP: 0.9 } }, 'settings.topP'],
    ['an unknown thinkingLevel', { settings: { thinkingLevel: 'extreme' } }, 'settings.thinkingLevel'],
    ['an assistant turn last', { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] }, 'messages'],
    ['empty content', { messages: [{ role: 'user', content: '' }] }, 'messages.0.content'],
    ['a missing model', { model: undefined }, 'model'],
    ['an unknown model', { model: 'anthropic:claude@haiku-9' }, 'model', 'unknownModel'],
    ['a toolChoice naming no tool', { tools: [{ type: 'function', name: 'a', description: 'A.', schema: { properties: { x: { type: 'string' } } } }], toolChoice: { type: 'tool', name: 'b' } }, 'toolChoice.name'],
    ['a tool schema without properties', { tools: [{ type: 'function', name: 'a', description: 'A.', schema: { type: 'object' } }] }, 'tools.0.schema.properties'],
  ];
  it.each(cases)('names the parameter for %s', async (_label, fields, parameter, code = 'invalidParameter') => {
    const task = textTask(fields);
    const r = await send([task]);
    expect(r.status, r.text).toBe(400);
    expect(r.body.data).toEqual([]);
    expect(r.body.errors).toHaveLength(1);
    const error = r.body.errors[0];
    expect(error).toMatchObject({ code, parameter, taskType: 'textInference' });
    expect(error.message).toContain(parameter);
    if (parameter === 'taskUUID') expect(error).not.toHaveProperty('taskUUID');
    else expect(error.taskUUID).toBe(task.taskUUID);
  });

  it('answers a mixed batch with 200, the good task in data and the bad one in errors', async () => {
    const good = textTask();
    const bad = textTask({ settings: { maxTokens: 0 } });
    const r = await send([good, bad]);
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toHaveLength(1);
    expect(r.body.data[0].taskUUID).toBe(good.taskUUID);
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'settings.maxTokens', taskUUID: bad.taskUUID });
  });

  it('takes the status of the first error when every task fails', async () => {
    const r = await send([textTask({ model: 'nope' }), { taskType: 'getResponse', taskUUID: randomUUID() }]);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: Obj) => e.code)).toEqual(['unknownModel', 'taskFailedOrNotFound']);
  });

  it('refuses unknown task types, authentication tasks after the first, and repeated taskUUIDs', async () => {
    const inherited = await send([{ taskType: 'toString', taskUUID: randomUUID() }]);
    expect(inherited.status).toBe(400);
    expect(inherited.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'taskType' });
    const unknown = await send([{ taskType: 'imageInference', taskUUID: randomUUID() }, textTask()]);
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'taskType', taskType: 'imageInference' });
    const lateAuth = await send([textTask(), { taskType: 'authentication', apiKey: 'rw-x' }]);
    expect(lateAuth.status).toBe(200);
    expect(lateAuth.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'taskType', taskType: 'authentication' });
    const task = textTask();
    const repeated = await send([task, { ...task }]);
    expect(repeated.status).toBe(400);
    expect(repeated.body.errors[0]).toMatchObject({ code: 'invalidParameter', parameter: 'taskUUID', taskUUID: task.taskUUID });
  });

  it('refuses bodies that are not a task array with the Runware envelope', async () => {
    for (const body of ['{"taskType": ', { taskType: 'textInference' }, [], [{ taskType: 'authentication', apiKey: 'rw-x' }]]) {
      const r = await send(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toEqual({ errors: [{ code: 'invalidParameter', message: expect.any(String), ...(r.body.errors[0].parameter && { parameter: expect.any(String) }) }], data: [] });
    }
  });
});

describe('keys', () => {
  it('answers a missing key with missingApiKey and a revoked one with invalidApiKey', async () => {
    const missing = await send([textTask()], { key: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ errors: [{ code: 'missingApiKey', message: expect.any(String), parameter: 'apiKey', type: 'string' }], data: [] });
    const wrong = await send([textTask()], { key: 'invalid-key-123' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors[0].code).toBe('invalidApiKey');
    expect(wrong.body.data).toEqual([]);
  });

  it('takes the key from a leading authentication task, and lets the header win over it', async () => {
    const inBody = await send([{ taskType: 'authentication', apiKey: 'rw-body-key' }, textTask()], { key: null });
    expect(inBody.status, inBody.text).toBe(200);
    expect(inBody.body.data).toHaveLength(1);
    const revokedInBody = await send([{ taskType: 'authentication', apiKey: 'invalid-body' }, textTask()], { key: null });
    expect(revokedInBody.status).toBe(401);
    expect(revokedInBody.body.errors[0].code).toBe('invalidApiKey');
    const headerWins = await send([{ taskType: 'authentication', apiKey: 'invalid-body' }, textTask()]);
    expect(headerWins.status).toBe(200);
    const revokedHeader = await send([{ taskType: 'authentication', apiKey: 'rw-body-key' }, textTask()], { key: 'invalid-header' });
    expect(revokedHeader.status).toBe(401);
  });
});

describe('errors on demand and routes', () => {
  const expectedCode: Record<number, string> = {
    400: 'invalidParameter',
    401: 'invalidApiKey',
    402: 'paymentRequired',
    404: 'notFound',
    413: 'requestTooLarge',
    429: 'rateLimitExceeded',
    500: 'serverError',
  };

  it('answers Prefer: code=NNN with every documented status in the Runware envelope', async () => {
    const statuses = await errorStatuses('runware', '/v1');
    expect(statuses).toEqual(Object.keys(expectedCode).map(Number));
    for (const status of statuses) {
      const r = await send([textTask()], { headers: { prefer: `code=${status}` } });
      expect(r.status).toBe(status);
      expect(r.body.data).toEqual([]);
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors[0].code).toBe(expectedCode[status]);
      expect(r.body.errors[0]).not.toHaveProperty('taskUUID');
      if (status === 429) expect(r.headers.get('retry-after')).toBe('1');
    }
  });

  it('answers unknown routes and methods with notFound', async () => {
    for (const [method, path] of [
      ['POST', '/runware/v2'],
      ['GET', '/runware/v1'],
    ]) {
      const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: 'Bearer rw-test' } });
      expect(res.status).toBe(404);
      expect((await res.json()).errors[0].code).toBe('notFound');
    }
  });
});

/** A varied, deterministic corpus of valid task arrays (sync, async, polls, tools, thinking, limits). */
function corpus(size = 40): Obj[][] {
  const rng = createRng(4_2026_11);
  const prompts = ['Hello', 'Summarise the plot of Hamlet', 'What is the weather in Oslo?', 'Classify this ticket: my order is late', 'Suggest a bakery name'];
  const tools = [
    { type: 'function', name: 'get_weather', description: 'Current weather for a city.', schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    {
      type: 'function',
      name: 'create_ticket',
      description: 'Open a support ticket.',
      schema: {
        type: 'object',
        properties: { title: { type: 'string', minLength: 3 }, priority: { type: 'string', enum: ['low', 'high'] }, tags: { type: 'array', items: { type: 'string' }, minItems: 1 } },
        required: ['title', 'priority', 'tags'],
      },
    },
    { type: 'search' },
  ];
  const out: Obj[][] = [];
  for (let i = 0; i < size; i++) {
    const uuid = `${(0x10000000 + i).toString(16)}-1b2c-4d3e-8f40-${(i * 7919).toString(16).padStart(12, '0')}`;
    const task: Obj = { taskType: 'textInference', taskUUID: uuid, model: MODEL, messages: [{ role: 'user', content: rng.pick(prompts) }] };
    const settings: Obj = {};
    if (i % 2 === 0) settings.maxTokens = rng.pick([1, 6, 40, 256, 4096]);
    if (i % 3 === 0) settings.systemPrompt = 'You are terse.';
    if (i % 4 === 1) settings.thinkingLevel = rng.pick(['off', 'low', 'medium', 'high']);
    if (i % 5 === 2) settings.stopSequences = ['###', 'END'];
    if (i % 6 === 3) settings.temperature = 0.3;
    if (i % 7 === 4) settings.cache = { scope: 'system', ttl: '1h' };
    if (Object.keys(settings).length) task.settings = settings;
    if (i % 3 === 1) {
      task.tools = tools.slice(0, rng.int(1, 3));
      task.toolChoice = rng.pick([{ type: 'auto' }, { type: 'any' }, { type: 'none' }, { type: 'tool', name: 'get_weather' }]);
    }
    if (i % 4 === 2) task.numberResults = rng.int(2, 4);
    if (i % 5 === 0) task.seed = i * 11;
    if (i % 2 === 1) task.includeUsage = true;
    if (i % 3 === 2) task.includeCost = true;
    if (i % 8 === 6) task.inputs = { images: ['https://example.com/cat.png'] };
    if (i % 9 === 5) task.messages = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, ...task.messages];
    const batch: Obj[] = [task];
    if (i % 10 === 7) batch.unshift({ taskType: 'authentication', apiKey: 'rw-corpus' });
    if (i % 6 === 5) batch.push({ ...task, taskUUID: uuid.replace(/^1/, '2'), deliveryMethod: 'async' });
    out.push(batch);
  }
  return out;
}

describe('conformance (in process)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = createStandin({ documents: await loadDocuments(['runware']) });
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    engine.fetch(
      new Request('http://standin/runware/v1', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer rw-test', ...headers },
        body: JSON.stringify(body),
      }),
    );

  it('answers every corpus batch with a valid 200 body, valid polls and a valid, equivalent stream', async () => {
    const provider = engine.providers[0]!;
    const op = provider.operations.find((o) => o.operationId === 'runTasks')!;
    const validateBody = responseValidator(engine.ajv, provider, op, 200)!;
    const validateChunk = streamEventValidator(engine.ajv, provider, op)!;
    const finishReasons = new Set<string>();
    const batches = corpus();
    expect(batches.length).toBeGreaterThanOrEqual(25);
    for (const batch of batches) {
      const res = await post(batch);
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const body = JSON.parse(text);
      expect(validateBody(body), `${describeErrors(validateBody.errors).message} in ${text.slice(0, 300)}`).toBe(true);
      expect(body.errors).toBeUndefined();
      for (const item of body.data) if (item.finishReason) finishReasons.add(item.finishReason);

      const work = batch.filter((t) => t.taskType === 'textInference');
      const polls = work.map((t) => ({ taskType: 'getResponse', taskUUID: t.taskUUID }));
      for (let round = 0; round < 2; round++) {
        const polled = await post(polls);
        const pollBody = await polled.json();
        expect(validateBody(pollBody), describeErrors(validateBody.errors).message).toBe(true);
      }

      const task = work[0]!;
      const streamed = await post([{ ...task, deliveryMethod: 'stream' }]);
      const chunks = chunksOf(await streamed.text());
      for (const chunk of chunks.slice(0, -1)) {
        const data = JSON.parse(chunk.data as string);
        expect(validateChunk(data), `${describeErrors(validateChunk.errors).message}: ${chunk.data as string}`).toBe(true);
      }
      const report = checkRunwareStream(chunks);
      expect(report.violations).toEqual([]);
      const inline = body.data.filter((d: Obj) => d.taskUUID === task.taskUUID);
      expect(report.results.map((r) => r.text)).toEqual(inline.map((d: Obj) => d.text));
      expect(report.results.map((r) => r.finishReason)).toEqual(inline.map((d: Obj) => d.finishReason));
    }
    expect([...finishReasons].sort()).toEqual(['length', 'stop', 'tool_calls']);
  });

  it('answers with bodies valid against the error schema for each failure', async () => {
    const provider = engine.providers[0]!;
    const op = provider.operations.find((o) => o.operationId === 'runTasks')!;
    const mixed = await post([textTask(), textTask({ numberResults: 9 })]);
    const validate200 = responseValidator(engine.ajv, provider, op, 200)!;
    expect(validate200(await mixed.json())).toBe(true);
    const validate400 = responseValidator(engine.ajv, provider, op, 400)!;
    for (const body of [[textTask({ taskUUID: 'bad' })], [{ taskType: 'getResponse', taskUUID: randomUUID() }], { not: 'an array' }]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(validate400(await res.json()), describeErrors(validate400.errors).message).toBe(true);
    }
  });

  it("sends a failed task's webhook body valid against the documented webhook payload", async () => {
    const hook = await receiver();
    try {
      const provider = engine.providers[0]!;
      const validate = validatorAt(engine.ajv, provider.ajvKey, '/webhooks/textInferenceResult/post/requestBody/content/application~1json/schema');
      await post([textTask(), textTask({ webhookURL: hook.url, numberResults: 9 })]);
      await vi.waitFor(() => expect(hook.calls).toHaveLength(1), { timeout: 5000 });
      expect(hook.calls[0]!.body.errors[0]).toMatchObject({ parameter: 'numberResults' });
      expect(validate(hook.calls[0]!.body), describeErrors(validate.errors).message).toBe(true);
    } finally {
      await hook.close();
    }
  });

  it('sends webhook bodies valid against the documented webhook payload', async () => {
    const hook = await receiver();
    try {
      const provider = engine.providers[0]!;
      const validate = validatorAt(engine.ajv, provider.ajvKey, '/webhooks/textInferenceResult/post/requestBody/content/application~1json/schema');
      await post([textTask({ webhookURL: hook.url, numberResults: 3, includeUsage: true, settings: { thinkingLevel: 'high' } })]);
      await vi.waitFor(() => expect(hook.calls).toHaveLength(3), { timeout: 5000 });
      for (const call of hook.calls) expect(validate(call.body), describeErrors(validate.errors).message).toBe(true);
    } finally {
      await hook.close();
    }
  });
});
