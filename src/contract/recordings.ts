/**
 * Recorded traffic, in any of the forms the suite reads, normalised to one shape:
 * - standin's own format, `{ "format": "standin-exchanges/1", "exchanges": [...] }` (what `--record` writes);
 * - nock fixtures as the official SDKs keep them (`[{ method, path, body, status, response, rawHeaders }]`);
 * - a raw `.sse` body of a streamed call, with no request and no headers;
 * - a stream kept as one event's JSON per line (`.chunks.txt`, `.jsonl`, as the Vercel AI SDK keeps its
 *   fixtures), with no request, no headers and no event names;
 * - a bare JSON response body in a file named `*.response.json` (the answer to the plain call, with no
 *   request and no headers);
 * - a VCR cassette (`interactions: [{ request, response }]`, YAML, as vcrpy and pydantic-ai keep them),
 *   read from its parsed form. Cassette recorders keep only the headers their filters allow, so every
 *   exchange read from one is marked `headersScrubbed`.
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
    /** The recorder dropped some headers: why. Documented headers found absent are reported as scrubbed. */
    headersScrubbed?: string;
    /** The recorder kept each event's JSON only (no event names, no terminator line): why. */
    framingLost?: string;
    /** Parsed JSON body, or the raw text (SSE, HTML, anything else). */
    body?: unknown;
    text?: string;
  };
}

export const RECORD_FORMAT = 'standin-exchanges/1';

export interface RecordFile {
  format: typeof RECORD_FORMAT;
  provider?: string;
  /** Set when whatever wrote the file removed headers (why), so their absence is not held against the provider. */
  headersScrubbed?: string;
  exchanges: { name?: string; request: RecordedRequest; response: RecordedExchange['response'] }[];
}

/** Reads one JSON recording file in any supported form; `undefined` when the form is not known. */
export function parseRecordingJson(label: string, data: unknown): RecordedExchange[] | undefined {
  if (isObject(data) && data.format === RECORD_FORMAT && Array.isArray(data.exchanges)) {
    const scrubbed = typeof data.headersScrubbed === 'string' ? { headersScrubbed: data.headersScrubbed } : {};
    return (data.exchanges as RecordFile['exchanges']).map((x, i) => ({
      label: `${label}#${x.name ?? i}`,
      request: x.request,
      response: { ...scrubbed, ...withFramesAsText(x.response) },
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

/** A response body kept on its own: the answer to the plain JSON call, with no request and no headers. */
export function bodyRecording(label: string, body: unknown): RecordedExchange {
  return { label, response: { status: 200, body } };
}

/**
 * A stream kept as one event's JSON per line, read as the data lines of an SSE body (no event names). A
 * multi-step call's file holds one stream per step, back to back (the AI SDK keeps them so): each
 * `message_start` line after the first begins the next stream, read as its own exchange (`label#n`).
 */
export function jsonLinesRecording(label: string, text: string): RecordedExchange[] {
  const streams: string[][] = [];
  let started = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const start = startsMessage(line);
    if (!streams.length || (start && started)) {
      streams.push([]);
      started = false;
    }
    started ||= start;
    streams.at(-1)!.push(line);
  }
  const read = (name: string, lines: string[]): RecordedExchange => ({
    label: name,
    response: { status: 200, text: lines.map((line) => `data: ${line}\n\n`).join(''), framingLost: CHUNKS_FRAMING },
  });
  if (streams.length <= 1) return [read(label, streams[0] ?? [])];
  return streams.map((lines, i) => read(`${label}#${i}`, lines));
}

const CHUNKS_FRAMING = 'a chunk file keeps each event as its JSON only, without event names or a terminator line';

function startsMessage(line: string): boolean {
  try {
    const data = JSON.parse(line) as unknown;
    return isObject(data) && data.type === 'message_start';
  } catch {
    return false;
  }
}

const CASSETTE_SCRUBBED = 'a VCR cassette keeps only the headers its recorder lets through';

/**
 * The exchanges of a parsed VCR cassette; `undefined` when `data` is not one. Bodies come from
 * `parsed_body` (pydantic-ai) or `body.string` / `body` (vcrpy); the path is the URI's path and query.
 */
export function parseCassette(label: string, data: unknown): RecordedExchange[] | undefined {
  if (!isObject(data) || !Array.isArray(data.interactions)) return undefined;
  const exchanges: RecordedExchange[] = [];
  for (const [i, item] of data.interactions.entries()) {
    if (!isObject(item) || !isObject(item.request) || !isObject(item.response)) return undefined;
    const { request, response } = item;
    const status = isObject(response.status) ? Number(response.status.code) : Number(response.status);
    if (typeof request.method !== 'string' || typeof request.uri !== 'string' || !Number.isInteger(status)) return undefined;
    let path: string;
    try {
      const url = new URL(request.uri);
      path = `${url.pathname}${url.search}`;
    } catch {
      return undefined;
    }
    const requestBody = cassetteBody(request);
    const responseBody = cassetteBody(response);
    exchanges.push({
      label: `${label}#${i}`,
      request: {
        method: request.method.toUpperCase(),
        path,
        headers: nockHeaders(request.headers),
        ...(typeof requestBody === 'string' ? { rawBody: requestBody } : requestBody === undefined ? {} : { body: requestBody }),
      },
      response: {
        status,
        headers: nockHeaders(response.headers),
        headersScrubbed: CASSETTE_SCRUBBED,
        ...(typeof responseBody === 'string' ? { text: responseBody } : responseBody === undefined ? { text: '' } : { body: responseBody }),
      },
    });
  }
  return exchanges;
}

/** A cassette side's body: parsed JSON when the recorder kept it parsed, else the text. */
function cassetteBody(side: Record<string, unknown>): unknown {
  if (side.parsed_body !== undefined) return side.parsed_body;
  const body = isObject(side.body) ? side.body.string : side.body;
  if (typeof body !== 'string' || body === '') return undefined;
  return body;
}

function nockHeaders(raw: unknown): Record<string, string> | undefined {
  // vcrpy keeps each header as a list of values.
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
  if (Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
    return out;
  }
  return undefined;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
