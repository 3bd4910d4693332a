/** The OpenAI chat completions protocol (AIgateway), as the contract suite reads it. */
import { checkOpenAIStream, isAddOnChunk } from '../openai-stream.js';
import { fail, pass, show } from '../checks.js';
import type { ParsedEvent } from '../parse-sse.js';
import { plainProbe } from '../plan.js';
import type { Answer, GenerationRequest, Protocol, StreamReading } from '../protocol.js';
import type { CheckSpec } from '../types.js';
import { propertySource } from './property-source.js';
import { allowedTools, booleanOr, fieldsOf, forcedTool, numberOr, promptOf, stopList, stringOr } from './request-fields.js';
import { maxTokensPastMaximum, withoutField } from './top-level-fields.js';

type Obj = Record<string, any>;

function usageProblem(usage: Obj | undefined, maxTokens: number | undefined): string | undefined {
  if (!usage) return 'no usage';
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = usage;
  if (![p, c, t].every((n) => Number.isInteger(n) && n >= 0)) return `usage counts are not all integers: ${show(usage, 100)}`;
  if (p + c !== t) return `total_tokens ${t} is not prompt_tokens ${p} + completion_tokens ${c}`;
  if (maxTokens !== undefined && c > maxTokens) return `completion_tokens ${c} exceeds max_tokens ${maxTokens}`;
  return undefined;
}

function answerOf(completion: Obj): Answer | undefined {
  const choice = (completion.choices ?? [])[0] as Obj | undefined;
  if (!choice) return undefined;
  const calls = (choice.message?.tool_calls ?? []) as Obj[];
  return {
    stopReason: choice.finish_reason ?? undefined,
    text: typeof choice.message?.content === 'string' ? choice.message.content : '',
    toolCalls: calls.map((c) => {
      try {
        return { name: String(c.function?.name), input: JSON.parse(String(c.function?.arguments ?? '')) };
      } catch (error) {
        return { name: String(c.function?.name), input: undefined, inputError: `arguments do not parse: ${show(c.function?.arguments, 80)}` };
      }
    }),
    outputTokens: completion.usage?.completion_tokens,
  };
}

function readRequest(body: unknown): Partial<GenerationRequest> {
  const b = fieldsOf(body);
  return {
    model: stringOr(b.model),
    maxTokens: numberOr(b.max_completion_tokens ?? b.max_tokens),
    prompt: promptOf(b.messages),
    stream: booleanOr(b.stream),
    stop: stopList(b.stop),
    tool: forcedTool(b.tools, b.tool_choice?.function?.name, (t) => ({ name: t.function?.name, description: t.function?.description, schema: t.function?.parameters })),
    tools: allowedTools(b.tools, b.tool_choice?.function?.name, (t) => ({ name: t.function?.name, description: t.function?.description, schema: t.function?.parameters })),
  };
}

export const openaiProtocol: Protocol = {
  profile: 'openai-chat',
  recordingFolders: ['openai'],
  generateOperation: 'createChatCompletion',

  body(r: GenerationRequest) {
    return {
      model: r.model,
      messages: [{ role: 'user', content: r.prompt }],
      max_tokens: r.maxTokens,
      ...(r.stop ? { stop: r.stop } : {}),
      ...(r.tool
        ? {
            tools: [{ type: 'function', function: { name: r.tool.name, description: r.tool.description, parameters: r.tool.schema } }],
            tool_choice: { type: 'function', function: { name: r.tool.name } },
          }
        : {}),
      ...(r.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    };
  },

  readRequest,

  answer(json) {
    if (!json || typeof json !== 'object' || !Array.isArray((json as Obj).choices)) return undefined;
    return answerOf(json as Obj);
  },

  readStream(events: ParsedEvent[], sctx, _ctx, op): StreamReading {
    const terminator = op.sse?.terminator ?? null;
    const report = checkOpenAIStream(events, { terminator, standalone: false });
    const request = sctx.request as Obj | undefined;
    const wantUsage = request?.stream_options?.include_usage === true;
    const completion = report.completion as Obj | undefined;
    let problem: string | undefined;
    if (wantUsage && !completion?.usage) problem = 'include_usage was requested, but no usage chunk came';
    else if (completion?.usage) problem = usageProblem(completion.usage, sctx.maxTokens);
    // The usage chunk, when there is one, is the last chunk before the terminator (add-on chunks aside).
    const chunks = events.filter((e) => e.data !== terminator);
    if (!problem && completion?.usage) {
      const last = chunks.map((e) => safeParse(e.data)).filter((d) => !(d && isAddOnChunk(d))).at(-1);
      if (!last?.usage || (Array.isArray(last.choices) && last.choices.length > 0)) problem = 'the usage chunk is not the last chunk';
    }
    // A stream without include_usage has no usage to rebuild; the JSON answer's usage is then not checked.
    const assembled = completion && !report.error ? { ...completion, usage: completion.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } } : undefined;
    return {
      violations: report.violations,
      termination: report.done
        ? { ok: true, detail: String(terminator) }
        : report.error
          ? { ok: true, detail: 'error line' }
          : terminator === null
            ? { ok: true, detail: 'the end of the body (no terminator documented)' }
            : { ok: false, detail: `no ${terminator}; last line ${show(events.at(-1)?.data ?? '(none)', 80)}` },
      errorEvent: report.error,
      assembled,
      usageProblem: problem,
      answer: completion ? answerOf(completion) : undefined,
    };
  },

  behaviour: {
    stopSequence: { stopReason: 'stop', source: (ctx, op) => propertySource(ctx, op, ['stop'], ['choices.[].finish_reason']) },
    maxTokens: { stopReason: 'length', source: (ctx, op) => propertySource(ctx, op, ['max_tokens'], ['choices.[].finish_reason']) },
    forcedTool: { stopReason: 'tool_calls', source: (ctx, op) => propertySource(ctx, op, ['tool_choice'], ['choices.[].message.tool_calls']) },
  },

  missingField: (body) => withoutField(body, 'messages'),
  outOfRange: maxTokensPastMaximum,

  unknownModel: (body) => ({ ...(body as Obj), model: 'standin-contract/no-such-model' }),

  jsonChecks(ctx, op): CheckSpec[] {
    return [
      {
        id: 'usage.consistent',
        title: 'usage adds up (total = prompt + completion) and stays within max_tokens',
        source: propertySource(ctx, op, ['max_tokens'], ['usage.total_tokens']),
        needsExpectedStatus: true,
        run: (ex) => {
          // Compared with the limit of the request that got this answer, never with the probe's own.
          const max = readRequest(ex.requestBody).maxTokens;
          const problem = usageProblem((ex.json as Obj | undefined)?.usage, max);
          return problem ? fail('consistent usage', problem) : pass;
        },
      },
    ];
  },

  otherProbes(ctx, helpers) {
    const list = plainProbe(ctx, helpers, 'listModels', (op) => ({ path: op.path }));
    return list ? [list] : [];
  },

  classify(body) {
    const b = (body ?? {}) as Obj;
    const forced = (typeof b.tool_choice === 'object' && b.tool_choice !== null) || b.tool_choice === 'required';
    if (b.stream === true) return forced ? 'stream-tool' : 'stream';
    if (forced) return 'behaviour.forced-tool';
    if (b.stop !== undefined && b.stop !== null) return 'behaviour.stop-sequence';
    const max = b.max_completion_tokens ?? b.max_tokens;
    if (typeof max === 'number' && max <= 2) return 'behaviour.max-tokens';
    return 'json';
  },
};

function safeParse(text: string | undefined): Obj | undefined {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
