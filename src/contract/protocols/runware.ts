/** Runware's task-array protocol (runTasks with textInference), as the contract suite reads it. */
import { hashString } from '../../core/hash.js';
import { fail, pass, show } from '../checks.js';
import { cite, citeWith } from '../doc-source.js';
import type { ParsedEvent } from '../parse-sse.js';
import type { Answer, GenerationRequest, Protocol, StreamReading } from '../protocol.js';
import { checkRunwareStream, type RunwareStreamResult } from '../runware-stream.js';
import { describeProperty, maximumOf } from '../schema-facts.js';
import type { CheckSpec } from '../types.js';
import { propertySource, requestSchema, responseSchema } from './property-source.js';

type Obj = Record<string, any>;

const TASK = ['[]'];
const RESULT = ['data', '[]'];
/** Request properties sit inside a task, answer properties inside a result of `data`. */
const IN_TASK = { request: TASK, response: RESULT };

/** A version-4 UUID derived from a seed, so the same plan sends the same task ids. */
export function uuidFrom(seed: string): string {
  const hex = [0, 1, 2, 3].map((i) => hashString(`${i}:${seed}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16]!, 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function textTask(body: unknown): Obj | undefined {
  return Array.isArray(body) ? body.find((t: Obj) => t?.taskType === 'textInference') : undefined;
}

function usageProblem(usage: Obj | undefined, maxTokens: number | undefined): string | undefined {
  if (!usage) return 'includeUsage was requested, but no usage came';
  const { promptTokens: p, completionTokens: c, totalTokens: t } = usage;
  if (![p, c, t].every((n) => Number.isInteger(n) && n >= 0)) return `usage counts are not all integers: ${show(usage, 100)}`;
  if (p + c !== t) return `totalTokens ${t} is not promptTokens ${p} + completionTokens ${c}`;
  if (maxTokens !== undefined && c > maxTokens) return `completionTokens ${c} exceeds settings.maxTokens ${maxTokens}`;
  return undefined;
}

function answerOf(result: Obj): Answer {
  return {
    stopReason: result.finishReason,
    text: typeof result.text === 'string' ? result.text : '',
    toolCalls: ((result.toolCalls ?? []) as Obj[]).map((c) => ({ name: String(c.name), input: c.arguments })),
    outputTokens: result.usage?.completionTokens,
  };
}

function assemble(result: RunwareStreamResult): Obj {
  return {
    data: [
      {
        taskType: 'textInference',
        taskUUID: result.taskUUID,
        status: 'success',
        text: result.text,
        finishReason: result.finishReason,
        ...(result.reasoningContent ? { reasoningContent: [result.reasoningContent] } : {}),
        ...(result.resultIndex !== undefined ? { resultIndex: result.resultIndex } : {}),
        ...(result.toolCalls ? { toolCalls: result.toolCalls } : {}),
        ...(result.usage ? { usage: result.usage } : {}),
        ...(result.cost !== undefined ? { cost: result.cost } : {}),
      },
    ],
  };
}

export const runwareProtocol: Protocol = {
  profile: 'runware-tasks',
  recordingFolders: ['runware'],
  generateOperation: 'runTasks',

  body(r: GenerationRequest) {
    const task: Obj = {
      taskType: 'textInference',
      taskUUID: uuidFrom(JSON.stringify([r.prompt, r.maxTokens, r.stream ?? false, r.stop ?? [], r.tool?.name ?? ''])),
      model: r.model,
      messages: [{ role: 'user', content: r.prompt }],
      includeUsage: true,
      settings: { maxTokens: r.maxTokens, ...(r.stop ? { stopSequences: r.stop } : {}) },
      ...(r.stream ? { deliveryMethod: 'stream' } : {}),
      ...(r.tool
        ? {
            tools: [{ type: 'function', name: r.tool.name, description: r.tool.description, schema: r.tool.schema }],
            toolChoice: { type: 'tool', name: r.tool.name },
          }
        : {}),
    };
    return [task];
  },

  answer(json) {
    const first = (json as Obj | undefined)?.data?.[0];
    return first && typeof first === 'object' && first.status !== 'processing' ? answerOf(first) : undefined;
  },

  readStream(events: ParsedEvent[], sctx): StreamReading {
    const report = checkRunwareStream(events);
    const differs = report.violations.filter((v) => v.includes('final text differs from the deltas'));
    const violations = report.violations.filter((v) => v !== 'the stream ends without [DONE]' && !differs.includes(v));
    const task = textTask(sctx.request);
    const result = report.result;
    if (task && result?.taskUUID !== undefined && result.taskUUID !== task.taskUUID) {
      violations.push(`the stream names taskUUID ${result.taskUUID}, not the request's ${task.taskUUID}`);
    }
    const done = events.some((e) => e.data === '[DONE]');
    const closed = report.results.length > 0 && report.results.every((r) => r.finishReason !== undefined);
    let problem: string | undefined;
    if (result && (task?.includeUsage === true || result.usage)) problem = usageProblem(result.usage, sctx.maxTokens);
    return {
      violations,
      termination: report.error
        ? { ok: true, detail: 'error line' }
        : !closed
          ? { ok: false, detail: 'no final chunk (finishReason) for the result' }
          : done
            ? { ok: true, detail: 'final chunk and [DONE]' }
            : { ok: false, detail: `no [DONE]; last line ${show(events.at(-1)?.data ?? '(none)', 80)}` },
      errorEvent: report.error,
      assembled: result && !report.error && result.finishReason !== undefined ? assemble(result) : undefined,
      assembledProblem: differs[0],
      usageProblem: problem,
      answer: result ? answerOf(result) : undefined,
    };
  },

  behaviour: {
    stopSequence: { stopReason: 'stop', source: (ctx, op) => propertySource(ctx, op, ['settings.stopSequences'], ['finishReason'], IN_TASK) },
    maxTokens: { stopReason: 'length', source: (ctx, op) => propertySource(ctx, op, ['settings.maxTokens'], ['finishReason'], IN_TASK) },
    forcedTool: { stopReason: 'tool_calls', source: (ctx, op) => propertySource(ctx, op, ['toolChoice'], ['toolCalls'], IN_TASK) },
  },

  errorTypeOf: (body) => {
    const code = (body as Obj | undefined)?.errors?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  },

  expectedErrorType(trigger, _entry, ctx) {
    const notes = (ctx.provider.document['x-note'] ?? []) as unknown[];
    const at = notes.findIndex((n) => typeof n === 'string' && n.includes('by trigger'));
    const source = at >= 0 ? { ...cite(ctx.provider, `/x-note/${at}`), statement: String(notes[at]).replace(/\s+/g, ' ').trim() } : undefined;
    const codes: Record<string, string> = {
      'missing-key': 'missingApiKey',
      'invalid-key': 'invalidApiKey',
      'unknown-model': 'unknownModel',
      'body-too-large': 'requestTooLarge',
      'unknown-route': 'notFound',
      'method-not-allowed': 'notFound',
    };
    return { type: codes[trigger] ?? 'invalidParameter', source };
  },

  missingField(body) {
    const [task, ...rest] = body as Obj[];
    const { model: _drop, ...without } = task!;
    return { body: [without, ...rest], field: 'model' };
  },

  outOfRange(body, ctx, op) {
    const max = maximumOf(ctx.provider.document, requestSchema(op), [...TASK, 'settings', 'maxTokens']);
    if (max === undefined) return undefined;
    const [task, ...rest] = body as Obj[];
    return { body: [{ ...task, settings: { ...task!.settings, maxTokens: max + 1 } }, ...rest], field: 'settings.maxTokens', value: max + 1 };
  },

  unknownModel: (body) => (body as Obj[]).map((t) => (t.taskType === 'textInference' ? { ...t, model: 'standin:contract@no-such-model' } : t)),

  jsonChecks(ctx, op, body): CheckSpec[] {
    return [
      {
        id: 'task-uuid.echoed',
        title: "every result names the request's taskUUID",
        source: citeWith(ctx.provider, responseSchema(op), describeProperty(ctx.provider.document, responseSchema(op), [...RESULT, 'taskUUID'])),
        needsExpectedStatus: true,
        run: (ex) => {
          const want = textTask(ex.requestBody ?? body)?.taskUUID;
          const data = ((ex.json as Obj | undefined)?.data ?? []) as Obj[];
          if (!data.length) return fail(`a result for task ${want}`, show(ex.text, 120));
          const wrong = data.filter((d) => d.taskUUID !== want);
          return wrong.length ? fail(`taskUUID ${want}`, wrong.map((d) => String(d.taskUUID)).join(', ')) : pass;
        },
      },
      {
        id: 'usage.consistent',
        title: 'usage (asked for with includeUsage) adds up and stays within settings.maxTokens',
        source: propertySource(ctx, op, ['includeUsage'], ['usage'], IN_TASK),
        needsExpectedStatus: true,
        run: (ex) => {
          const task = textTask(ex.requestBody ?? body);
          const result = ((ex.json as Obj | undefined)?.data ?? [])[0] as Obj | undefined;
          if (!task?.includeUsage) return pass;
          const problem = usageProblem(result?.usage, task.settings?.maxTokens);
          return problem ? fail('consistent usage', problem) : pass;
        },
      },
    ];
  },

  classify(body) {
    const t = textTask(body) ?? {};
    const forced = t.toolChoice?.type === 'tool' || t.toolChoice?.type === 'any';
    if (t.deliveryMethod === 'stream') return forced ? 'stream-tool' : 'stream';
    if (forced) return 'behaviour.forced-tool';
    if (Array.isArray(t.settings?.stopSequences) && t.settings.stopSequences.length) return 'behaviour.stop-sequence';
    if (typeof t.settings?.maxTokens === 'number' && t.settings.maxTokens <= 2) return 'behaviour.max-tokens';
    return 'json';
  },
};
