/**
 * Recorded traffic checked against the plan: each recorded exchange is matched to the probe its
 * request corresponds to (by operation, then by the shape of the request), and that probe's checks run
 * on it. Probes with no matching exchange are skipped, not failed. A recorded refusal (4xx) that is not
 * the answer its probe expects says nothing about that probe (real traffic is refused for reasons the
 * suite's probes do not provoke: a model without a feature, a prompt too long): it is checked as an
 * observation of its documented status, like a retried 429 or 5xx.
 */
import { createRouter } from '../core/router.js';
import { describeErrors, validatorAt } from '../core/validator.js';
import { fail, type PlanContext } from './checks.js';
import { cite, documentName } from './doc-source.js';
import { evaluate, observe, resultsFor, RETRYABLE, toResult } from './evaluate.js';
import { toExchange } from './exchange.js';
import { isEventStream, looksLikeEventStream } from './media-type.js';
import type { Protocol } from './protocol.js';
import type { RecordedExchange } from './recordings.js';
import type { ProgressEvent } from './run.js';
import { WRONG_KEY } from './target.js';
import type { CheckResult, Exchange, Probe } from './types.js';

export function runRecorded(
  ctx: PlanContext,
  protocol: Protocol,
  probes: Probe[],
  exchanges: RecordedExchange[],
  progress: (e: ProgressEvent) => void,
): CheckResult[] {
  const byProbe = new Map<string, { rec: RecordedExchange; ex: Exchange }[]>();
  const results: CheckResult[] = [];
  let observations = 0;
  const route = createRouter(ctx.provider.operations);
  for (const rec of exchanges) {
    const match = classifyRecorded(ctx, protocol, route, rec, probes);
    const ex = recordedExchange(rec);
    if (!match) {
      results.push(
        toResult(`${ctx.provider.name}.recorded.${rec.label}`, 'a recorded exchange matches a documented operation', { document: documentName(ctx.provider), pointer: '#/paths', statement: 'The documented operations.' }, 'recorded', {
          skip: `${rec.request?.method} ${rec.request?.path} matches no documented operation`,
        }),
      );
      continue;
    }
    const refused = requestRefusal(ctx, route, rec);
    if (refused) results.push(refused);
    const probe = probes.find((p) => p.id === match);
    if ((RETRYABLE(ex.status) || ex.status >= 400) && probe && ex.status !== probe.expectedStatus) {
      results.push(...observe(ctx, probe, ex, ++observations).map((r) => ({ ...r, id: `${r.id}@${rec.label}` })));
      continue;
    }
    const list = byProbe.get(match) ?? [];
    list.push({ rec, ex });
    byProbe.set(match, list);
  }
  for (const [index, probe] of probes.entries()) {
    const found = byProbe.get(probe.id) ?? [];
    const probeResults = found.length
      ? found.flatMap(({ rec, ex }) => evaluate(ctx.provider.name, probe, ex, `@${rec.label}`))
      : resultsFor(ctx.provider.name, probe, () => ({ skip: 'no recorded exchange matches this probe' }));
    results.push(...probeResults);
    progress({ type: 'probe', index: index + 1, total: probes.length, probe, results: probeResults });
  }
  return results;
}

function recordedExchange(rec: RecordedExchange): Exchange {
  const headersUnknown = rec.response.headers === undefined;
  const headers = new Headers(rec.response.headers ?? {});
  const text = rec.response.text ?? (rec.response.body === undefined ? '' : JSON.stringify(rec.response.body));
  const declared = headers.get('content-type');
  const stream = declared ? isEventStream(declared) : looksLikeEventStream(text);
  return toExchange({
    status: rec.response.status,
    headers,
    text,
    stream,
    json: stream ? undefined : rec.response.body,
    requestBody: rec.request?.body ?? (rec.request?.rawBody === undefined ? undefined : safeParse(rec.request.rawBody)),
    headersUnknown,
    headersScrubbed: rec.response.headersScrubbed,
    framingLost: rec.response.framingLost,
    label: rec.label,
  });
}

