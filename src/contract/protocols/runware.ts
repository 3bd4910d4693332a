/** Runware's task-array protocol (runTasks with textInference), as the contract suite reads it. */
import { createRng, hashString, makeUuid } from '../../core/hash.js';
import { fail, pass, show, skip } from '../checks.js';
import { cite, citeWith } from '../doc-source.js';
import type { ParsedEvent } from '../parse-sse.js';
import type { Answer, GenerationRequest, Protocol, StreamReading } from '../protocol.js';
import { checkRunwareStream, type RunwareStreamResult } from '../runware-stream.js';
import { describeProperty, maximumOf } from '../schema-facts.js';
import type { CheckSpec } from '../types.js';
import { propertySource, requestSchema, responseSchema } from './property-source.js';
import { allowedTools, forcedTool, numberOr, promptOf, stopList, stringOr } from './request-fields.js';

type Obj = Record<string, any>;

const TASK = ['[]'];
const RESULT = ['data', '[]'];
/** Request properties sit inside a task, answer properties inside a result of `data`. */
const IN_TASK = { request: TASK, response: RESULT };

/** The first textInference task of a task array (the one the suite sends and reads). */
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
      // Derived from the request, so the same plan sends the same task ids.
      taskUUID: makeUuid(createRng(hashString(JSON.stringify([r.prompt, r.maxTokens, r.stream ?? false, r.stop ?? [], r.tool?.name ?? ''])))),
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

  readRequest(body) {
    const t = textTask(body) ?? {};
    return {
      model: stringOr(t.model),
      maxTokens: numberOr(t.settings?.maxTokens),
      prompt: promptOf(t.messages),
      stream: t.deliveryMethod === undefined ? undefined : t.deliveryMethod === 'stream',
      stop: stopList(t.settings?.stopSequences),
      tool: forcedTool(t.tools, t.toolChoice?.name, (x) => ({ name: x.name, description: x.description, schema: x.schema })),
      tools: allowedTools(t.tools, t.toolChoice?.name, (x) => ({ name: x.name, description: x.description, schema: x.schema })),
    };
  },

  answer(json) {
    const first = (json as Obj | undefined)?.data?.[0];
    return first && typeof first === 'object' && first.status !== 'processing' ? answerOf(first) : undefined;
  },

  readStream(events: ParsedEvent[], sctx, _ctx, op): StreamReading {
    const terminator = op.sse?.terminator ?? null;
    const report = checkRunwareStream(events, { terminator, standalone: false });
    const violations = report.violations;
    const task = textTask(sctx.request);
    const result = report.result;
    if (task && result?.taskUUID !== undefined && result.taskUUID !== task.taskUUID) {
      violations.push(`the stream names taskUUID ${result.taskUUID}, not the request's ${task.taskUUID}`);
    }
    const closed = report.results.length > 0 && report.results.every((r) => r.finishReason !== undefined);
    let problem: string | undefined;
    if (result && (task?.includeUsage === true || result.usage)) problem = usageProblem(result.usage, sctx.maxTokens);
    return {
      violations,
      termination: report.error
        ? { ok: true, detail: 'error line' }
        : !closed
          ? { ok: false, detail: 'no final chunk (finishReason) for the result' }
          : report.done
            ? { ok: true, detail: `final chunk and ${terminator}` }
            : terminator === null
              ? { ok: true, detail: 'final chunk (no terminator documented)' }
              : { ok: false, detail: `no ${terminator}; last line ${show(events.at(-1)?.data ?? '(none)', 80)}` },
      errorEvent: report.error,
      assembled: result && !report.error && result.finishReason !== undefined ? assemble(result) : undefined,
      assembledProblem: report.assembledMismatch,
      usageProblem: problem,
      answer: result ? answerOf(result) : undefined,
    };
  },

  behaviour: {
    stopSequence: { stopReason: 'stop', source: (ctx, op) => propertySource(ctx, op, ['settings.stopSequences'], ['finishReason'], IN_TASK) },
    maxTokens: { stopReason: 'length', source: (ctx, op) => propertySource(ctx, op, ['settings.maxTokens'], ['finishReason'], IN_TASK) },
    forcedTool: { stopReason: 'tool_calls', source: (ctx, op) => propertySource(ctx, op, ['toolChoice'], ['toolCalls'], IN_TASK) },
  },

  // The code of each trigger is the document's `x-standin-trigger-codes`; a trigger it leaves out keeps
  // the code of its status's template (openapi/CONVENTIONS.md).
  expectedErrorType(trigger, entry, ctx) {
    const code = ((ctx.provider.document['x-standin-trigger-codes'] ?? {}) as Obj)[trigger];
    if (typeof code !== 'string') return entry?.errorType !== undefined ? { type: entry.errorType } : undefined;
    return { type: code, source: cite(ctx.provider, '/x-standin-trigger-codes', `x-standin-trigger-codes maps ${trigger} to ${code}`) };
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

  // Both checks read the request that got the answer (a recording's own), never the probe's.
  jsonChecks(ctx, op): CheckSpec[] {
    return [
      {
        id: 'task-uuid.echoed',
        title: "every result names the request's taskUUID",
        source: citeWith(ctx.provider, responseSchema(op), describeProperty(ctx.provider.document, responseSchema(op), [...RESULT, 'taskUUID'])),
        needsExpectedStatus: true,
        run: (ex) => {
          if (ex.requestBody === undefined) return skip('the recording kept no request');
          const want = textTask(ex.requestBody)?.taskUUID;
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
          const task = textTask(ex.requestBody);
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
