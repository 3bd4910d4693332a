/**
 * Where the suite sends its requests: a live base URL, standin in process, or a folder of recordings.
 * Requests reach a target with the credential as a placeholder; only the live target swaps in the real
 * key, on its own outgoing copy, so no request the suite keeps, prints or reports can hold a secret.
 */
import type { Engine } from '../core/engine.js';
import { createRedactor } from '../core/redact.js';
import type { RecordedExchange } from './recordings.js';

/** Stands for the API key in every request the suite builds. */
export const KEY_PLACEHOLDER = '<api-key>';
/** A key every provider refuses (standin treats the `invalid` prefix as revoked). */
export const WRONG_KEY = 'invalid-standin-contract-key-0000';

export interface Target {
  kind: 'live' | 'standin' | 'recorded';
  /** For reports: the base URL or folder, never a key. */
  label: string;
  /** Requests are built against this URL. */
  baseUrl: string;
  send(request: Request, signal: AbortSignal): Promise<Response>;
  /** Removes secrets from text before it is shown or stored. */
  redact(text: string): string;
  /** Recorded targets: the exchanges to check, matched to probes by the runner. */
  exchanges?: RecordedExchange[];
}

export interface LiveTargetOptions {
  baseUrl: string;
  /** The API key (read from the environment by the caller); may be absent for a dry run. */
  key?: string;
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch;
}

export function createLiveTarget(options: LiveTargetOptions): Target {
  const { url: baseUrl, username, password } = splitCredentials(options.baseUrl.replace(/\/+$/, ''));
  const key = options.key;
  const doFetch = options.fetch ?? globalThis.fetch;
  const redact = createRedactor([key, password, username && password ? `${username}:${password}` : undefined]);
  return {
    kind: 'live',
    label: redact(baseUrl),
    baseUrl,
    redact,
    async send(request, signal) {
      const headers = withKey(request.headers, key);
      // Credentials written into the target URL go as HTTP Basic (fetch refuses them in a URL).
      if ((username || password) && !headers.has('authorization')) headers.set('authorization', `Basic ${btoa(`${username}:${password}`)}`);
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
      return doFetch(request.url, { method: request.method, headers, body, signal, redirect: 'manual' });
    },
  };
}

/**
 * The request's headers with the placeholder swapped for the key. split/join, not `replace`, so a key
 * holding `$&` is inserted as written (a replacement pattern would put the placeholder back).
 */
function withKey(source: Headers, key: string | undefined): Headers {
  const headers = new Headers(source);
  for (const [name, value] of headers) {
    if (!value.includes(KEY_PLACEHOLDER)) continue;
    if (!key) throw new Error('no API key: set the environment variable named by --key-env');
    headers.set(name, value.split(KEY_PLACEHOLDER).join(key));
  }
  return headers;
}

/** A base URL without its `user:password@`, and what it held (decoded). */
function splitCredentials(raw: string): { url: string; username: string; password: string } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: raw, username: '', password: '' };
  }
  if (!parsed.username && !parsed.password) return { url: raw, username: '', password: '' };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href.replace(/\/+$/, ''), username, password };
}

/** standin in this process: requests go straight to the engine, no sockets. */
export function createStandinTarget(engine: Engine, provider: string, key = 'sk-standin-contract'): Target {
  const baseUrl = `http://standin.local/${provider}`;
  return {
    kind: 'standin',
    label: `standin (in process) /${provider}`,
    baseUrl,
    redact: createRedactor(),
    async send(request, signal) {
      const headers = withKey(request.headers, key);
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
      return engine.fetch(new Request(request.url, { method: request.method, headers, body, signal }));
    },
  };
}

/** A target for recorded traffic; nothing is ever sent. */
export function createRecordedTarget(label: string, exchanges: RecordedExchange[]): Target {
  return {
    kind: 'recorded',
    label,
    baseUrl: 'http://recorded.local',
    exchanges,
    redact: createRedactor(),
    async send() {
      throw new Error('a recorded target sends nothing; its exchanges are matched to probes');
    },
  };
}

/** Replaces every occurrence of the key, its encoded forms and its fragments with a marker. */
export function redactKey(text: string, key: string | undefined): string {
  return createRedactor([key])(text);
}
