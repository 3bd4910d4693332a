/**
 * The check plan: from a compiled provider (its operations, catalogue, triggers, headers, stream
 * framing) and its protocol, the probes to send and the checks each answer must pass.
 *
 * For the generating operation: a plain call, a stream, a streamed forced tool call; the errors a
 * client can provoke at no cost (no key, a wrong key, a missing field, an out-of-range value, an unknown
 * model, malformed JSON); and documented behaviour (stop sequences, a tiny max_tokens, a forced tool).
 * Other operations (count tokens, models) get a plain call each.
 */
import { catalogueEntry, statusForTrigger } from '../core/errors.js';
import { resolveNode } from '../core/json-pointer.js';
import type { JsonObject, OperationRuntime, Trigger } from '../core/types.js';
import {
  bodySchemaCheck,
  compact,
  contentTypeCheck,
  documentedHeadersCheck,
  fail,
  jsonSuccessChecks,
  pass,
  requestIdCheck,
  responsePointerFor,
  show,
  statusCheck,
  type PlanContext,
} from './checks.js';
import { forcedToolCheck, maxTokensCheck, stopSequenceCheck } from './behaviour-checks.js';
import { cite, citeResponse, operationPointer } from './doc-source.js';
import { BUDGET, PROMPTS, STOP_SEQUENCE, TOOL } from './inputs.js';
import type { PlanHelpers, Protocol } from './protocol.js';
import { streamChecks } from './stream-checks.js';
import { KEY_PLACEHOLDER, WRONG_KEY } from './target.js';
import type { CheckSpec, Exchange, PlannedRequest, Probe, Verdict } from './types.js';

export function buildPlan(ctx: PlanContext, protocol: Protocol): Probe[] {
  const helpers: PlanHelpers = {
    headersFor: (op, auth, json) => headersFor(ctx, op, auth, json),
    errorProbe: (op, trigger, id, title, request) => errorProbe(ctx, protocol, op, trigger, id, title, request),
  };
  const probes: Probe[] = [];
  const op = ctx.provider.operations.find((o) => o.operationId === protocol.generateOperation);
  if (op) probes.push(...generationProbes(ctx, protocol, op, helpers));
  probes.push(...(protocol.otherProbes?.(ctx, helpers) ?? []));
  return probes;
}

function generationProbes(ctx: PlanContext, protocol: Protocol, op: OperationRuntime, helpers: PlanHelpers): Probe[] {
  const model = ctx.provider.models[0] ?? 'model';
  const id = op.operationId;
  const request = (body: unknown, auth: PlannedRequest['auth'] = 'key'): PlannedRequest => ({
    method: op.method,
    path: op.path,
    headers: helpers.headersFor(op, auth, true),
    body,
    auth,
  });
  const plain = protocol.body({ model, maxTokens: BUDGET.plain, prompt: PROMPTS.plain }, ctx);
  const probes: Probe[] = [];

  probes.push({
    id: `${id}.json`,
    operationId: id,
    title: `${id}: a plain call answers with a valid JSON body`,
    request: request(plain),
    stream: false,
    expectedStatus: 200,
    maxOutputTokens: BUDGET.plain,
    checks: [...jsonSuccessChecks(ctx, op), ...(protocol.jsonChecks?.(ctx, op, plain) ?? [])],
  });

  if (op.sse) {
    const streamed = protocol.body({ model, maxTokens: BUDGET.plain, prompt: PROMPTS.plain, stream: true }, ctx);
    probes.push({
      id: `${id}.stream`,
      operationId: id,
      title: `${id}: a streamed call follows the event grammar`,
      request: request(streamed),
      stream: true,
      expectedStatus: 200,
      maxOutputTokens: BUDGET.plain,
      checks: streamChecks(ctx, protocol, op),
    });
    const streamedTool = protocol.body({ model, maxTokens: BUDGET.tool, prompt: PROMPTS.tool, stream: true, tool: TOOL }, ctx);
    probes.push({
      id: `${id}.stream-tool`,
      operationId: id,
      title: `${id}: a streamed forced tool call follows the grammar and its input matches the tool's schema`,
      request: request(streamedTool),
      stream: true,
      expectedStatus: 200,
      maxOutputTokens: BUDGET.tool,
      checks: [...streamChecks(ctx, protocol, op), forcedToolCheck(ctx, protocol, op, true)],
    });
  }

  // Errors a client can provoke at no cost.
  const errors: { trigger: Trigger; name: string; title: string; req: PlannedRequest; detail?: string }[] = [
    { trigger: 'missing-key', name: 'missing-key', title: 'no API key', req: request(plain, 'none') },
    { trigger: 'invalid-key', name: 'wrong-key', title: 'a wrong API key', req: request(plain, 'wrong') },
  ];
  const missing = protocol.missingField(plain);
  errors.push({ trigger: 'invalid-request', name: 'missing-field', title: `a missing required field (${missing.field})`, req: request(missing.body) });
  const range = protocol.outOfRange(plain, ctx, op);
  if (range) {
    errors.push({ trigger: 'invalid-request', name: 'out-of-range', title: `an out-of-range value (${range.field}: ${range.value})`, req: request(range.body) });
  }
  if (ctx.provider.models.length) {
    errors.push({ trigger: 'unknown-model', name: 'unknown-model', title: 'an unknown model', req: request(protocol.unknownModel(plain)) });
  }
  errors.push({
    trigger: 'malformed-json',
    name: 'malformed-json',
    title: 'malformed JSON',
    req: { ...request(undefined), body: undefined, rawBody: '{"model": "' },
  });
  for (const e of errors) probes.push(errorProbe(ctx, protocol, op, e.trigger, `${id}.error.${e.name}`, `${id}: ${e.title} gets the documented error`, e.req));

  // Documented behaviour.
  const stopBody = protocol.body({ model, maxTokens: BUDGET.stopSequence, prompt: PROMPTS.stopSequence, stop: [STOP_SEQUENCE] }, ctx);
  probes.push(behaviourProbe(ctx, op, `${id}.behaviour.stop-sequence`, `${id}: a stop sequence ends the answer`, request(stopBody), BUDGET.stopSequence, [
    stopSequenceCheck(ctx, protocol, op),
  ]));
  const tinyBody = protocol.body({ model, maxTokens: BUDGET.maxTokens, prompt: PROMPTS.maxTokens }, ctx);
  probes.push(behaviourProbe(ctx, op, `${id}.behaviour.max-tokens`, `${id}: a tiny token limit stops the answer there`, request(tinyBody), BUDGET.maxTokens, [
    maxTokensCheck(ctx, protocol, op, BUDGET.maxTokens),
  ]));
  const toolBody = protocol.body({ model, maxTokens: BUDGET.tool, prompt: PROMPTS.tool, tool: TOOL }, ctx);
  probes.push(behaviourProbe(ctx, op, `${id}.behaviour.forced-tool`, `${id}: a forced tool choice gives a call whose input matches the tool's schema`, request(toolBody), BUDGET.tool, [
    forcedToolCheck(ctx, protocol, op, false),
  ]));
  return probes;
}

