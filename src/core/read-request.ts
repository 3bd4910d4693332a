/**
 * Pipeline step "authenticate, read and validate": everything between routing and choosing an answer.
 * It answers either the request as the rest of the pipeline needs it, or the provider's own error for
 * what is wrong with it (missing key, wrong content type, oversized or malformed body, schema
 * violations naming the field, unknown model), recorded in the trace.
 */
import { authenticate, isRejected } from './authenticate.js';
import { renderError, statusForTrigger } from './errors.js';
import { hashJson, JsonTooDeepError, MAX_JSON_DEPTH } from './hash.js';
import { readBodyLimited } from './read-body.js';
import { isJsonContentType, type EngineRequest, type Reply } from './reply.js';
import type { ExchangeTrace } from './trace.js';
import type { EngineOptions, OperationRuntime, ProviderRuntime, Trigger } from './types.js';
import { validateWithOutputCaps } from './output-cap.js';
import { describeErrors, validatorAt, type Ajv2020Instance } from './validator.js';

/** What the later steps need of a request that passed every check. */
export interface ReadRequest {
  body: unknown;
  bodyText: string;
  apiKey?: string;
  /** Hash of the body's structure (stream flags left out): equal requests get equal answers. */
  seed: number;
  /** What standin changed about the request to serve it (an output limit above a stated cap). */
  diagnostics?: string[];
}

export interface ReadEnv {
  ajv: Ajv2020Instance;
  options: EngineOptions;
  bodyValidator(provider: ProviderRuntime, op: OperationRuntime): ReturnType<typeof validatorAt>;
}

/** Stream flags must not change what is said, so the seed leaves them out. */
const STREAM_FLAGS: ReadonlySet<string> = new Set(['stream', 'stream_options']);

export function refuse(
  provider: ProviderRuntime,
  op: OperationRuntime | undefined,
  trace: ExchangeTrace,
  requestId: string,
  trigger: Trigger,
  message: string,
  param?: string,
): Reply {
  // The provider's own words, where its document gives them, over standin's generic ones.
  message = provider.triggerMessages[trigger] ?? message;
  trace.refusal = { trigger, message, param };
  return renderError(provider, op, statusForTrigger(provider, trigger), { requestId, message, param, trigger });
}

export async function readRequest(
  env: ReadEnv,
  provider: ProviderRuntime,
  op: OperationRuntime,
  request: EngineRequest,
  query: URLSearchParams,
  requestId: string,
  trace: ExchangeTrace,
): Promise<ReadRequest | Reply> {
  const { ajv, options } = env;
  const profile = provider.profile;
  const fail = (trigger: Trigger, message: string, param?: string): Reply => refuse(provider, op, trace, requestId, trigger, message, param);

  let auth = authenticate(op, request.headers, options);
  // A provider that also takes the key inside the body gets its answer once the body is read.
  const keyMayBeInBody = !auth.ok && auth.trigger === 'missing-key' && op.hasBody && profile.credentialFromBody !== undefined;
  if (!auth.ok && !keyMayBeInBody) return fail(auth.trigger, auth.message);

  let bodyText = '';
  let body: unknown;
  let diagnostics: string[] | undefined;
  if (op.hasBody) {
    const contentType = request.headers.get('content-type') ?? '';
    if (!isJsonContentType(contentType)) {
      await request.body?.cancel().catch(() => undefined);
      return fail('unsupported-media-type', `Content-Type must be application/json, got '${contentType || 'none'}'`);
    }
    const read = await readBodyLimited(request, op.maxBodyBytes);
    if (!read.ok) return fail('body-too-large', `Request body is ${read.bytes} bytes; the limit is ${op.maxBodyBytes} bytes`);
    bodyText = read.text;
    // Kept before it is checked: the journal shows the body behind a 400 too.
    trace.bodyText = bodyText;
    try {
      body = JSON.parse(bodyText);
    } catch (error) {
      if (!auth.ok) return fail(auth.trigger, auth.message);
      return fail('malformed-json', `There was an error parsing the body of your request: ${(error as Error).message}`);
    }
  }
  if (!auth.ok) {
    const key = profile.credentialFromBody?.(body);
    if (key === undefined) return fail(auth.trigger, auth.message);
    if (isRejected(key, options)) return fail('invalid-key', 'Invalid API key');
    auth = { ok: true, key };
  }

  for (const name of op.requiredHeaders) {
    if (!request.headers.get(name)) return fail('invalid-request', `${name}: header is required`, name);
  }
  for (const q of op.queryParams) {
    const raw = query.get(q.name);
    if (raw === null) {
      if (q.required) return fail('invalid-request', `${q.name}: Field required`, q.name);
      continue;
    }
    const validate = validatorAt(ajv, provider.ajvKey, q.schemaRef);
    const value = q.numeric && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    if (!validate(value)) {
      const { message } = describeErrors(validate.errors, q.name);
      return fail('invalid-request', message.startsWith(':') ? `${q.name}${message}` : message.replace(/^body/, q.name), q.name);
    }
  }
  if (op.hasBody && !profile.validatesOwnBody?.includes(op.operationId)) {
    const early = profile.checkBeforeSchema?.(op.operationId, body);
    if (early) return fail('invalid-request', early.message, early.param);
    const checked = validateWithOutputCaps(env.bodyValidator(provider, op), body, op.outputCaps, options.strictLimits);
    if (!checked.ok) {
      const { message, param } = describeErrors(checked.errors);
      return fail('invalid-request', message, param);
    }
    if (checked.notes.length) {
      diagnostics = checked.notes;
      trace.notes.push(...checked.notes);
    }
    const model = profile.modelOf?.(body);
    if (model !== undefined && provider.models.length > 0 && !provider.models.includes(model)) {
      return fail('unknown-model', profile.unknownModelMessage?.(model) ?? `model: ${model}`, 'model');
    }
  }

  // Key order is part of the request as sent; SDKs send equal requests with equal order.
  let seed: number;
  try {
    seed = hashJson(body, STREAM_FLAGS);
  } catch (error) {
    // Absurd nesting is refused here, before profiles walk the body recursively.
    if (error instanceof JsonTooDeepError) return fail('invalid-request', `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
    throw error;
  }
  return diagnostics ? { body, bodyText, apiKey: auth.key, seed, diagnostics } : { body, bodyText, apiKey: auth.key, seed };
}

export function isReply(value: ReadRequest | Reply): value is Reply {
  return (value as Reply).status !== undefined;
}
