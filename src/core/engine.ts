/**
 * The engine: `(Request) => Promise<Response>` over one or more providers. Each request runs the
 * pipeline route → authenticate → forced outcome (Prefer) → read and validate → synthesise → render.
 * Web APIs only, so the same engine serves the Node server, MSW handlers and a fetch drop-in.
 */
import { authenticate, isRejected } from './authenticate.js';
import { catalogueEntry, problem, renderError, statusForTrigger } from './errors.js';
import { createRng, hashJson, hashString, JsonTooDeepError, MAX_JSON_DEPTH } from './hash.js';
import { renderHeaders } from './headers.js';
import { parsePrefer, type Prefer } from './prefer.js';
import { readBodyLimited } from './read-body.js';
import { createRouter, type RouteMatch } from './router.js';
import type { EngineOptions, OperationContext, OperationResult, OperationRuntime, ProviderRuntime, Trigger } from './types.js';
import { describeErrors, validatorAt, type Ajv2020Instance } from './validator.js';
import { createSseStream } from '../sse/stream.js';
import { isJsonContentType, jsonReply, toResponse, type EngineRequest, type Reply } from './reply.js';

export interface Engine {
  /** The Fetch API entry: MSW handlers, the fetch drop-in, the in-process contract target. */
  fetch(request: Request): Promise<Response>;
  /** The same pipeline, answering a plain Reply (for adapters that write to a socket themselves). */
  handle(request: EngineRequest): Promise<Reply>;
  providers: ProviderRuntime[];
  options: EngineOptions;
  /** The validator holding every provider document, for checking what the engine (or anyone) answers. */
  ajv: Ajv2020Instance;
}

export interface EngineConfig {
  providers: ProviderRuntime[];
  ajv: Ajv2020Instance;
  options: EngineOptions;
  /** `prefix`: each provider under `/<name>`; `root`: the single provider at `/`. */
  mount: 'prefix' | 'root';
  /** Compile every request validator at creation (servers); tests creating many engines leave it off. */
  precompile?: boolean;
}

const ATTEMPT_MEMORY = 10_000;
const STREAM_FLAGS: ReadonlySet<string> = new Set(['stream', 'stream_options']);
/** Where an operation's JSON request-body schema sits, relative to the operation. */
export const BODY_SCHEMA = '/requestBody/content/application~1json/schema';

