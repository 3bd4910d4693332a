/**
 * Serves an engine over HTTP with node:http (Node only). The engine's Reply is written straight to the
 * socket, and the request is handed over behind the small part of the Request API the engine reads:
 * building real Fetch Request/Response objects per call cost more than the whole engine (measured: the
 * bench went from 0.39 to 0.5+ of the bare node:http ceiling without them). Nothing global is replaced,
 * so MSW or other interceptors can share the process.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Engine } from '../core/engine.js';
import type { EngineRequest, Reply } from '../core/reply.js';
import { isSseBody } from '../sse/body.js';
import { writeSse } from './node-sse.js';
import { writeWhole } from './write-whole.js';
import { applyServerLimits, closeIfBodyUnread, closeServer, deadlineCheckInterval, hostPolicy, refuseHost, SERVER_DEFAULTS, type GuardOptions } from './server-guards.js';

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops the server; open answers get `graceMs` (default 0) to finish, then are cut. */
  close(graceMs?: number): Promise<void>;
}

export interface ServerOptions extends GuardOptions {
  host?: string;
  port?: number;
  /** The listen backlog (default SERVER_DEFAULTS.backlog; the kernel caps it at net.core.somaxconn). */
  backlog?: number;
}

/** The request headers as Node parsed them (lower-case keys), behind `Headers#get`. */
class IncomingHeaders {
  constructor(private readonly raw: IncomingMessage['headers']) {}
  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
  /** As `Headers#forEach`: the recorder forwards every header the client sent. */
  forEach(callback: (value: string, name: string) => void): void {
    for (const name in this.raw) {
      const value = this.raw[name];
      if (value !== undefined) callback(Array.isArray(value) ? value.join(', ') : value, name);
    }
  }
}

class NodeRequest implements EngineRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHeaders;
  private stream?: ReadableStream<Uint8Array>;

  constructor(
    private readonly incoming: IncomingMessage,
    origin: string,
  ) {
    this.method = incoming.method ?? 'GET';
    const target = incoming.url ?? '/';
    this.url = target.startsWith('/') ? origin + target : `${origin}/`;
    this.headers = new IncomingHeaders(incoming.headers);
  }

  text(): Promise<string> {
    return new Promise((resolve, reject) => {
      // Decoded as it arrives (the decoder keeps characters split across chunks whole), as the bare
      // node:http ceiling in bench/ reads it: no chunk list to concatenate and copy.
      let text = '';
      this.incoming.setEncoding('utf8');
      this.incoming.on('data', (chunk: string) => (text += chunk));
      this.incoming.on('end', () => resolve(text));
      this.incoming.on('error', reject);
    });
  }

  /** Only for bodies of unknown length, read with a size limit, or discarded. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.method === 'GET' || this.method === 'HEAD') return null;
    this.stream ??= Readable.toWeb(this.incoming) as ReadableStream<Uint8Array>;
    return this.stream;
  }
}

/**
 * Writes a whole answer at once; a streamed one is written as it comes (SSE straight from its source, a
 * byte stream piped), and the returned promise settles at its end.
 */
function writeReply(reply: Reply, res: ServerResponse): Promise<void> | undefined {
  if (reply.drop) {
    res.destroy();
    return undefined;
  }
  const body = reply.body;
  if (body === null || typeof body === 'string') {
    writeWhole(reply.status, reply.headers, body ?? '', res);
    return undefined;
  }
  if (isSseBody(body)) return writeSse(reply.status, reply.headers, body, res);
  return writeStream(reply.status, reply.headers, body, res);
}


async function writeStream(status: number, headers: Record<string, string>, body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  res.writeHead(status, headers);
  res.flushHeaders();
  const reader = body.getReader();
  // A client that goes away cancels the stream, which stops the producer behind it.
  const onClose = () => {
    if (!res.writableFinished) void reader.cancel().catch(() => undefined);
  };
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

/** Requests answered in one turn of the event loop, at most; the rest wait for the next turn. */
const ANSWERS_PER_TURN = 32;

/**
 * Answers the requests Node read in one turn of the event loop together, after it has read them all
 * (`setImmediate`), at most ANSWERS_PER_TURN a turn. Two reasons, both measured:
 * - Answered one by one between Node's HTTP code, the engine ran with caches its code and data had
 *   been evicted from (in process it takes ~13 µs a request, in the server ~45). Answered back to back
 *   they stay warm: server CPU per non-streaming request 77.6 -> 48.6 µs, per Anthropic stream 94 -> 87.
 * - Under a burst of thousands of connections Node reads every request that arrived in one poll, and
 *   answering each as it was read kept the loop from accepting new connections until all were
 *   answered (~0.7 s): the kernel's accept queue filled, and the connections it turned away came back
 *   only with the client's SYN retries, 1 and 3 s later. A slice a turn lets the loop accept between.
 */
function createAnswerQueue(answer: (incoming: IncomingMessage, res: ServerResponse) => void): (incoming: IncomingMessage, res: ServerResponse) => void {
  const waiting: [IncomingMessage, ServerResponse][] = [];
  const drain = () => {
    const now = waiting.splice(0, ANSWERS_PER_TURN);
    // A client that left while its request waited gets nothing (its body can no longer be read).
    for (const [incoming, res] of now) if (!incoming.destroyed) answer(incoming, res);
    if (waiting.length > 0) setImmediate(drain);
  };
  return (incoming, res) => {
    if (waiting.push([incoming, res]) === 1) setImmediate(drain);
  };
}

export async function startServer(engine: Pick<Engine, 'handle'>, options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const servesHost = hostPolicy(host, options.allowedHosts);
  // An answer already under way is cut: a problem document appended to it would read as its own bytes.
  const failed = (res: ServerResponse): void => {
    if (res.headersSent) res.destroy();
    else writeWhole(500, { 'content-type': 'application/problem+json' }, '{"title":"standin","status":500,"detail":"standin could not write its answer"}', res);
  };
  const answer = (incoming: IncomingMessage, res: ServerResponse): void => {
    try {
      engine
        .handle(new NodeRequest(incoming, origin))
        .then((reply) => {
          closeIfBodyUnread(incoming, res);
          return writeReply(reply, res);
        })
        .catch(() => failed(res));
    } catch {
      // An engine that throws instead of rejecting fails this answer only, not the others of its turn.
      failed(res);
    }
  };
  const queue = createAnswerQueue(answer);
  const server = createServer({ connectionsCheckingInterval: deadlineCheckInterval(options) }, (incoming, res) => {
    if (!servesHost(incoming.headers.host)) return refuseHost(incoming, res);
    queue(incoming, res);
  });
  server.keepAliveTimeout = 5_000;
  applyServerLimits(server, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 4010, host, backlog: options.backlog ?? SERVER_DEFAULTS.backlog }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    url: origin,
    close: (graceMs = 0) => closeServer(server, graceMs),
  };
}
