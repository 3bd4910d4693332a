/**
 * What the suite needs to know about a wire protocol to build requests and read answers. The checks
 * themselves are generic (plan.ts); a protocol only says how its bodies look and how its streams add up.
 */
import type { CatalogueEntry, JsonObject, OperationRuntime, Trigger } from '../core/types.js';
import type { CheckSpec, DocSource, PlannedRequest, Probe } from './types.js';
import type { PlanContext } from './checks.js';
import type { ParsedEvent } from './parse-sse.js';

/** A tool the suite offers when it forces a tool call. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input. */
  schema: JsonObject;
}

export interface GenerationRequest {
  model: string;
  maxTokens: number;
  prompt: string;
  stream?: boolean;
  stop?: string[];
  tool?: ToolSpec;
  /** Read back from a request only: the tools a forced choice may be answered with (see `readRequest`). */
  tools?: ToolSpec[];
}

/** The parts of a finished answer the behaviour checks look at, in protocol-neutral form. */
export interface Answer {
  stopReason?: string;
  /** The stop sequence the provider reports, when it reports one. */
  stopSequence?: string | null;
  text: string;
  toolCalls: { name: string; input: unknown; inputError?: string }[];
  outputTokens?: number;
}

export interface StreamReading {
  /** Order, indices, block start/stop, delta types, ids: the protocol's grammar. */
  violations: string[];
  /** Whether the stream ended the documented way, and how it ended. */
  termination: { ok: boolean; detail: string };
  /** A documented error event ended the stream early (the probe then has no answer to check). */
  errorEvent?: unknown;
  /** The answer rebuilt from the deltas, in the shape of the JSON (non-streamed) answer, when one exists. */
  assembled?: unknown;
  /** A protocol rule the rebuilt answer breaks (e.g. a final chunk whose text differs from its deltas). */
  assembledProblem?: string;
  /** Usage missing or inconsistent; undefined when fine. */
  usageProblem?: string;
  answer?: Answer;
}

/** What the stream reader knows about the request that started the stream. */
export interface StreamContext {
  /** The request body, when known (a bare recorded `.sse` has none). */
  request?: unknown;
  maxTokens?: number;
}

export interface Protocol {
  profile: string;
  /** Folder names under a recordings folder that hold this protocol's traffic. */
  recordingFolders: string[];
  /** The operation that generates text. */
  generateOperation: string;
  body(request: GenerationRequest, ctx: PlanContext): unknown;
  /**
   * The inverse of `body`: what a request body (planned or recorded) asks for, as far as it says. `tool`
   * is the tool it forces by name, else the first it offers; `tools` the tool it forces by name, else
   * every tool it offers (any of them answers `required` / `any`); `stop` is always a list.
   */
  readRequest(body: unknown): Partial<GenerationRequest>;
  answer(json: unknown): Answer | undefined;
  readStream(events: ParsedEvent[], stream: StreamContext, ctx: PlanContext, op: OperationRuntime): StreamReading;
  /** The documented values for each behaviour, with the statement that says so. */
  behaviour: {
    stopSequence: { stopReason: string; source: (ctx: PlanContext, op: OperationRuntime) => DocSource };
    maxTokens: { stopReason: string; source: (ctx: PlanContext, op: OperationRuntime) => DocSource };
    forcedTool: { stopReason?: string; source: (ctx: PlanContext, op: OperationRuntime) => DocSource };
  };
  /** The error type (or code) the document gives a trigger's answer; by default the catalogue's. */
  expectedErrorType?(trigger: Trigger, entry: CatalogueEntry | undefined, ctx: PlanContext): { type: string; source?: DocSource } | undefined;
  /** Edits of a valid body that provoke a validation error. */
  missingField(body: unknown): { body: unknown; field: string };
  outOfRange(body: unknown, ctx: PlanContext, op: OperationRuntime): { body: unknown; field: string; value: number } | undefined;
  unknownModel(body: unknown): unknown;
  /** Extra checks on a successful JSON answer to `body` (usage consistency, echoed ids). */
  jsonChecks?(ctx: PlanContext, op: OperationRuntime, body: unknown): CheckSpec[];
  /** Probes for the other documented operations (count tokens, models). */
  otherProbes?(ctx: PlanContext, plan: PlanHelpers): Probe[];
  /**
   * Which probe a recorded request of the generating operation corresponds to: `json`, `stream`,
   * `stream-tool`, `behaviour.stop-sequence`, `behaviour.max-tokens`, `behaviour.forced-tool`.
   */
  classify(body: unknown): string;
}

export interface PlanHelpers {
  headersFor(op: OperationRuntime, auth: 'key' | 'none' | 'wrong', json: boolean): Record<string, string>;
  /** A probe expecting the documented error for a natural trigger, with the usual error checks. */
  errorProbe(op: OperationRuntime, trigger: Trigger, id: string, title: string, request: PlannedRequest): Probe;
}
