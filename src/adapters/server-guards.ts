/**
 * The request side of the node:http server's defences (Node only), kept apart from the code that writes
 * answers: which Host names are served (DNS rebinding), the cap on open connections, the deadline for
 * receiving a whole request (a client dribbling its body), answers given before the body was read
 * (which must close the connection), the warning for binding every interface, and a bounded shutdown.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { writeWhole } from './write-whole.js';

/** Documented defaults (README, `standin serve --help`). */
export const SERVER_DEFAULTS = {
  /** Connections open at once; more are closed as they arrive. */
  maxConnections: 1024,
  /** Deadline to receive a whole request, headers and body (Node answers 408 past it). */
  requestTimeoutMs: 30_000,
  /** Deadline to receive the request headers. */
  headersTimeoutMs: 10_000,
  /** How long open answers (streams) get to finish when the server is closed, before they are cut. */
  shutdownGraceMs: 1_000,
  /**
   * Connections the kernel queues before the server accepts them. Node's default (511) overflowed
   * when thousands of streams opened at once; the kernel caps it at net.core.somaxconn.
   */
  backlog: 4096,
} as const;

export interface GuardOptions {
  /** Host names served besides the loopback ones; `*` serves any. */
  allowedHosts?: string[];
  maxConnections?: number;
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
}

/** Whether an address or name is this machine's loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name) || name === '0:0:0:0:0:0:0:1';
  return false;
}

/** Whether binding to `host` reaches every interface. */
export function isAllInterfaces(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '');
  return name === '0.0.0.0' || name === '::' || name === '' || name === '0:0:0:0:0:0:0:0';
}

/** The warning `standin serve` prints for a bind address other machines can reach, or undefined. */
export function exposureWarning(host: string, allowedHosts: string[] = []): string | undefined {
  if (isLoopback(host)) return undefined;
  const where = isAllInterfaces(host) ? 'every network interface' : `${host}, reachable from other machines`;
  const hosts = allowedHosts.length ? `Host names served: loopback and ${allowedHosts.join(', ')}` : 'any Host name is served (name them with --allowed-hosts)';
  return `warning: standin is listening on ${where}: anyone who can reach it can use it (and its webhooks); ${hosts}`;
}

/**
 * Which `Host` headers the server answers. Bound to loopback, only loopback names (DNS rebinding would
 * otherwise let any web page reach the server through a name of its own) plus `allowedHosts`. Bound
 * elsewhere, any name unless `allowedHosts` lists them (then: loopback, the bound address and those).
 */
export function hostPolicy(bindHost: string, allowedHosts: string[] = []): (hostHeader: string | undefined) => boolean {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')));
  if (allowed.has('*')) return () => true;
  const openByDefault = !isLoopback(bindHost) && allowed.size === 0;
  if (!isAllInterfaces(bindHost)) allowed.add(bindHost.toLowerCase().replace(/^\[|\]$/g, ''));
  return (hostHeader) => {
    // HTTP/1.0 without Host: no browser sends that, so no rebinding page can.
    if (hostHeader === undefined) return true;
    if (openByDefault) return true;
    const name = hostName(hostHeader);
    return name !== undefined && (isLoopback(name) || allowed.has(name));
  };
}

/** `example.com:4010` → `example.com`, `[::1]:4010` → `::1`; undefined when malformed. */
function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) return bracketed[1];
  const plain = /^([a-z0-9._-]+)(?::\d{1,5})?$/.exec(value);
  return plain ? plain[1]!.replace(/\.$/, '') : undefined;
}

/** Answers a request naming a Host this server does not serve: 421, standin's problem+json. */
export function refuseHost(incoming: IncomingMessage, res: ServerResponse): void {
  const detail = `standin does not serve the host name '${String(incoming.headers.host).slice(0, 100)}'; start it with --allowed-hosts to serve other names`;
  const body = JSON.stringify({ type: 'about:blank', title: 'standin', status: 421, detail });
  const headers = { 'content-type': 'application/problem+json', 'x-standin-diagnostic': detail.replace(/[^\x20-\x7e]/g, '?'), connection: 'close' };
  writeWhole(421, headers, body, res);
}

/**
 * An answer given before the request body was read through (413, 401 before the body, a refused Host)
 * closes the connection: the unread rest of the body would otherwise be taken for the next request,
 * or hold the connection while Node discards it.
 */
export function closeIfBodyUnread(incoming: IncomingMessage, res: ServerResponse): void {
  if (!incoming.complete && !res.headersSent) {
    res.setHeader('connection', 'close');
    res.shouldKeepAlive = false;
  }
}

/** Caps connections and the time a client may take to send a request. */
export function applyServerLimits(server: Server, options: GuardOptions): void {
  server.maxConnections = options.maxConnections ?? SERVER_DEFAULTS.maxConnections;
  server.requestTimeout = options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs;
  server.headersTimeout = Math.min(options.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs, server.requestTimeout || Infinity);
}

/**
 * Node checks the request deadlines on this interval (default 30 s, which would let a dribbler run
 * well past a short deadline): a tenth of the deadline, between 100 ms and 1 s.
 */
export function deadlineCheckInterval(options: GuardOptions): number {
  const deadline = Math.min(options.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs, options.headersTimeoutMs ?? SERVER_DEFAULTS.headersTimeoutMs);
  return Math.max(100, Math.min(1_000, Math.floor(deadline / 10)));
}

/**
 * Stops accepting connections, closes idle ones, gives open answers `graceMs` to finish, then cuts
 * what is left (a cut stream cancels its producer and clears its timers). Settles within about `graceMs`.
 */
export function closeServer(server: Server, graceMs: number = SERVER_DEFAULTS.shutdownGraceMs): Promise<void> {
  return new Promise<void>((resolve) => {
    if (graceMs <= 0) server.closeAllConnections();
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    cut.unref();
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
