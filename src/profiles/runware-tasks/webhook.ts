/**
 * Webhook delivery (runware.yaml `webhooks.textInferenceResult`): one POST of `{"data": [result]}` per
 * result, in result order (for a failed task, one POST of `{"errors": [error], "data": []}`), in the
 * background so the API answer never waits for it. A failed call (no connection, a non-2xx answer, a
 * timeout) is retried a few times with a short backoff, then recorded as failed. The document has no field that reports deliveries, so the record stays inside standin;
 * `webhookDeliveries` exposes it to tests. Nothing here may throw into the server.
 */
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
const TIMEOUT_MS = 10_000;
const KEY = 'runware-tasks:webhooks';
const CAPACITY = 10_000;

function records(state: Map<string, unknown>): Map<string, WebhookDelivery[]> {
  let map = state.get(KEY) as Map<string, WebhookDelivery[]> | undefined;
  if (!map) state.set(KEY, (map = new Map()));
  return map;
}

/** The delivery records of a task's webhook calls (empty when it had no webhook). */
export function webhookDeliveries(state: Map<string, unknown>, taskUUID: string): WebhookDelivery[] {
  return (records(state).get(taskUUID) ?? []).map((d) => ({ ...d }));
}

/** Starts delivering `payloads` to `url` and returns at once. */
export function deliverWebhook(state: Map<string, unknown>, taskUUID: string, url: string, payloads: Obj[]): void {
  const map = records(state);
  const deliveries = payloads.map((_, resultIndex): WebhookDelivery => ({ taskUUID, url, resultIndex, attempts: 0, outcome: 'pending' }));
  map.delete(taskUUID);
  map.set(taskUUID, deliveries);
  if (map.size > CAPACITY) map.delete(map.keys().next().value!);
  const run = async (): Promise<void> => {
    for (const [i, payload] of payloads.entries()) await deliverOne(deliveries[i]!, payload);
  };
  run().catch(() => undefined);
}

async function deliverOne(delivery: WebhookDelivery, payload: Obj): Promise<void> {
  const body = JSON.stringify(payload);
  while (delivery.attempts < WEBHOOK_ATTEMPTS) {
    if (delivery.attempts > 0) await sleep(FIRST_BACKOFF_MS * 2 ** (delivery.attempts - 1));
    delivery.attempts++;
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined); // free the connection
      if (res.ok) {
        delivery.outcome = 'delivered';
        delete delivery.lastError;
        return;
      }
      delivery.lastError = `HTTP ${res.status}`;
    } catch (error) {
      // fetch wraps the reason (ECONNREFUSED, a bad port) in `cause`.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      delivery.lastError = cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
    }
  }
  delivery.outcome = 'failed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
