/** Helpers for the contract suite's tests: compiled providers, and small HTTP servers that misbehave. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { loadDocuments } from '../../src/node/load-documents.js';
import { setupContract, type ContractSetup } from '../../src/contract/setup.js';
import { protocolFor } from '../../src/contract/protocols/index.js';
import type { JsonObject } from '../../src/core/types.js';

const documents = new Map<string, Promise<JsonObject>>();

export function documentOf(provider: string): Promise<JsonObject> {
  let doc = documents.get(provider);
  if (!doc) documents.set(provider, (doc = loadDocuments([provider]).then((d) => d[provider]!)));
  return doc;
}

/** The providers the suite can check, each with whether standin serves it. */
export async function contractProviders(): Promise<string[]> {
  const all = ['skillboss', 'bytespike', 'anthropic', 'aigateway', 'runware'];
  const out: string[] = [];
  for (const name of all) if (protocolFor(String((await documentOf(name))['x-standin-profile']))) out.push(name);
  return out;
}

export async function setupFor(provider: string, withEngine: boolean): Promise<ContractSetup> {
  return setupContract(provider, await documentOf(provider), withEngine);
}

export interface TestServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A local HTTP server answering every request with `handle`; it records what it receives. */
export async function startTestServer(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
export async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A handler that passes requests on to an in-process engine under `prefix` (so a test can count and alter them). */
export function forwardTo(engine: { fetch(r: Request): Promise<Response> }, prefix: string) {
  return async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const response = await engine.fetch(
      new Request(`http://standin.local${prefix}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  };
}
