/**
 * Webhook delivery (runware.yaml `webhooks.textInferenceResult`): one POST of `{"data": [result]}` per
 * result, in result order (for a failed task, one POST of `{"errors": [error], "data": []}`), in the
 * background so the API answer never waits for it. A failed call (no connection, a non-2xx answer, a
 * timeout) is retried a few times with a short backoff, then recorded as failed and logged. The document
 * has no field that reports deliveries, so the record stays inside standin, in the state store under the
 * request's session (any process sharing the store sees it); `webhookDeliveries` exposes it to tests.
 * The calls themselves are made by the process that took the request. Nothing here may throw into the
 * server.
 *
 * A webhook makes standin send requests where a client says, so calls are fenced: http(s) only; by
 * default only loopback hosts (others when `standin serve --webhook-hosts` names them); redirects are
 * not followed (a 3xx is a failed call); the target's answer body is never read; each call has a
 * deadline; at most `MAX_CONCURRENT_DELIVERIES` calls are in flight per process and at most
 * `MAX_QUEUED_DELIVERIES` wait, beyond which calls are dropped (recorded and logged as failed). With the
 * document's cap on tasks per request (`maxItems`) and `numberResults`, one request makes a bounded
 * number of calls.
 */
import { createRedactor } from '../../core/redact.js';
import { stateKey, type StateStore } from '../../core/state/store.js';
import type { Json } from '../../core/types.js';

type Obj = Record<string, unknown>;

export interface WebhookDelivery {
  taskUUID: string;
  url: string;
  /** Which of the task's results this call carries (0-based, in the order of `data`). */
  resultIndex: number;
  attempts: number;
  outcome: 'pending' | 'delivered' | 'failed';
  /** Why the last attempt failed (`HTTP 500`, a connection error). */
  lastError?: string;
}

/** Attempts per call, and the wait before the second one (doubled each time). */
export const WEBHOOK_ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 100;
/** Deadline of one call, from sending to the answer's status line. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Calls in flight at once (per process), and calls allowed to wait for a slot. */
export const MAX_CONCURRENT_DELIVERIES = 8;
export const MAX_QUEUED_DELIVERIES = 1_000;
/** Records are garbage after this long (real time), so a long-running server stays bounded. */
const RECORD_TTL_MS = 60 * 60_000;

/** Where a task's delivery records live: the session and provider the task ran under. */
export interface WebhookRecords {
  store: StateStore;
  session: string;
  provider: string;
}

const recordKey = (where: WebhookRecords, taskUUID: string) => stateKey(where.session, 'runware-webhook', where.provider, taskUUID);

/** The delivery records of a task's webhook calls (empty when it had no webhook). */
export async function webhookDeliveries(where: WebhookRecords, taskUUID: string): Promise<WebhookDelivery[]> {
  const stored = await where.store.get(recordKey(where, taskUUID));
  return Array.isArray(stored) ? (stored as unknown as WebhookDelivery[]) : [];
}

export interface WebhookPolicy {
  /** Host names (besides loopback ones) webhooks may be sent to; `*` allows any. */
  allowedHosts: readonly string[];
  /** Where failed deliveries are reported (default: console.warn). */
  log?: (line: string) => void;
}

/**
 * Records the calls as pending, starts delivering `payloads` to `url` in the background and resolves
 * once the record is written (the calls go on after). Each change of a call's state rewrites the record.
 */
export async function deliverWebhook(where: WebhookRecords, taskUUID: string, url: string, payloads: Obj[], policy: WebhookPolicy = { allowedHosts: [] }): Promise<void> {
  const deliveries = payloads.map((_, resultIndex): WebhookDelivery => ({ taskUUID, url, resultIndex, attempts: 0, outcome: 'pending' }));
  const key = recordKey(where, taskUUID);
  // Writes are chained so they land in the order the changes happened; a store that fails loses a record,
  // never the server.
  let written = Promise.resolve();
  const save = (): Promise<void> => {
    const snapshot = deliveries.map((d) => ({ ...d })) as unknown as Json;
    written = written.then(() => where.store.set(key, snapshot, RECORD_TTL_MS)).catch(() => undefined);
    return written;
  };
  const log = policy.log ?? ((line: string) => console.warn(line));
  const refusal = refuseTarget(url, policy.allowedHosts);
  if (refusal) {
    for (const delivery of deliveries) fail(delivery, refusal, log);
    return save();
  }
  const first = save();
  const run = async (): Promise<void> => {
    for (const [i, payload] of payloads.entries()) await deliverOne(deliveries[i]!, payload, log, save);
  };
  run().catch(() => undefined);
  return first;
}

/** Why `url` may not be called, or undefined when it may. */
export function refuseTarget(url: string, allowedHosts: readonly string[]): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not called: not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `not called: only http and https webhooks are sent, not ${parsed.protocol}`;
  // The URL parser has already turned every spelling of an address (2130706433, 0x7f.1, [::ffff:…])
  // into its canonical form.
  const host = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host) || allowedHosts.includes('*') || allowedHosts.some((h) => h.toLowerCase().replace(/^\[|\]$/g, '') === host)) return undefined;
  return `not called: ${host} is not a loopback host; name it with 'standin serve --webhook-hosts' to allow it`;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
}

/** A process-wide gate: a few calls in flight, a bounded queue behind them. */
let inFlight = 0;
const waiting: (() => void)[] = [];

function acquire(): Promise<void> | undefined {
  if (inFlight < MAX_CONCURRENT_DELIVERIES) {
    inFlight++;
    return Promise.resolve();
  }
  if (waiting.length >= MAX_QUEUED_DELIVERIES) return undefined;
  return new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else inFlight--;
}

/** Calls in flight and waiting now (tests). */
export function deliveryLoad(): { inFlight: number; waiting: number } {
  return { inFlight, waiting: waiting.length };
}

async function deliverOne(delivery: WebhookDelivery, payload: Obj, log: (line: string) => void, save: () => Promise<void>): Promise<void> {
  const body = JSON.stringify(payload);
  while (delivery.attempts < WEBHOOK_ATTEMPTS) {
    if (delivery.attempts > 0) await sleep(FIRST_BACKOFF_MS * 2 ** (delivery.attempts - 1));
    const slot = acquire();
    if (!slot) {
      fail(delivery, `dropped: more than ${MAX_QUEUED_DELIVERIES} webhook calls were waiting`, log);
      return save();
    }
    await slot;
    delivery.attempts++;
    void save();
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      // Only the status matters: the body is never read, whatever its size.
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) {
        delivery.outcome = 'delivered';
        delete delivery.lastError;
        await save();
        return;
      }
      delivery.lastError = res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (redirects are not followed)` : `HTTP ${res.status}`;
    } catch (error) {
      // fetch wraps the reason (ECONNREFUSED, a bad port) in `cause`.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const name = (error as Error).name;
      delivery.lastError = name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS} ms` : (cause?.code ?? cause?.message ?? (error as Error).message ?? String(error));
    } finally {
      release();
    }
  }
  fail(delivery, delivery.lastError ?? 'failed', log);
  await save();
}

function fail(delivery: WebhookDelivery, why: string, log: (line: string) => void): void {
  delivery.outcome = 'failed';
  delivery.lastError = why;
  try {
    log(redactUrl(`standin: webhook call ${delivery.resultIndex + 1} of task ${delivery.taskUUID} to ${delivery.url} failed after ${delivery.attempts} attempt(s): ${why}`));
  } catch {
    // A logger that throws must not reach the server.
  }
}

const redactUrl = createRedactor();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
