/** The Anthropic Messages protocol (SkillBoss, ByteSpike, Anthropic), as the contract suite reads it. */
import { checkAnthropicStream } from '../anthropic-stream.js';
import { compact, fail, pass, show, type PlanContext } from '../checks.js';
import { plainProbe } from '../plan.js';
import type { ParsedEvent } from '../parse-sse.js';
import type { Answer, GenerationRequest, PlanHelpers, Protocol, StreamReading } from '../protocol.js';
import type { CheckSpec, Probe } from '../types.js';
import { propertySource } from './property-source.js';
import { allowedTools, booleanOr, fieldsOf, forcedTool, numberOr, promptOf, stopList, stringOr } from './request-fields.js';
import { maxTokensPastMaximum, withoutField } from './top-level-fields.js';

/** A model id no provider serves (the mutation harness recognises it too). */
const UNKNOWN_MODEL_ID = 'standin-contract-no-such-model';

type Obj = Record<string, any>;

function readRequest(body: unknown): Partial<GenerationRequest> {
  const b = fieldsOf(body);
  return {
    model: stringOr(b.model),
    maxTokens: numberOr(b.max_tokens),
    prompt: promptOf(b.messages),
    stream: booleanOr(b.stream),
    stop: stopList(b.stop_sequences),
    tool: forcedTool(b.tools, b.tool_choice?.name, (t) => ({ name: t.name, description: t.description, schema: t.input_schema })),
    tools: allowedTools(b.tools, b.tool_choice?.name, (t) => ({ name: t.name, description: t.description, schema: t.input_schema })),
  };
}

export const anthropicProtocol: Protocol = {
  profile: 'anthropic-messages',
  recordingFolders: ['anthropic'],
  generateOperation: 'createMessage',

  body(r: GenerationRequest) {
    return {
      model: r.model,
      max_tokens: r.maxTokens,
      messages: [{ role: 'user', content: r.prompt }],
      ...(r.stop ? { stop_sequences: r.stop } : {}),
      ...(r.tool
        ? { tools: [{ name: r.tool.name, description: r.tool.description, input_schema: r.tool.schema }], tool_choice: { type: 'tool', name: r.tool.name } }
        : {}),
      ...(r.stream ? { stream: true } : {}),
    };
  },

  readRequest,

  answer(json) {
    if (!json || typeof json !== 'object' || !Array.isArray((json as Obj).content)) return undefined;
    return answerOfMessage(json as Obj, []);
  },

  readStream(events: ParsedEvent[], sctx): StreamReading {
    const parsed: { event?: string; data: unknown }[] = [];
    const violations: string[] = [];
    for (const [i, e] of events.entries()) {
      try {
        parsed.push({ event: e.event, data: JSON.parse(e.data) });
      } catch {
        violations.push(`event ${i}: data is not JSON`);
      }
    }
    const report = checkAnthropicStream(parsed, { standalone: false });
    violations.push(...report.violations);
    const last = parsed.at(-1)?.data as Obj | undefined;
    const termination = report.stopped
      ? { ok: true, detail: 'message_stop' }
      : report.error
        ? { ok: true, detail: `error event (${String(report.error.type)})` }
        : { ok: false, detail: `no message_stop; last event ${String(last?.type ?? '(none)')}` };
    const start = parsed.find((e) => (e.data as Obj)?.type === 'message_start')?.data as Obj | undefined;
    const deltas = parsed.filter((e) => (e.data as Obj)?.type === 'message_delta').map((e) => e.data as Obj);
    let usageProblem: string | undefined;
    const startUsage = start?.message?.usage;
    // A pre-filled message_start that already carries its stop_reason holds the final usage itself.
    const finished = !deltas.length && Boolean(start?.message?.stop_reason);
    const final = finished ? startUsage : deltas.at(-1)?.usage;
    if (!startUsage || typeof startUsage.input_tokens !== 'number') usageProblem = 'message_start carries no usage.input_tokens';
    else if (!deltas.length && !finished) usageProblem = 'no message_delta, so no final usage';
    else if (!final || typeof final.output_tokens !== 'number') usageProblem = 'the last message_delta carries no usage.output_tokens';
    else if (typeof startUsage.output_tokens === 'number' && final.output_tokens < startUsage.output_tokens) {
      usageProblem = `final output_tokens ${final.output_tokens} is below message_start's ${startUsage.output_tokens}`;
    } else if (sctx.maxTokens !== undefined && final.output_tokens > sctx.maxTokens) {
      usageProblem = `output_tokens ${final.output_tokens} exceeds max_tokens ${sctx.maxTokens}`;
    }
    const message = report.message;
    return {
      violations,
      termination,
      errorEvent: report.error,
      assembled: message && !report.error ? message : undefined,
      usageProblem,
      answer: message ? answerOfMessage(message, report.truncated) : undefined,
    };
  },

  behaviour: {
    stopSequence: {
      stopReason: 'stop_sequence',
      source: (ctx, op) => propertySource(ctx, op, ['stop_sequences'], ['stop_sequence']),
    },
    maxTokens: {
      stopReason: 'max_tokens',
      source: (ctx, op) => propertySource(ctx, op, ['max_tokens'], ['stop_reason']),
    },
    forcedTool: {
      stopReason: 'tool_use',
      source: (ctx, op) => propertySource(ctx, op, ['tool_choice', 'tools'], ['content.[].input']),
    },
  },

  missingField: (body) => withoutField(body, 'max_tokens'),
  outOfRange: maxTokensPastMaximum,

  unknownModel: (body) => ({ ...(body as Obj), model: UNKNOWN_MODEL_ID }),

  jsonChecks(ctx, op): CheckSpec[] {
    return [
      {
        id: 'usage.consistent',
        title: 'usage reports at most max_tokens output tokens',
        source: propertySource(ctx, op, ['max_tokens'], ['usage']),
        needsExpectedStatus: true,
        run: (ex) => {
          const usage = (ex.json as Obj | undefined)?.usage;
          if (!usage) return fail('usage', show(ex.text, 120));
          // Compared with the limit of the request that got this answer, never with the probe's own.
          const max = readRequest(ex.requestBody).maxTokens;
          if (typeof usage.output_tokens !== 'number') return fail('usage.output_tokens', show(usage, 120));
          return max === undefined || usage.output_tokens <= max ? pass : fail(`output_tokens <= ${max}`, String(usage.output_tokens));
        },
      },
    ];
  },

  otherProbes(ctx, helpers): Probe[] {
    return compact([countTokensProbe(ctx, helpers), listModelsProbe(ctx, helpers), getModelProbe(ctx, helpers), unknownModelIdProbe(ctx, helpers)]);
  },

  classify(body) {
    const b = (body ?? {}) as Obj;
    const forced = b.tool_choice?.type === 'tool' || b.tool_choice?.type === 'any';
    if (b.stream === true) return forced ? 'stream-tool' : 'stream';
    if (forced) return 'behaviour.forced-tool';
    if (Array.isArray(b.stop_sequences) && b.stop_sequences.length) return 'behaviour.stop-sequence';
    if (typeof b.max_tokens === 'number' && b.max_tokens <= 2) return 'behaviour.max-tokens';
    return 'json';
  },
};

