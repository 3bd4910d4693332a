/**
 * The `Prefer: code=` source: answers with a documented error status, optionally only for the first N
 * attempts (`fail-first`). Attempts are counted per session in the state store, so two test runs sharing
 * a server each see their own first attempt fail.
 */
import { catalogueEntry, problem, renderError } from '../errors.js';
import { hashString } from '../hash.js';
import { stateKey } from '../state/store.js';
import type { OperationContext } from '../types.js';
import type { Outcome, OutcomeSource } from './types.js';

/** Attempt counters are garbage after this long (real time): retries happen within seconds. */
const ATTEMPT_TTL_MS = 10 * 60_000;

export const forcedSource: OutcomeSource = {
  name: 'forced',
  choose(ctx) {
    const code = ctx.prefer.code;
    if (code === undefined || (code >= 200 && code < 300)) return undefined;
    const { provider, operation: op } = ctx;
    if (!catalogueEntry(provider, op, code)) {
      const documented = [...(op.catalogue.size ? op.catalogue : provider.catalogue).keys()].join(', ');
      return { reply: problem(422, `Prefer: code=${code} is not documented for ${op.operationId} at ${provider.name}; documented: ${documented}`) };
    }
    if (ctx.prefer.failFirst === undefined) return forcedError(ctx, code);
    return attemptNumber(ctx).then((attempt) => (attempt >= ctx.prefer.failFirst! ? undefined : forcedError(ctx, code)));
  },
};

function forcedError(ctx: OperationContext, code: number): Outcome {
  const { prefer } = ctx;
  // Forced errors always tell SDKs whether to retry, so a test controls retries whatever the document
  // says: by default what the document declares, else the SDKs' own status rule; `should-retry=` wins.
  const sdkRule = code === 408 || code === 409 || code === 429 || code >= 500;
  const overrides = prefer.shouldRetry !== undefined ? { 'x-should-retry': String(prefer.shouldRetry) } : undefined;
  ctx.trace.outcome = { source: 'forced', detail: `Prefer: code=${code}` };
  return {
    reply: renderError(
      ctx.provider,
      ctx.operation,
      code,
      { requestId: ctx.requestId, retryAfter: prefer.retryAfter },
      { defaults: { 'x-should-retry': String(sdkRule) }, overrides },
    ),
  };
}

/** Which attempt of "the same request" this is: the SDKs' retry counter, else a count kept per session. */
async function attemptNumber(ctx: OperationContext): Promise<number> {
  const sdkCount = ctx.request.headers.get('x-stainless-retry-count');
  if (sdkCount !== null && /^\d+$/.test(sdkCount)) return Number(sdkCount);
  const { request } = ctx;
  // The path, not the whole URL: instances behind a load balancer (or reached under different host
  // names) sharing one store must count the same request as one.
  const key = stateKey(ctx.session, 'attempt', ctx.provider.name, request.method, pathOf(request.url), request.headers.get('prefer') ?? '', String(hashString(ctx.bodyText)));
  return (await ctx.store.increment(key, 1, ATTEMPT_TTL_MS)) - 1;
}

/** Path and query of an absolute URL. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}
