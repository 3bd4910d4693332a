/**
 * The engine: `(Request) => Promise<Response>` over one or more providers. It only wires the pipeline,
 * each step its own module:
 *
 *   route (router.ts) → authenticate, read and validate (read-request.ts) → choose the outcome
 *   (outcome/: forced → … → synthesis) → settle (outcome/settle.ts: the asked sources account for the
 *   answer, e.g. rate limits and credits) → render (render.ts) → observe (onExchange: the journal)
 *
 * Web APIs only, so the same engine serves the Node server, MSW handlers and a fetch drop-in. State that
 * outlives a request (attempt counts, limits, caches, the clock) goes through one StateStore.
 */
import { promptCacheSpec } from './cache/prompt-cache.js';
import { handleControl, isControlPath, type ControlRoute } from './control.js';
import { problem } from './errors.js';
import { createRng } from './hash.js';
import { escapePointer } from './json-pointer.js';
import { chooseOutcome } from './outcome/choose-outcome.js';
import { chaosSource } from './outcome/chaos.js';
import { forcedSource } from './outcome/forced.js';
import { settleOutcome } from './outcome/settle.js';
import { synthesisSource } from './outcome/synthesis.js';
import type { OutcomeSource } from './outcome/types.js';
import { DIAGNOSTIC_HEADER } from './output-cap.js';
import { parsePrefer } from './prefer.js';
import { isReply, readRequest, refuse, type ReadEnv } from './read-request.js';
import { renderResult } from './render.js';
import { createRouter, type RouteMatch } from './router.js';
import { sessionOf } from './session.js';
import { createClock, type Clock } from './state/clock.js';
import { createMemoryStore } from './state/memory-store.js';
import { sessionPrefix, StateStoreError, type StateStore } from './state/store.js';
import { createTrace, type ExchangeTrace } from './trace.js';
import type { EngineOptions, OperationContext, OperationRuntime, ProviderRuntime } from './types.js';
import { describeErrors, hasValidator, validatorAt, type Ajv2020Instance } from './validator.js';
import { toResponse, type EngineRequest, type Reply } from './reply.js';

export interface Engine {
  /** The Fetch API entry: MSW handlers, the fetch drop-in, the in-process contract target. */
  fetch(request: Request): Promise<Response>;
  /** The same pipeline, answering a plain Reply (for adapters that write to a socket themselves). */
  handle(request: EngineRequest): Promise<Reply>;
  providers: ProviderRuntime[];
  options: EngineOptions;
  /** The validator holding every provider document, for checking what the engine (or anyone) answers. */
  ajv: Ajv2020Instance;
  /** Where state lives (in memory unless a shared store was given). */
  store: StateStore;
  /** standin's clock (wall time plus what `POST /_standin/clock` added). */
  clock: Clock;
  /** Clears the state of one session, or of every session. */
  reset(session?: string): Promise<void>;
}

/** One finished exchange, handed to observers (the journal, the log line) once the answer is ready. */
export interface Exchange {
  request: EngineRequest;
  reply: Reply;
  trace: ExchangeTrace;
  /** Wall time the request arrived (epoch ms) and the time taken to produce the answer's head. */
  startedAt: number;
  durationMs: number;
}

export interface EngineConfig {
  providers: ProviderRuntime[];
  ajv: Ajv2020Instance;
  options: EngineOptions;
  /** `prefix`: each provider under `/<name>`; `root`: the single provider at `/`. */
  mount: 'prefix' | 'root';
  /** Compile every request validator at creation (servers); tests creating many engines leave it off. */
  precompile?: boolean;
  /** Where state lives; in memory by default. */
  store?: StateStore;
  /**
   * standin's time; by default `createClock(store)`, which reads the offset from the store on every
   * `now()`. A process that learns the offset another way (a fleet worker told of every change) passes
   * its own, which must agree with the store's offset.
   */
  clock?: Clock;
  /**
   * Outcome sources asked after `Prefer: code=` and before synthesis, in this order (chaos, state,
   * fixtures). Each answers an outcome or `undefined`; a source with a `settle` hook is also told what
   * was answered (status, usage) before it is rendered.
   */
  sources?: OutcomeSource[];
  /** Further `/_standin/*` routes (journal, inspector). */
  controlRoutes?: ControlRoute[];
  /**
   * Called with every finished exchange; may answer a replacement Reply (e.g. one whose stream body is
   * observed event by event). A promise is awaited before the answer goes out, so an exchange is in the
   * journal by the time its client has read the answer.
   */
  onExchange?: (exchange: Exchange) => Reply | void | Promise<Reply | void>;
}

/** Where an operation's JSON request-body schema sits, relative to the operation. */
export const BODY_SCHEMA = '/requestBody/content/application~1json/schema';

/**
 * The schemas a provider's requests are validated against while serving: bodies, query parameters and
 * the per-task schemas a document lists (`x-standin-task-schemas`). Generated ahead of time at build;
 * any other pointer is compiled on first use.
 */
export function requestSchemaPointers(provider: ProviderRuntime): string[] {
  return provider.operations.flatMap((op) => [
    ...(op.hasBody ? [`${op.pointer}${BODY_SCHEMA}`] : []),
    ...op.queryParams.map((q) => q.schemaRef),
    ...Object.keys((op.raw['x-standin-task-schemas'] ?? {}) as object).map((type) => `${op.pointer}/x-standin-task-schemas/${escapePointer(type)}`),
  ]);
}

