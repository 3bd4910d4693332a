/**
 * Recorded traffic, in any of the forms the suite reads, normalised to one shape:
 * - standin's own format, `{ "format": "standin-exchanges/1", "exchanges": [...] }` (what `--record` writes);
 * - nock fixtures as the official SDKs keep them (`[{ method, path, body, status, response, rawHeaders }]`);
 * - a raw `.sse` body of a streamed call, with no request and no headers.
 */

export interface RecordedRequest {
  method: string;
  /** Path with query, relative to the provider's base URL (`/v1/messages?beta=true`). */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

export interface RecordedExchange {
  /** File name and position, for reports. */
  label: string;
  /** Absent for a bare `.sse` body: the runner treats it as the answer to the basic streamed call. */
  request?: RecordedRequest;
  response: {
    status: number;
    /** Absent when the recording kept no headers; header checks are then skipped. */
    headers?: Record<string, string>;
    /** Parsed JSON body, or the raw text (SSE, HTML, anything else). */
    body?: unknown;
    text?: string;
  };
}

export const RECORD_FORMAT = 'standin-exchanges/1';

export interface RecordFile {
  format: typeof RECORD_FORMAT;
  provider?: string;
  exchanges: { name?: string; request: RecordedRequest; response: RecordedExchange['response'] }[];
}

/** Reads one JSON recording file in any supported form; `undefined` when the form is not known. */
export function parseRecordingJson(label: string, data: unknown): RecordedExchange[] | undefined {
  if (isObject(data) && data.format === RECORD_FORMAT && Array.isArray(data.exchanges)) {
    return (data.exchanges as RecordFile['exchanges']).map((x, i) => ({
      label: `${label}#${x.name ?? i}`,
      request: x.request,
      response: withFramesAsText(x.response),
    }));
  }
  if (Array.isArray(data) && data.every((x) => isObject(x) && typeof x.method === 'string' && typeof x.status === 'number')) {
    return data.map((x: Record<string, unknown>, i) => ({
      label: `${label}#${i}`,
      request: {
        method: String(x.method).toUpperCase(),
        path: String(x.path ?? '/'),
        body: x.body,
      },
      response: {
        status: Number(x.status),
        headers: nockHeaders(x.rawHeaders ?? x.headers),
        ...(typeof x.response === 'string' ? { text: x.response } : { body: x.response }),
      },
    }));
  }
  return undefined;
}

/**
 * The recorder (`standin serve --on-miss record`) keeps a stream frame by frame with arrival times
 * (`frames: [{ at, text }]`); the suite reads the same file as the stream's whole text.
 */
function withFramesAsText(response: RecordedExchange['response'] & { frames?: { text: string }[] }): RecordedExchange['response'] {
  if (!Array.isArray(response.frames) || response.text !== undefined) return response;
  const { frames, ...rest } = response;
  return { ...rest, text: frames.map((f) => f.text).join('') };
}

export function sseRecording(label: string, text: string): RecordedExchange {
  return { label, response: { status: 200, text } };
}

function nockHeaders(raw: unknown): Record<string, string> | undefined {
  if (Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
    return out;
  }
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