/** The probe a recorded exchange answers: by operation (`route`, the provider's router), then by the shape of its request. */
export function classifyRecorded(
  ctx: PlanContext,
  protocol: Protocol,
  route: ReturnType<typeof createRouter>,
  rec: RecordedExchange,
  probes: Probe[] = [],
): string | undefined {
  const gen = protocol.generateOperation;
  if (!rec.request) {
    const text = rec.response.text ?? '';
    return `${gen}.${looksLikeEventStream(text) ? 'stream' : 'json'}`;
  }
  const found = routeRecorded(ctx, route, rec.request.method.toUpperCase(), rec.request.path.split('?')[0]!);
  if (found.kind !== 'found') return undefined;
  const op = found.op;
  const headers = rec.request.headers ? new Headers(rec.request.headers) : undefined;
  // A key probe's evidence is an answer with the status that probe expects: a request that got any other
  // answer carried a working key, or was refused for another reason, even when a recorder filtered the key
  // header out (VCR cassettes do).
  const answers = (id: string) => probes.some((p) => p.id === id && p.expectedStatus === rec.response.status);
  if (headers && op.security.length) {
    const missing = `${op.operationId}.error.missing-key`;
    const wrong = `${op.operationId}.error.wrong-key`;
    if (!op.security.some((alt) => alt.every((s) => headers.has(s.header))) && answers(missing)) return missing;
    if (op.security.some((alt) => alt.some((s) => headers.get(s.header)?.includes(WRONG_KEY))) && answers(wrong)) return wrong;
  }
  let body = rec.request.body;
  if (rec.request.rawBody !== undefined) {
    body = safeParse(rec.request.rawBody);
    if (body === undefined) return `${op.operationId}.error.malformed-json`;
  }
  if (op.operationId !== gen) {
    // A failed read of a named resource (`GET /v1/models/{id}`) is the unknown-id probe's evidence.
    return rec.response.status >= 400 && op.path.includes('{') ? `${op.operationId}.error.unknown-id` : `${op.operationId}.json`;
  }
  // A request the provider answered is evidence of its answer, whatever the document says of the request
  // (`runRecorded` reports a refused-but-answered request on its own).
  if (op.hasBody && rec.response.status >= 400) {
    const validate = validatorAt(ctx.ajv, ctx.provider.ajvKey, `${op.pointer}/requestBody/content/application~1json/schema`);
    if (!validate(body)) {
      const keyword = (validate.errors ?? []).map((e) => e.keyword);
      if (keyword.includes('required')) return `${gen}.error.missing-field`;
      if (keyword.some((k) => ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum'].includes(k))) return `${gen}.error.out-of-range`;
      return `${gen}.error.missing-field`;
    }
  }
  // Recordings from other models are evidence of the wire format; an unknown model only classifies an error.
  const model = ctx.provider.profile.modelOf?.(body) ?? (body as Record<string, unknown> | undefined)?.model;
  if (rec.response.status >= 400 && typeof model === 'string' && ctx.provider.models.length && !ctx.provider.models.includes(model)) {
    return `${gen}.error.unknown-model`;
  }
  return `${gen}.${protocol.classify(body)}`;
}

/**
 * A recorded request the provider answered (2xx) that the document would refuse: the document is stricter
 * than the provider there. Reported once per exchange as a finding about the document, never held against
 * the answer, which its probe's checks judge as usual.
 */
function requestRefusal(ctx: PlanContext, route: ReturnType<typeof createRouter>, rec: RecordedExchange): CheckResult | undefined {
  if (!rec.request || rec.response.status < 200 || rec.response.status >= 300) return undefined;
  const found = routeRecorded(ctx, route, rec.request.method.toUpperCase(), rec.request.path.split('?')[0]!);
  if (found.kind !== 'found' || !found.op.hasBody) return undefined;
  const body = rec.request.rawBody !== undefined ? safeParse(rec.request.rawBody) : rec.request.body;
  if (body === undefined) return undefined;
  const pointer = `${found.op.pointer}/requestBody/content/application~1json/schema`;
  const validate = validatorAt(ctx.ajv, ctx.provider.ajvKey, pointer);
  if (validate(body)) return undefined;
  return toResult(
    `${ctx.provider.name}.${found.op.operationId}.request.accepted@${rec.label}`,
    'a request the provider answered is one the document accepts',
    cite(ctx.provider, pointer, `The request body of ${found.op.operationId}.`),
    'recorded',
    fail('the recorded request valid against the documented request schema', `${rec.response.status} answered, but ${describeErrors(validate.errors).message}`),
  );
}

/**
 * Routes a recorded path. Recorders keep the full URL path (`/v1/chat/completions`) where the document's
 * paths are relative to a server URL that has a path of its own (`https://api.aigateway.sh/v1`).
 */
function routeRecorded(ctx: PlanContext, route: ReturnType<typeof createRouter>, method: string, path: string) {
  const found = route(method, path);
  if (found.kind === 'found') return found;
  for (const server of (ctx.provider.document.servers ?? []) as { url?: unknown }[]) {
    let base: string;
    try {
      base = new URL(String(server.url)).pathname.replace(/\/+$/, '');
    } catch {
      continue;
    }
    if (base && path.startsWith(`${base}/`)) {
      const inner = route(method, path.slice(base.length));
      if (inner.kind === 'found') return inner;
    }
  }
  return found;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
