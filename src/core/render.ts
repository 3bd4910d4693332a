/**
 * Pipeline step "render": turns an operation's result into a Reply with the documented headers, as JSON
 * or as an SSE stream paced by the Prefer directives and the engine's options.
 */
import { catalogueEntry, problem, renderError, statusForTrigger } from './errors.js';
import { renderHeaders } from './headers.js';
import type { Prefer } from './prefer.js';
import { jsonReply, type Reply } from './reply.js';
import type { HeaderValues, OperationContext, OperationResult, OperationRuntime, ProviderRuntime } from './types.js';
import { sseBody } from '../sse/body.js';

/** `settled`: header values from the settle step (rate-limit counters, balances), which win. */
export function renderResult(ctx: OperationContext, result: OperationResult, settled?: HeaderValues): Reply {
  const { provider, operation: op, requestId, prefer } = ctx;
  switch (result.kind) {
    case 'error': {
      const status = result.status ?? statusForTrigger(provider, result.trigger ?? 'invalid-request');
      ctx.trace.refusal ??= { trigger: result.trigger ?? 'invalid-request', message: result.message, param: result.param };
      return renderError(provider, op, status, { values: settled, requestId, message: result.message, param: result.param, trigger: result.trigger });
    }
    case 'json': {
      const status = result.status ?? 200;
      // An answer with an error status carries that status's documented headers, not the success's.
      const specs = status >= 400 ? (catalogueEntry(provider, op, status)?.headers ?? []) : op.successHeaders;
      const headerContext = { requestId, retryAfter: prefer.retryAfter, values: result.headerValues, settled };
      const headers = renderHeaders(specs, headerContext, { 'content-type': 'application/json' });
      if (result.headers) Object.assign(headers, result.headers);
      diagnose(headers, prefer);
      return result.jsonText !== undefined ? { status, headers, body: result.jsonText } : jsonReply(status, result.body, headers);
    }
    case 'stream': {
      const sse = op.sse;
      if (!sse) return problem(500, `standin: ${op.operationId} documents no text/event-stream response`);
      const headers = renderHeaders(
        op.successHeaders,
        { requestId, values: result.headerValues, settled },
        { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
      );
      if (result.headers) Object.assign(headers, result.headers);
      diagnose(headers, prefer);
      const failure = prefer.streamError !== undefined ? streamFailure(provider, op, prefer, requestId) : undefined;
      const body = sseBody(result.events, {
        framing: sse.framing,
        terminator: sse.terminator,
        ttftMs: prefer.ttftMs ?? ctx.options.ttftMs,
        tokensPerSecond: prefer.tokensPerSecond ?? ctx.options.tokensPerSecond,
        failure,
        cut: prefer.disconnectAfter !== undefined ? { after: prefer.disconnectAfter } : undefined,
      });
      return { status: 200, headers, body };
    }
  }
}

/** The error event a stream ends with under `Prefer: stream-error` (or chaos), and after how many events. */
export function streamFailure(provider: ProviderRuntime, op: OperationRuntime, prefer: Prefer, requestId: string) {
  const type = prefer.streamError || undefined;
  const entries = [...op.catalogue.values(), ...provider.catalogue.values()];
  // A named type uses its own entry; otherwise the provider's first server-side error, as documented.
  const entry = entries.find((e) => type !== undefined && e.errorType === type) ?? entries.find((e) => e.status >= 500) ?? entries[0]!;
  const body = provider.profile.errorBody(entry.template, { requestId, type }, provider);
  return { after: prefer.streamErrorAfter ?? 3, event: provider.profile.streamErrorEvent(body) };
}

function diagnose(headers: Record<string, string>, prefer: Prefer): void {
  if (prefer.unknown.length) {
    // Header values must be ByteStrings; the directives are whatever the client sent.
    headers['x-standin-diagnostic'] = `unknown Prefer directives: ${prefer.unknown.join(', ')}`.replace(/[^\x20-\x7e]/g, '?');
  }
}