export function createEngine(config: EngineConfig): Engine {
  const { ajv, options } = config;
  if (config.mount === 'root' && config.providers.length !== 1) throw new Error('standin: root mount serves exactly one provider');
  // A malformed x-standin-prompt-cache is a start-up error, not a failure of the first cached request.
  for (const provider of config.providers) promptCacheSpec(provider);
  const routers = new Map(config.providers.map((p) => [p.name, createRouter(p.operations)]));
  const byName = new Map(config.providers.map((p) => [p.name, p]));
  const store = config.store ?? createMemoryStore();
  const clock = config.clock ?? createClock(store);
  // Chaos comes first among the configurable sources: a fault is drawn before limits or fixtures answer.
  const sources: OutcomeSource[] = [forcedSource, chaosSource, ...(config.sources ?? []), synthesisSource];
  const settles = sources.some((s) => s.settle);
  const control = { providers: config.providers.map((p) => p.name), store, clock, extra: config.controlRoutes };

  const bodyValidators = new Map<OperationRuntime, ReturnType<typeof validatorAt>>();
  const env: ReadEnv = {
    ajv,
    options,
    /** The request-body validator of an operation, looked up once (Ajv caches the compiled function). */
    bodyValidator(provider, op) {
      let validate = bodyValidators.get(op);
      if (!validate) {
        validate = validatorAt(ajv, provider.ajvKey, `${op.pointer}${BODY_SCHEMA}`);
        bodyValidators.set(op, validate);
      }
      return validate;
    },
  };

  /** Routes a request to its provider; a plain function, so a request costs one async frame less. */
  function route(request: EngineRequest, target: Target, trace: ExchangeTrace): Reply | Promise<Reply> {
    let path = target.pathname;
    if (isControlPath(path)) return handleControl(control, request, path, target.searchParams);
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
    trace.provider = provider!.name;
    return handleProvider(provider!, routers.get(provider!.name)!(request.method, path), request, target, trace);
  }

  async function handleProvider(provider: ProviderRuntime, match: RouteMatch, request: EngineRequest, target: Target, trace: ExchangeTrace): Promise<Reply> {
    const requestId = provider.profile.requestId();
    if (match.kind !== 'found') {
      const notFound = match.kind === 'not-found';
      const message = notFound ? `Not found: ${request.method} ${target.pathname}` : `Method ${request.method} not allowed`;
      return refuse(provider, undefined, trace, requestId, notFound ? 'unknown-route' : 'method-not-allowed', message);
    }
    const op = match.op;
    trace.operationId = op.operationId;
    const read = await readRequest(env, provider, op, request, target.searchParams, requestId, trace);
    if (isReply(read)) return read;
    trace.bodyText = read.bodyText;

    const preferHeader = request.headers.get('prefer');
    if (preferHeader) trace.prefer = preferHeader;
    const prefer = parsePrefer(preferHeader, target.searchParams);
    if (prefer.outOfRange) return problem(400, prefer.outOfRange);
    const ctx: OperationContext = {
      provider,
      operation: op,
      request,
      query: target.searchParams,
      body: read.body,
      bodyText: read.bodyText,
      pathParams: match.params,
      prefer,
      requestId,
      rng: createRng(read.seed),
      seed: read.seed,
      options,
      apiKey: read.apiKey,
      session: trace.session,
      store,
      clock,
      trace,
      validate: (pointer, value) => {
        const check = validatorAt(ajv, provider.ajvKey, pointer);
        return check(value) ? undefined : describeErrors(check.errors);
      },
    };
    const chosen = chooseOutcome(sources, ctx);
    const { outcome, index } = chosen instanceof Promise ? await chosen : chosen;
    let values = settles ? settleOutcome(sources, index, ctx, outcome) : undefined;
    if (values instanceof Promise) values = await values;
    const reply = 'reply' in outcome ? outcome.reply : renderResult(ctx, outcome.result, values);
    return read.diagnostics ? withDiagnostics(reply, read.diagnostics) : reply;
  }

  // Compiling every request-body validator now turns a broken document into a start-up error, and
  // spares the first request the compile.
  if (config.precompile) {
    for (const provider of config.providers) {
      // Validators generated ahead of time are loaded when first used instead.
      for (const op of provider.operations) if (op.hasBody && !hasValidator(ajv, provider.ajvKey, `${op.pointer}${BODY_SCHEMA}`)) env.bodyValidator(provider, op);
    }
  }

  async function safeHandle(request: EngineRequest): Promise<Reply> {
    const startedAt = Date.now();
    const trace = createTrace(sessionOf(request.headers));
    let reply: Reply;
    try {
      reply = await route(request, splitTarget(request.url), trace);
    } catch (error) {
      reply = failed(error, trace);
    }
    if (!config.onExchange) return reply;
    try {
      const observed = config.onExchange({ request, reply, trace, startedAt, durationMs: Date.now() - startedAt });
      return (observed instanceof Promise ? await observed : observed) ?? reply;
    } catch (error) {
      // An observer that cannot record (the journal, its shared store gone) fails the exchange the same way.
      return failed(error, trace);
    }
  }

  /**
   * A bug in standin, or a shared state store that failed, must not look like a provider error, nor leak a
   * stack trace: a 500 problem saying which.
   */
  function failed(error: unknown, trace: ExchangeTrace): Reply {
    const what = error instanceof StateStoreError ? 'state store failed' : 'internal error';
    trace.notes.push(`${what}: ${(error as Error).message}`);
    return problem(500, `standin ${what}: ${(error as Error).message}`);
  }

  return {
    providers: config.providers,
    options,
    ajv,
    store,
    clock,
    reset: (session) => store.clear(session === undefined ? '' : sessionPrefix(session)),
    handle: safeHandle,
    fetch: async (request: Request) => toResponse(await safeHandle(request)),
  };
}

/** The answer with a header saying what standin changed about the request to serve it. */
function withDiagnostics(reply: Reply, notes: string[]): Reply {
  return { ...reply, headers: { ...reply.headers, [DIAGNOSTIC_HEADER]: notes.join('; ') } };
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
