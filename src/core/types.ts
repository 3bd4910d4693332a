/** Types shared by the engine core, the profiles and the adapters. Web-standard only. */
import type { Answer } from './answer.js';
import type { Rng } from './hash.js';
import type { Prefer } from './prefer.js';
import type { EngineRequest } from './reply.js';
import type { Clock } from './state/clock.js';
import type { StateStore } from './state/store.js';
import type { ExchangeTrace } from './trace.js';
import type { Prices, Usage } from './usage.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The natural error triggers a document maps to statuses (see openapi/CONVENTIONS.md). */
export type Trigger =
  | 'missing-key'
  | 'invalid-key'
  | 'malformed-json'
  | 'invalid-request'
  | 'unknown-model'
  | 'unsupported-media-type'
  | 'body-too-large'
  | 'unknown-route'
  | 'method-not-allowed';

/** One server-sent event before framing. `event` is the `event:` name, if the framing uses names. */
export interface SseEvent {
  event?: string;
  data: unknown;
}

/**
 * What an operation handler answers; the engine renders it with the documented headers.
 *
 * `usage` says what the answer reports using (tokens, cache reads and writes), for the settle step
 * (rate limits, credits). It is a function so that an answer nobody accounts for costs nothing. A JSON
 * answer may leave it out: the profile's `usageOf` reads it from the body. A stream must give it to be
 * accounted, since its usage is only on the wire once the last event is written.
 */
export type OperationResult =
  | {
      kind: 'json';
      status?: number;
      /** The body; undefined when the profile wrote it as `jsonText` (read it with `jsonBodyOf`). */
      body: unknown;
      /** The body as JSON text, when the profile wrote it itself. */
      jsonText?: string;
      headers?: Record<string, string>;
      headerValues?: HeaderValues;
      usage?: () => Usage | undefined;
    }
  | {
      kind: 'stream';
      events: Iterable<SseEvent> | AsyncIterable<SseEvent>;
      headers?: Record<string, string>;
      headerValues?: HeaderValues;
      usage?: () => Usage | undefined;
    }
  | { kind: 'error'; trigger?: Trigger; status?: number; message: string; param?: string };

/**
 * Values an `x-standin-value` header may take, computed per request: by the handler (`estimated-credits`,
 * `processing-ms`) or by the settle step (rate-limit counters, credit balances; see outcome/settle.ts). A
 * header whose value is absent here shows its document example, so a document can declare a header
 * before anything computes it.
 */
export interface HeaderValues {
  'estimated-credits'?: string;
  /** Milliseconds the provider spent on the request (OpenAI's `openai-processing-ms`). */
  'processing-ms'?: string;
  [value: string]: string | undefined;
}

export interface OperationContext {
  provider: ProviderRuntime;
  operation: OperationRuntime;
  request: EngineRequest;
  /** The request's query parameters (the engine splits the URL without a full parse). */
  query: URLSearchParams;
  body: unknown;
  /** The body as it arrived (for hashing or recording it as sent). */
  bodyText: string;
  pathParams: Record<string, string>;
  prefer: Prefer;
  requestId: string;
  /** Seeded by the request body, so equal requests get equal answers. */
  rng: Rng;
  seed: number;
  options: EngineOptions;
  /** The key the client authenticated with (never logged or echoed). */
  apiKey?: string;
  /** Validates a value against the schema at a pointer into the bundled document; undefined when valid. */
  validate(pointer: string, value: unknown): { message: string; param: string } | undefined;
  /** The session the request belongs to (`x-standin-session`, else the default session). */
  session: string;
  /** Where state that outlives the request lives; keys built with `stateKey(ctx.session, …)`. */
  store: StateStore;
  clock: Clock;
  /** Why the exchange ends as it does; steps add to it, the journal keeps it. */
  trace: ExchangeTrace;
}

export type OperationHandler = (ctx: OperationContext) => OperationResult | Promise<OperationResult>;

/** What a wire protocol adds to a document: synthesis, envelopes, ids. */
export interface Profile {
  name: string;
  operations: Record<string, OperationHandler>;
  /** A fresh request id in the provider's form. */
  requestId(): string;
  /** The error body for a status, from the catalogue's template. */
  errorBody(
    template: unknown,
    error: { message?: string; requestId: string; param?: string; type?: string; trigger?: Trigger },
    provider: ProviderRuntime,
  ): unknown;
  /** Checks, at start-up, what the profile reads from its document beyond what the engine compiles. */
  checkDocument?(provider: ProviderRuntime): void;
  /** The error type named inside a catalogue template, so a stream error can be looked up by type. */
  errorTypeOf(template: unknown): string | undefined;
  /** A mid-stream error event carrying that error body. */
  streamErrorEvent(body: unknown): SseEvent;
  /** How a handler's body names its model, if the engine should check it against `x-standin-models`. */
  modelOf?(body: unknown): string | undefined;
  /**
   * Operations whose body the profile validates itself (e.g. a task array where each task succeeds or
   * fails on its own); the engine then skips whole-body schema validation and the model check.
   */
  validatesOwnBody?: string[];
  /** Whether the request asks for a streamed answer (chaos draws stream faults only for those). */
  wantsStream?(operationId: string, body: unknown): boolean;
  /** A key carried in the body instead of a header (Runware's leading authentication task). */
  credentialFromBody?(body: unknown): string | undefined;
  /**
   * Rules to apply before schema validation, where a cross-field rule explains a failure better than
   * the schema's message would (e.g. `stream_options` without `stream`).
   */
  checkBeforeSchema?(operationId: string, body: unknown): { message: string; param: string } | undefined;
  /** The provider's wording for an unknown model (default `model: <id>`). */
  unknownModelMessage?(model: string): string;
  /**
   * Renders a neutral answer (a hand-written fixture) as this operation's JSON or stream, whichever the
   * request asked for; `undefined` when the operation or the request's delivery cannot carry one.
   */
  renderAnswer?(ctx: OperationContext, answer: Answer): OperationResult | undefined;
  /** What a JSON answer body reports using (its `usage`), for rate limits and credits. */
  usageOf?(body: unknown): Usage | undefined;
  /** The text of the last user turn and whether it carries a tool result (fixture matching). */
  lastUserTurn?(body: unknown): { text: string; toolResult: boolean; assistantTurns: number } | undefined;
}

