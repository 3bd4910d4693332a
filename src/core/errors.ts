/**
 * Simulated provider errors are data: a status picks a catalogue entry from the document, the profile
 * fills its template (message, request id), and the documented headers go with it.
 */
import { renderHeaders } from './headers.js';
import { jsonReply, type Reply } from './reply.js';
import type { CatalogueEntry, HeaderValues, OperationRuntime, ProviderRuntime, Trigger } from './types.js';

export interface ErrorDetails {
  requestId: string;
  message?: string;
  param?: string;
  retryAfter?: number;
  type?: string;
  /** The natural trigger behind the error, when there is one (a profile may pick its code by it). */
  trigger?: Trigger;
  /** Values for the entry's `x-standin-value` headers (rate-limit counters, balances). */
  values?: HeaderValues;
}

export function statusForTrigger(provider: ProviderRuntime, trigger: Trigger): number {
  return provider.triggers[trigger] ?? provider.triggers['invalid-request'] ?? 400;
}

export function catalogueEntry(provider: ProviderRuntime, op: OperationRuntime | undefined, status: number): CatalogueEntry | undefined {
  return op?.catalogue.get(status) ?? provider.catalogue.get(status);
}

export function renderError(
  provider: ProviderRuntime,
  op: OperationRuntime | undefined,
  status: number,
  details: ErrorDetails,
  extra: { defaults?: Record<string, string>; overrides?: Record<string, string> } = {},
): Reply {
  const entry = catalogueEntry(provider, op, status);
  if (!entry) {
    return problem(500, `standin: status ${status} is not documented for provider ${provider.name}`);
  }
  const body = provider.profile.errorBody(entry.template, details, provider);
  const headers = renderHeaders(entry.headers, details, { 'content-type': 'application/json', ...extra.defaults });
  Object.assign(headers, extra.overrides);
  return jsonReply(status, body, headers);
}

/** standin's own complaints (misuse of standin, not a provider error), as RFC 9457 problem details. */
export function problem(status: number, detail: string): Reply {
  return jsonReply(
    status,
    { type: 'about:blank', title: 'standin', status, detail },
    // Header values must be ByteStrings; the detail may quote anything a client sent.
    { 'content-type': 'application/problem+json', 'x-standin-diagnostic': detail.replace(/[^\x20-\x7e]/g, '?') },
  );
}