export function createEngine(config: EngineConfig): Engine {
  const { ajv, options } = config;
  if (config.mount === 'root' && config.providers.length !== 1) throw new Error('standin: root mount serves exactly one provider');
  const routers = new Map(config.providers.map((p) => [p.name, createRouter(p.operations)]));
  const byName = new Map(config.providers.map((p) => [p.name, p]));
  const attempts = new Map<string, number>();

  /** Routes a request to its provider; a plain function, so a request costs one async frame less. */
  function handle(request: EngineRequest): Reply | Promise<Reply> {
    const target = splitTarget(request.url);
    let path = target.pathname;
    if (path === '/health' || path === '/_standin/health') {
      return jsonReply(200, { status: 'ok', providers: config.providers.map((p) => p.name) });
    }
    let provider: ProviderRuntime | undefined;
    if (config.mount === 'root') {
      provider = config.providers[0];
    } else {
      const slash = path.indexOf('/', 1);
      const first = slash < 0 ? path.slice(1) : path.slice(1, slash);
      provider = byName.get(first);
      path = slash < 0 ? '/' : path.slice(slash);
      if (!provider) {
        return problem(404, `No provider at /${first}. Providers: ${[...byName.keys()].map((n) => `/${n}`).join(', ')}`);
      }
    }
    return handleProvider(provider!, routers.get(provider!.name)!(request.method, path), request, target);
  }

  async function handleProvider(provider: ProviderRuntime, match: RouteMatch, request: EngineRequest, target: Target): Promise<Reply> {
    const profile = provider.profile;
    const requestId = profile.requestId();
    if (match.kind !== 'found') {
      const trigger = match.kind === 'not-found' ? 'unknown-route' : 'method-not-allowed';
      const message =
        match.kind === 'not-found' ? `Not found: ${request.method} ${target.pathname}` : `Method ${request.method} not allowed`;
      return renderError(provider, undefined, statusForTrigger(provider, trigger), { requestId, message, trigger });
    }
    const op = match.op;
    const fail = (trigger: Trigger, message: string, param?: string): Reply =>
      renderError(provider, op, statusForTrigger(provider, trigger), { requestId, message, param, trigger });

    let auth = authenticate(op, request.headers, options);
    // A provider that also takes the key inside the body gets its answer once the body is read.
    const keyMayBeInBody = !auth.ok && auth.trigger === 'missing-key' && op.hasBody && profile.credentialFromBody !== undefined;
    if (!auth.ok && !keyMayBeInBody) return fail(auth.trigger, auth.message);

    const prefer = parsePrefer(request.headers.get('prefer'), target.searchParams);

    let bodyText = '';
    let body: unknown;
    if (op.hasBody) {
      const contentType = request.headers.get('content-type') ?? '';
      if (!isJsonContentType(contentType)) {
        await request.body?.cancel().catch(() => undefined);
        return fail('unsupported-media-type', `Content-Type must be application/json, got '${contentType || 'none'}'`);
      }
      const read = await readBodyLimited(request, op.maxBodyBytes);
      if (!read.ok) return fail('body-too-large', `Request body is ${read.bytes} bytes; the limit is ${op.maxBodyBytes} bytes`);
      bodyText = read.text;
    }

    if (op.hasBody) {
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

    if (prefer.code !== undefined) {
      const forced = forcedOutcome(provider, op, prefer, request, bodyText, requestId);
      if (forced) return forced;
    }
    for (const name of op.requiredHeaders) {
      if (!request.headers.get(name)) return fail('invalid-request', `${name}: header is required`, name);
    }
    for (const q of op.queryParams) {
      const raw = target.searchParams.get(q.name);
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
      const validate = bodyValidator(provider, op);
      if (!validate(body)) {
        const { message, param } = describeErrors(validate.errors);
        return fail('invalid-request', message, param);
      }
      const model = profile.modelOf?.(body);
      if (model !== undefined && provider.models.length > 0 && !provider.models.includes(model)) {
        return fail('unknown-model', profile.unknownModelMessage?.(model) ?? `model: ${model}`, 'model');
      }
    }

    const handler = profile.operations[op.operationId];
    // Key order is part of the request as sent; SDKs send equal requests with equal order. The stream
    // flags must not change what is said, so they are left out.
    let seed: number;
    try {
      seed = hashJson(body, STREAM_FLAGS);
    } catch (error) {
      // Absurd nesting is refused here, before profiles walk the body recursively.
      if (error instanceof JsonTooDeepError) return fail('invalid-request', `Request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
      throw error;
    }
    const ctx: OperationContext = {
      provider,
      operation: op,
      request,
      query: target.searchParams,
      body,
      pathParams: match.params,
      prefer,
      requestId,
      rng: createRng(seed),
      seed,
      options,
      apiKey: auth.key,
      state: provider.state,
      validate: (pointer, value) => {
        const check = validatorAt(ajv, provider.ajvKey, pointer);
        return check(value) ? undefined : describeErrors(check.errors);
      },
    };
    const outcome = handler ? handler(ctx) : { kind: 'json' as const, body: op.example ?? {} };
    // Most handlers answer synchronously; awaiting only a real promise saves a turn of the queue.
    const result: OperationResult = outcome instanceof Promise ? await outcome : outcome;
    return render(provider, op, ctx, result);
  }

  function forcedOutcome(
    provider: ProviderRuntime,
    op: OperationRuntime,
    prefer: Prefer,
    request: EngineRequest,
    bodyText: string,
    requestId: string,
  ): Reply | undefined {
    const code = prefer.code!;
    if (code >= 200 && code < 300) return undefined;
    if (!catalogueEntry(provider, op, code)) {
      const documented = [...(op.catalogue.size ? op.catalogue : provider.catalogue).keys()].join(', ');
      return problem(422, `Prefer: code=${code} is not documented for ${op.operationId} at ${provider.name}; documented: ${documented}`);
    }
    if (prefer.failFirst !== undefined && attemptNumber(provider, request, bodyText) >= prefer.failFirst) return undefined;
    // Forced errors always tell SDKs whether to retry, so a test controls retries whatever the document
    // says: by default what the document declares, else the SDKs' own status rule; `should-retry=` wins.
    const sdkRule = code === 408 || code === 409 || code === 429 || code >= 500;
    const overrides = prefer.shouldRetry !== undefined ? { 'x-should-retry': String(prefer.shouldRetry) } : undefined;
    return renderError(provider, op, code, { requestId, retryAfter: prefer.retryAfter }, { defaults: { 'x-should-retry': String(sdkRule) }, overrides });
  }

  /** Which attempt of "the same request" this is: the SDKs' retry counter, else a count kept here. */
  function attemptNumber(provider: ProviderRuntime, request: EngineRequest, bodyText: string): number {
    const sdkCount = request.headers.get('x-stainless-retry-count');
    if (sdkCount !== null && /^\d+$/.test(sdkCount)) return Number(sdkCount);
    const key = `${provider.name} ${request.method} ${request.url} ${request.headers.get('prefer')} ${hashString(bodyText)}`;
    const seen = attempts.get(key) ?? 0;
    if (attempts.size >= ATTEMPT_MEMORY) attempts.clear();
    attempts.set(key, seen + 1);
    return seen;
  }

  function render(provider: ProviderRuntime, op: OperationRuntime, ctx: OperationContext, result: OperationResult): Reply {
    const { requestId, prefer } = ctx;
    switch (result.kind) {
      case 'error': {
        const status = result.status ?? statusForTrigger(provider, result.trigger ?? 'invalid-request');
        return renderError(provider, op, status, { requestId, message: result.message, param: result.param, trigger: result.trigger });
      }
      case 'json': {
        const status = result.status ?? 200;
        // An answer with an error status carries that status's documented headers, not the success's.
        const specs = status >= 400 ? (catalogueEntry(provider, op, status)?.headers ?? []) : op.successHeaders;
        const headerContext = { requestId, retryAfter: prefer.retryAfter, ...result.headerValues };
        const headers = renderHeaders(specs, headerContext, { 'content-type': 'application/json' });
        if (result.headers) Object.assign(headers, result.headers);
        diagnose(headers, prefer);
        return jsonReply(status, result.body, headers);
      }
      case 'stream': {
        const sse = op.sse;
        if (!sse) return problem(500, `standin: ${op.operationId} documents no text/event-stream response`);
        const headers = renderHeaders(
          op.successHeaders,
          { requestId, ...result.headerValues },
          { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
        );
        diagnose(headers, prefer);
        const failure = prefer.streamError !== undefined ? streamFailure(provider, op, prefer, requestId) : undefined;
        const stream = createSseStream(result.events, {
          framing: sse.framing,
          terminator: sse.terminator,
          ttftMs: prefer.ttftMs ?? options.ttftMs,
          tokensPerSecond: prefer.tokensPerSecond ?? options.tokensPerSecond,
          failure,
        });
        return { status: 200, headers, body: stream };
      }
    }
  }

  function streamFailure(provider: ProviderRuntime, op: OperationRuntime, prefer: Prefer, requestId: string) {
    const type = prefer.streamError || undefined;
    const entries = [...op.catalogue.values(), ...provider.catalogue.values()];
    // A named type uses its own entry; otherwise the provider's first server-side error, as documented.
    const entry = entries.find((e) => type !== undefined && e.errorType === type) ?? entries.find((e) => e.status >= 500) ?? entries[0]!;
    const body = provider.profile.errorBody(entry.template, { requestId, type }, provider);
    return { after: prefer.streamErrorAfter ?? 3, event: provider.profile.streamErrorEvent(body) };
  }

  const bodyValidators = new Map<OperationRuntime, ReturnType<typeof validatorAt>>();
  /** The request-body validator of an operation, looked up once (Ajv caches the compiled function). */
  function bodyValidator(provider: ProviderRuntime, op: OperationRuntime): ReturnType<typeof validatorAt> {
    let validate = bodyValidators.get(op);
    if (!validate) {
      validate = validatorAt(ajv, provider.ajvKey, `${op.pointer}${BODY_SCHEMA}`);
      bodyValidators.set(op, validate);
    }
    return validate;
  }

  // Compiling every request-body validator now turns a broken document into a start-up error, and
  // spares the first request the compile.
  if (config.precompile) {
    for (const provider of config.providers) {
      for (const op of provider.operations) if (op.hasBody) bodyValidator(provider, op);
    }
  }

  async function safeHandle(request: EngineRequest): Promise<Reply> {
    try {
      return await handle(request);
    } catch (error) {
      // A bug in standin must not look like a provider error, nor leak a stack trace.
      return problem(500, `standin internal error: ${(error as Error).message}`);
    }
  }

  return {
    providers: config.providers,
    options,
    ajv,
    handle: safeHandle,
    fetch: async (request: Request) => toResponse(await safeHandle(request)),
  };
}

interface Target {
  pathname: string;
  searchParams: URLSearchParams;
}

const NO_QUERY = new URLSearchParams();

/** Path and query of an absolute URL, without a full URL parse on every request. */
function splitTarget(href: string): Target {
  const hostEnd = href.indexOf('/', href.indexOf('//') + 2);
  if (hostEnd < 0) return { pathname: '/', searchParams: NO_QUERY };
  const q = href.indexOf('?', hostEnd);
  const hash = href.indexOf('#', hostEnd);
  const pathEnd = q >= 0 ? q : hash >= 0 ? hash : href.length;
  const query = q >= 0 ? href.slice(q + 1, hash > q ? hash : href.length) : '';
  return { pathname: href.slice(hostEnd, pathEnd), searchParams: query ? new URLSearchParams(query) : NO_QUERY };
}

function diagnose(headers: Record<string, string>, prefer: Prefer): void {
  if (prefer.unknown.length) {
    // Header values must be ByteStrings; the directives are whatever the client sent.
    headers['x-standin-diagnostic'] = `unknown Prefer directives: ${prefer.unknown.join(', ')}`.replace(/[^\x20-\x7e]/g, '?');
  }
}
