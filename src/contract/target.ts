/**
 * Where the suite sends its requests: a live base URL, standin in process, or a folder of recordings.
 * Requests reach a target with the credential as a placeholder; only the live target swaps in the real
 * key, on its own outgoing copy, so no request the suite keeps, prints or reports can hold a secret.
 */
import type { Engine } from '../core/engine.js';
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
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const key = options.key;
  const doFetch = options.fetch ?? globalThis.fetch;
  return {
    kind: 'live',
    label: baseUrl,
    baseUrl,
    redact: (text) => redactKey(text, key),
    async send(request, signal) {
      const headers = new Headers(request.headers);
      for (const [name, value] of headers) {
        if (value.includes(KEY_PLACEHOLDER)) {
          if (!key) throw new Error('no API key: set the environment variable named by --key-env');
          headers.set(name, value.replace(KEY_PLACEHOLDER, key));
        }
      }
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
      return doFetch(request.url, { method: request.method, headers, body, signal, redirect: 'manual' });
    },
  };
}

/** standin in this process: requests go straight to the engine, no sockets. */
export function createStandinTarget(engine: Engine, provider: string, key = 'sk-standin-contract'): Target {
  const baseUrl = `http://standin.local/${provider}`;
  return {
    kind: 'standin',
    label: `standin (in process) /${provider}`,
    baseUrl,
    redact: (text) => text,
    async send(request, signal) {
      const headers = new Headers(request.headers);
      for (const [name, value] of headers) if (value.includes(KEY_PLACEHOLDER)) headers.set(name, value.replace(KEY_PLACEHOLDER, key));
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
    redact: (text) => text,
    async send() {
      throw new Error('a recorded target sends nothing; its exchanges are matched to probes');
    },
  };
}

/** Replaces every occurrence of the key, and of its long fragments, with a marker. */
export function redactKey(text: string, key: string | undefined): string {
  if (!key || key.length < 4) return text;
  let out = text.split(key).join('[REDACTED]');
  // Providers echo keys partly ("sk-ant-...abcd"); hide any 8-character run of the key too.
  if (key.length >= 12) {
    for (let i = 0; i + 8 <= key.length; i++) {
      const piece = key.slice(i, i + 8);
      if (out.includes(piece)) out = out.split(piece).join('[REDACTED]');
    }
  }
  return out;
}