/** The budgets a rate limit counts (see limits/buckets.ts); `spend` is in US dollars. */
export type RateLimitBucket = 'requests' | 'tokens' | 'input-tokens' | 'output-tokens' | 'spend';

/** `x-standin-value`s: computed per request (see openapi/CONVENTIONS.md). */
export type DerivedValue =
  | 'request-id'
  | 'retry-after'
  | 'estimated-credits'
  | 'processing-ms'
  | 'credits-remaining'
  | `ratelimit-${RateLimitBucket}-${'limit' | 'remaining' | 'reset'}`;

/** How a header writes an instant (a rate-limit reset), read from its schema. */
export type InstantFormat = 'date-time' | 'unix-seconds' | 'duration';

export interface HeaderSpec {
  name: string;
  value?: string;
  derived?: DerivedValue;
  /** For a `ratelimit-*-reset`: RFC 3339 (`format: date-time`), Unix seconds (integer), else a duration. */
  instant?: InstantFormat;
}

export interface CatalogueEntry {
  status: number;
  template: unknown;
  headers: HeaderSpec[];
  errorType?: string;
}

export interface SseSpec {
  framing: 'named' | 'data';
  terminator?: string;
  /** Ajv key of the per-event schema. */
  itemSchemaRef: string;
  /**
   * Set when the event schema says unknown event types are to be ignored (`x-standin-unknown-events:
   * ignore` beside its discriminator): the discriminating property and the types it names. An event
   * whose type is another string is tolerated, not checked.
   */
  knownEvents?: { property: string; types: string[] };
}

export interface OperationRuntime {
  operationId: string;
  method: string;
  path: string;
  /** JSON pointer into the bundled document, for Ajv refs. */
  pointer: string;
  security: SecurityAlternative[];
  strictSecurity?: SecurityAlternative[];
  requiredHeaders: string[];
  /** `numeric`: the schema takes a number, so a digit string in the query is read as one. */
  queryParams: { name: string; schemaRef: string; required: boolean; numeric: boolean }[];
  hasBody: boolean;
  /** Body fields whose `maximum` is a stated output cap (`x-standin-output-cap`), by Ajv instance path. */
  outputCaps: ReadonlySet<string>;
  maxBodyBytes: number;
  successHeaders: HeaderSpec[];
  sse?: SseSpec;
  catalogue: Map<number, CatalogueEntry>;
  /** Where each documented status's response object lives in the bundled document. */
  responsePointers: Map<number, string>;
  example?: unknown;
  raw: JsonObject;
}

/** One way to authenticate: every scheme in it must be satisfied. */
export type SecurityAlternative = { kind: 'header'; header: string; bearer: boolean }[];

export interface ProviderRuntime {
  name: string;
  document: JsonObject;
  profile: Profile;
  models: string[];
  /** The id an answer names for a requested model id (`x-standin-model-answers`); absent: the request's. */
  modelAnswers: Record<string, string>;
  triggers: Partial<Record<Trigger, number>>;
  /** The provider's own wording for a natural trigger (`x-standin-trigger-messages`). */
  triggerMessages: Partial<Record<Trigger, string>>;
  operations: OperationRuntime[];
  /** Catalogue of every documented error status in the document. */
  catalogue: Map<number, CatalogueEntry>;
  ajvKey: string;
  /** USD per token, from `x-standin-prices` (per million tokens in the document). */
  prices: Prices;
}

export interface EngineOptions {
  /** Milliseconds before the first streamed token. */
  ttftMs: number;
  /** Streamed tokens per second; 0 means as fast as possible. */
  tokensPerSecond: number;
  /** Accept only the security the provider's document names strictly (`x-standin-strict-security`). */
  strictAuth: boolean;
  /** Keys that are accepted; empty means any key that is not rejected. */
  acceptKeys: string[];
  /** Keys starting with this prefix are treated as revoked (the `invalid-key` trigger). */
  rejectKeyPrefix: string;
  /** Host names, besides loopback ones, that webhooks (Runware `webhookURL`) may be sent to; `*`: any. */
  webhookHosts: string[];
  /** Chance (0 to 1) that a request draws a fault (`--chaos`); 0: no chaos unless a request asks. */
  chaosRate: number;
  /** Seed of each session's chaos sequence (`--chaos-seed`). */
  chaosSeed: number;
  /**
   * Refuse an output limit above a document's stated cap (`x-standin-output-cap`) instead of serving it
   * capped, as the provider's docs say.
   */
  strictLimits: boolean;
}

export const defaultEngineOptions: EngineOptions = {
  ttftMs: 0,
  tokensPerSecond: 0,
  strictAuth: false,
  acceptKeys: [],
  rejectKeyPrefix: 'invalid',
  webhookHosts: [],
  chaosRate: 0,
  chaosSeed: 0,
  strictLimits: false,
};
