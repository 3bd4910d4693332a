/**
 * One exchange with a target, bounded in time: a single deadline covers the headers and the whole
 * body, so a target that stalls before answering or in the middle of a stream costs at most the
 * timeout. What came back is kept as far as it got (a stream cut short keeps its complete events).
 */
import { isEventStream } from './media-type.js';
import { parseSseText } from './parse-sse.js';
import type { RunOptions } from './run.js';
import type { Target } from './target.js';
import type { Exchange, PlannedRequest, Probe } from './types.js';

export function toRequest(planned: PlannedRequest, baseUrl: string): Request {
  const body = planned.rawBody ?? (planned.body === undefined ? undefined : JSON.stringify(planned.body));
  return new Request(`${baseUrl}${planned.path}`, { method: planned.method, headers: planned.headers, body });
}

export async function perform(target: Target, probe: Probe, options: RunOptions): Promise<Exchange | { transportError: string }> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const started = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error('deadline'));
      controller.abort(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  deadline.catch(() => undefined);
  try {
    let response: Response;
    try {
      response = await Promise.race([target.send(toRequest(probe.request, target.baseUrl), controller.signal), deadline]);
    } catch (error) {
      return { transportError: timedOut ? `no answer within ${timeoutMs} ms (timeout)` : describeNetworkError(error) };
    }
    const headers = response.headers;
    const contentType = headers.get('content-type') ?? '';
    let text = '';
    let bodyError: string | undefined;
    if (response.body) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let bytes = 0;
      try {
        for (;;) {
          const { done, value } = await Promise.race([reader.read(), deadline]);
          if (done) break;
          bytes += value.byteLength;
          text += decoder.decode(value, { stream: true });
          if (bytes > maxBytes) {
            bodyError = `the body passed ${maxBytes} bytes and was cut off`;
            break;
          }
        }
        text += decoder.decode();
      } catch (error) {
        bodyError = timedOut
          ? `the body stalled: not complete within ${timeoutMs} ms (timeout)`
          : `the connection closed before the body ended (${describeNetworkError(error)})`;
      } finally {
        reader.cancel().catch(() => undefined);
      }
    }
    return toExchange({
      status: response.status,
      headers,
      text,
      bodyError,
      stream: isEventStream(contentType),
      requestBody: probe.request.body,
      durationMs: performance.now() - started,
    });
  } finally {
    clearTimeout(timer);
  }
}

function describeNetworkError(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e?.cause;
  const detail = cause?.code ? `${cause.code}${cause.message ? `: ${cause.message}` : ''}` : cause?.message;
  return `${e?.message ?? String(error)}${detail ? ` (${detail})` : ''}`;
}

export function toExchange(input: {
  status: number;
  headers: Headers;
  text: string;
  bodyError?: string;
  stream: boolean;
  requestBody?: unknown;
  json?: unknown;
  headersUnknown?: boolean;
  headersScrubbed?: string;
  framingLost?: string;
  label?: string;
  durationMs?: number;
}): Exchange {
  const ex: Exchange = {
    status: input.status,
    headers: input.headers,
    text: input.text,
    bodyError: input.bodyError,
    requestBody: input.requestBody,
    headersUnknown: input.headersUnknown,
    headersScrubbed: input.headersScrubbed,
    framingLost: input.framingLost,
    label: input.label,
    durationMs: input.durationMs ?? 0,
  };
  if (input.stream) {
    // A stream cut short keeps only its complete events; a half-received event is not an event.
    const complete = input.bodyError ? input.text.slice(0, input.text.lastIndexOf('\n\n') + 1) : input.text;
    ex.events = parseSseText(complete);
  } else if (input.json !== undefined) {
    ex.json = input.json;
  } else {
    try {
      ex.json = JSON.parse(input.text);
    } catch (error) {
      ex.jsonError = (error as Error).message;
    }
  }
  return ex;
}
