/**
 * Documented behaviour: a stop sequence ends the answer with the documented stop reason, a tiny token
 * limit stops it with the limit's reason, and a forced tool choice gives a call whose input matches
 * the tool's schema (validated with the suite's Ajv).
 */
import type { JsonObject, OperationRuntime } from '../core/types.js';
import { describeErrors } from '../core/validator.js';
import { fail, pass, show, skip, type PlanContext } from './checks.js';
import type { Protocol } from './protocol.js';
import { readingOf } from './stream-checks.js';
import { STOP_SEQUENCE, TOOL } from './inputs.js';
import type { CheckSpec, Exchange } from './types.js';

function answerOf(ctx: PlanContext, protocol: Protocol, op: OperationRuntime, ex: Exchange, streamed: boolean) {
  if (streamed) {
    const reading = readingOf(ctx, protocol, op, ex, ex.requestBody);
    return reading.errorEvent !== undefined ? undefined : reading.answer;
  }
  return protocol.answer(ex.json);
}

export function stopSequenceCheck(ctx: PlanContext, protocol: Protocol, op: OperationRuntime): CheckSpec {
  const want = protocol.behaviour.stopSequence.stopReason;
  return {
    id: 'stop-reason',
    title: `stop sequences give stop reason ${want}`,
    source: protocol.behaviour.stopSequence.source(ctx, op),
    needsExpectedStatus: true,
    run: (ex) => {
      const answer = protocol.answer(ex.json);
      if (!answer) return fail('an answer', show(ex.text, 160));
      const sequence = protocol.readRequest(ex.requestBody).stop?.[0] ?? STOP_SEQUENCE;
      if (answer.stopReason !== want) return fail(`stop reason ${want}`, `${String(answer.stopReason)} (text: ${show(answer.text, 80)})`);
      if (answer.stopSequence !== undefined && answer.stopSequence !== sequence) return fail(`stop_sequence ${JSON.stringify(sequence)}`, String(answer.stopSequence));
      if (answer.text.includes(sequence)) return fail(`text without the stop sequence ${JSON.stringify(sequence)}`, show(answer.text, 120));
      return pass;
    },
  };
}

export function maxTokensCheck(ctx: PlanContext, protocol: Protocol, op: OperationRuntime, limit: number): CheckSpec {
  const want = protocol.behaviour.maxTokens.stopReason;
  return {
    id: 'stop-reason',
    title: `a token limit of ${limit} gives stop reason ${want} and no more tokens`,
    source: protocol.behaviour.maxTokens.source(ctx, op),
    needsExpectedStatus: true,
    run: (ex) => {
      const answer = protocol.answer(ex.json);
      if (!answer) return fail('an answer', show(ex.text, 160));
      // The limit the request set; a recording that kept no request gives none to compare against.
      const max = protocol.readRequest(ex.requestBody).maxTokens;
      if (answer.stopReason !== want) return fail(`stop reason ${want}`, String(answer.stopReason));
      if (max !== undefined && answer.outputTokens !== undefined && answer.outputTokens > max) return fail(`at most ${max} output tokens`, `${answer.outputTokens}`);
      return pass;
    },
  };
}

const toolValidators = new WeakMap<object, Map<string, (x: unknown) => boolean>>();

export function forcedToolCheck(ctx: PlanContext, protocol: Protocol, op: OperationRuntime, streamed: boolean): CheckSpec {
  const want = protocol.behaviour.forcedTool.stopReason;
  return {
    id: 'tool-call',
    title: `a forced tool choice gives a call to the forced tool (${TOOL.name}; any offered tool under \`required\`/\`any\`) whose input matches its schema${want ? ` (stop reason ${want})` : ''}`,
    source: protocol.behaviour.forcedTool.source(ctx, op),
    needsExpectedStatus: true,
    run: (ex) => {
      const answer = answerOf(ctx, protocol, op, ex, streamed);
      if (!answer) return streamed ? skip('the stream ended with an error event') : fail('an answer', show(ex.text, 160));
      // A choice that names no tool (`required`, `any`) is satisfied by a call to any tool offered.
      const allowed = protocol.readRequest(ex.requestBody).tools ?? [TOOL];
      const call = answer.toolCalls.find((c) => allowed.some((t) => t.name === c.name));
      const names = allowed.map((t) => t.name).join(' or ');
      if (!call) return fail(`a call to ${names}`, answer.toolCalls.length ? answer.toolCalls.map((c) => c.name).join(', ') : `no tool call (stop reason ${String(answer.stopReason)})`);
      const tool = allowed.find((t) => t.name === call.name)!;
      if (call.inputError) return fail('tool input that parses as JSON', call.inputError);
      const validate = compileToolSchema(ctx, tool.schema);
      if (!validate(call.input)) {
        return fail(`input valid against ${JSON.stringify(tool.schema)}`, `${describeErrors((validate as any).errors, 'input').message} in ${show(call.input, 120)}`);
      }
      if (want && answer.stopReason !== want) return fail(`stop reason ${want}`, String(answer.stopReason));
      return pass;
    },
  };
}

function compileToolSchema(ctx: PlanContext, schema: JsonObject): (x: unknown) => boolean {
  let cache = toolValidators.get(ctx.ajv);
  if (!cache) toolValidators.set(ctx.ajv, (cache = new Map()));
  const key = JSON.stringify(schema);
  let fn = cache.get(key);
  if (!fn) {
    fn = ctx.ajv.compile(schema);
    cache.set(key, fn);
  }
  return fn;
}