function answerOfMessage(message: Obj, truncated: number[]): Answer {
  const content = (message.content ?? []) as Obj[];
  return {
    stopReason: message.stop_reason ?? undefined,
    stopSequence: message.stop_sequence,
    text: content.filter((b) => b.type === 'text').map((b) => String(b.text ?? '')).join(''),
    toolCalls: content
      .map((b, i) => ({ b, i }))
      .filter(({ b }) => b.type === 'tool_use')
      .map(({ b, i }) => ({ name: String(b.name), input: b.input, inputError: truncated.includes(i) ? 'input JSON cut short by max_tokens' : undefined })),
    outputTokens: message.usage?.output_tokens,
  };
}

function countTokensProbe(ctx: PlanContext, helpers: PlanHelpers) {
  return plainProbe(ctx, helpers, 'countTokens', (op) => ({
    path: op.path,
    body: { model: ctx.provider.models[0], messages: [{ role: 'user', content: 'Hello' }] },
  }));
}

function listModelsProbe(ctx: PlanContext, helpers: PlanHelpers) {
  return plainProbe(ctx, helpers, 'listModels', (op) => ({ path: op.path }));
}

function getModelProbe(ctx: PlanContext, helpers: PlanHelpers) {
  return plainProbe(ctx, helpers, 'getModel', (op) => ({
    path: op.path.replace(/\{[^}]+\}/, encodeURIComponent(ctx.provider.models[0] ?? 'model')),
  }));
}

/** `GET /v1/models/{id}` with an id no provider has: the document's unknown-model error, free to provoke. */
function unknownModelIdProbe(ctx: PlanContext, helpers: PlanHelpers) {
  const op = ctx.provider.operations.find((o) => o.operationId === 'getModel');
  if (!op) return undefined;
  const path = op.path.replace(/\{[^}]+\}/, UNKNOWN_MODEL_ID);
  return helpers.errorProbe(op, 'unknown-model', 'getModel.error.unknown-id', 'getModel: an unknown model id gets the documented error', {
    method: op.method,
    path,
    headers: helpers.headersFor(op, 'key', false),
    auth: 'key',
  });
}
