// The adapter's floor: standin's own node:http adapter (src/adapters/node-server.ts) around an engine
// that only reads and parses the body and answers the captured bytes (BENCH_DATA). What standin costs
// above this is its engine; what this costs above nothing is Node's HTTP and the adapter (bench/floor.js).
import { readFileSync } from 'node:fs';
import { startServer } from '../dist/adapters/node-server.js';

const { json } = JSON.parse(readFileSync(process.env.BENCH_DATA, 'utf8'));
const engine = {
  async handle(request) {
    JSON.parse(await request.text());
    return { status: 200, headers: json.headers, body: json.body };
  },
};
const running = await startServer(engine, { port: 0, maxConnections: 20_000 });
process.send({ port: Number(new URL(running.url).port) });
