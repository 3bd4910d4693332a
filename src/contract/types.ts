/**
 * The contract suite's vocabulary. A *probe* is one request the suite sends (or finds recorded) and the
 * checks it evaluates on the answer; each check cites the document statement it comes from. Web APIs only.
 */
import type { ParsedEvent } from './parse-sse.js';

/** Where a check comes from: a document, a JSON pointer into it, and the statement found there. */
export interface DocSource {
  /** The provider document's file name, e.g. `anthropic.yaml`. */
  document: string;
  /** A JSON pointer (with the leading `#`), e.g. `#/paths/~1v1~1messages/post/responses/429`. */
  pointer: string;
  /** The text at that place (a description, a note), or a short paraphrase of the rule. */
  statement: string;
}

export type Outcome = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  source: DocSource;
  outcome: Outcome;
  /** The probe (request) the check was evaluated on. */
  probe: string;
  expected?: string;
  received?: string;
  /** Why a check was skipped, or extra detail on a failure. */
  reason?: string;
}

/** What a check decides about one exchange. */
export type Verdict = { ok: true } | { ok: false; expected: string; received: string } | { skip: string };

/** A request as the plan describes it: never holds a secret, so it can be printed as it is. */
export interface PlannedRequest {
  method: string;
  /** Path below the target's base URL, with the query string if any. */
  path: string;
  headers: Record<string, string>;
  /** JSON body, or raw text (for malformed JSON); absent for GET. */
  body?: unknown;
  rawBody?: string;
  /** Which credential goes in the documented auth header. */
  auth: 'key' | 'none' | 'wrong';
}

/** What came back, read to the end (or as far as the target allowed). */
export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, when the body parsed. */
  json?: unknown;
  jsonError?: string;
  /** Server-sent events, when the answer was a stream. */
  events?: ParsedEvent[];
  /** The body could not be read to its end (connection closed, stall past the timeout). */
  bodyError?: string;
  /** A name for the exchange when it comes from a recording. */
  label?: string;
  /** The body of the request that got this answer, when known (checks read limits and tools from it). */
  requestBody?: unknown;
  /** The recording kept no headers (a bare `.sse` body): header checks are skipped. */
  headersUnknown?: boolean;
  /**
   * The recorder kept only some headers (a VCR cassette filters them; a standin recording may say so):
   * why. A documented header that is absent is then reported as scrubbed, not as the provider's fault.
   */
  headersScrubbed?: string;
  /** The recorder kept each event's JSON only (no event names, no terminator line): why. */
  framingLost?: string;
  durationMs: number;
}

export interface CheckSpec {
  /** Unique within the probe; the full id is `<provider>.<probe>.<id>`. */
  id: string;
  title: string;
  source: DocSource;
  /** Checks that only make sense once the status is right are skipped when it is not. */
  needsExpectedStatus?: boolean;
  run(exchange: Exchange): Verdict;
}

export interface Probe {
  /** e.g. `createMessage.stream`, `createMessage.error.missing-key`. Also the recording match key. */
  id: string;
  operationId: string;
  title: string;
  request: PlannedRequest;
  /** Whether the answer is expected as server-sent events. */
  stream: boolean;
  expectedStatus: number;
  /** Upper bound on the tokens this request may generate (0 for requests that generate nothing). */
  maxOutputTokens: number;
  checks: CheckSpec[];
}

export interface ContractReport {
  provider: string;
  document: string;
  target: string;
  startedAt: string;
  durationMs: number;
  requestsSent: number;
  dryRun: boolean;
  /** Dry runs: what would have been sent, and the most output tokens each request may cost. */
  planned: { probe: string; request: PlannedRequest; maxOutputTokens: number }[];
  checks: CheckResult[];
  summary: { passed: number; failed: number; skipped: number; total: number };
}