function behaviourProbe(
  ctx: PlanContext,
  op: OperationRuntime,
  id: string,
  title: string,
  request: PlannedRequest,
  maxOutputTokens: number,
  checks: CheckSpec[],
): Probe {
  return {
    id,
    operationId: op.operationId,
    title,
    request,
    stream: false,
    expectedStatus: 200,
    maxOutputTokens,
    checks: [statusCheck(ctx, op, 200), bodySchemaCheck(ctx, op, 200), ...checks],
  };
}

/** A plain call of an operation that generates nothing (count tokens, list or get models). */
export function plainProbe(
  ctx: PlanContext,
  helpers: PlanHelpers,
  operationId: string,
  build: (op: OperationRuntime) => { path: string; body?: unknown },
): Probe | undefined {
  const op = ctx.provider.operations.find((o) => o.operationId === operationId);
  if (!op) return undefined;
  const { path, body } = build(op);
  return {
    id: `${operationId}.json`,
    operationId,
    title: `${operationId}: answers with a valid JSON body`,
    request: { method: op.method, path, headers: helpers.headersFor(op, 'key', body !== undefined), body, auth: 'key' },
    stream: false,
    expectedStatus: 200,
    maxOutputTokens: 0,
    checks: jsonSuccessChecks(ctx, op),
  };
}

function errorProbe(
  ctx: PlanContext,
  protocol: Protocol,
  op: OperationRuntime,
  trigger: Trigger,
  id: string,
  title: string,
  request: PlannedRequest,
): Probe {
  const status = statusForTrigger(ctx.provider, trigger);
  const { op: owner } = responsePointerFor(ctx, op, status);
  const described = citeResponse(ctx.provider, owner, status).statement;
  const triggerSource = {
    ...cite(ctx.provider, `/x-standin-triggers/${trigger}`),
    statement: `x-standin-triggers maps ${trigger} to ${status}${described ? `: ${described}` : ''}`,
  };
  const entry = catalogueEntry(ctx.provider, owner, status);
  const expected = protocol.expectedErrorType?.(trigger, entry, ctx) ?? (entry?.errorType ? { type: entry.errorType } : undefined);
  const checks = compact<CheckSpec>([
    statusCheck(ctx, op, status, triggerSource),
    contentTypeCheck(ctx, owner, status, 'application/json'),
    requestIdCheck(ctx, owner, status),
    documentedHeadersCheck(ctx, owner, status),
    { ...bodySchemaCheck(ctx, owner, status, `the error envelope matches the documented ${status} schema`), id: 'envelope' },
    expected && {
      id: 'error-type',
      title: `the error type is ${expected.type}`,
      source: expected.source ?? cite(ctx.provider, `${operationPointer(owner)}/responses/${status}`, `The ${status} example names ${expected.type}.`),
      needsExpectedStatus: true,
      run: (ex: Exchange): Verdict => {
        const got = ctx.provider.profile.errorTypeOf(ex.json);
        return got === expected.type ? pass : fail(expected.type, got ?? `no error type in ${show(ex.text, 120)}`);
      },
    },
  ]);
  return { id, operationId: op.operationId, title, request, stream: false, expectedStatus: status, maxOutputTokens: 0, checks };
}

function headersFor(ctx: PlanContext, op: OperationRuntime, auth: PlannedRequest['auth'], json: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (json) headers['content-type'] = 'application/json';
  for (const [i, raw] of ((op.raw.parameters ?? []) as unknown[]).entries()) {
    const { node } = resolveNode(ctx.provider.document, raw, `${operationPointer(op)}/parameters/${i}`);
    if (node.in !== 'header' || node.required !== true) continue;
    const schema = (node.schema ?? {}) as JsonObject;
    const value = node.example ?? schema.example ?? (schema.enum as unknown[] | undefined)?.[0] ?? schema.default ?? 'x';
    headers[String(node.name).toLowerCase()] = String(value);
  }
  const alternatives = op.strictSecurity?.length ? op.strictSecurity : op.security;
  const scheme = alternatives[0]?.[0];
  if (scheme && auth !== 'none') {
    const key = auth === 'key' ? KEY_PLACEHOLDER : WRONG_KEY;
    headers[scheme.header] = scheme.bearer ? `Bearer ${key}` : key;
  }
  return headers;
}
