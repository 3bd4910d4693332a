/**
 * Why an exchange ended as it did, filled in by the pipeline steps as they run: the refusal behind an
 * error (a validation message naming the field), which outcome source answered, and notes from any step.
 * The journal keeps it beside the request and the answer; nothing in it may hold a key.
 */
import type { Trigger } from './types.js';

export interface ExchangeTrace {
  session: string;
  provider?: string;
  operationId?: string;
  /** Set when the request was refused before an outcome was chosen. */
  refusal?: { trigger: Trigger; message: string; param?: string };
  /** The source that chose the answer (`forced`, `chaos`, `limits`, `fixture`, `synthesis`, …) and why. */
  outcome?: { source: string; detail?: string };
  /** The request body as read (absent when the request was refused before its body was read). */
  bodyText?: string;
  /** The Prefer directives the request carried (raw header value). */
  prefer?: string;
  notes: string[];
}

export function createTrace(session: string): ExchangeTrace {
  return { session, notes: [] };
}
