/**
 * Recorded traffic checked against the plan: each recorded exchange is matched to the probe its
 * request corresponds to (by operation, then by the shape of the request), and that probe's checks run
 * on it. Probes with no matching exchange are skipped, not failed.
 */
import { createRouter } from '../core/router.js';
import { validatorAt } from '../core/validator.js';
import type { PlanContext } from './checks.js';
import { documentName } from './doc-source.js';
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
    const match = classifyRecorded(ctx, protocol, route, rec);
    const ex = recordedExchange(rec);
    if (!match) {
      results.push(
        toResult(`${ctx.provider.name}.recorded.${rec.label}`, 'a recorded exchange matches a documented operation', { document: documentName(ctx.provider), pointer: '#/paths', statement: 'The documented operations.' }, 'recorded', {
          skip: `${rec.request?.method} ${rec.request?.path} matches no documented operation`,
        }),
      );
      continue;
    }
    const probe = probes.find((p) => p.id === match);
    if (RETRYABLE(ex.status) && probe && ex.status !== probe.expectedStatus) {
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
    label: rec.label,
  });
}

/** The probe a recorded exchange answers: by operation (`route`, the provider's router), then by the shape of its request. */
export function classifyRecorded(
  ctx: PlanContext,
  protocol: Protocol,
  route: ReturnType<typeof createRouter>,
  rec: RecordedExchange,
): string | undefined {
  const gen = protocol.generateOperation;
  if (!rec.request) {
    const text = rec.response.text ?? '';
    return `${gen}.${looksLikeEventStream(text) ? 'stream' : 'json'}`;
  }
  const found = route(rec.request.method.toUpperCase(), rec.request.path.split('?')[0]!);
  if (found.kind !== 'found') return undefined;
  const op = found.op;
  const headers = rec.request.headers ? new Headers(rec.request.headers) : undefined;
  if (headers && op.security.length) {
    if (!op.security.some((alt) => alt.every((s) => headers.has(s.header)))) return `${op.operationId}.error.missing-key`;
    if (op.security.some((alt) => alt.some((s) => headers.get(s.header)?.includes(WRONG_KEY)))) return `${op.operationId}.error.wrong-key`;
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
  if (op.hasBody) {
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

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
