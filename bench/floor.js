// npm run bench:floor: where a non-streaming answer's CPU goes, and how much of it the engine may take
// if standin is to reach a given ratio of the bare node:http ceiling (issue 11's goal is 0.8). Measured in
// one run, alternating rounds, each server alone on core 0 and the load on core 1:
//   - server CPU per request (from /proc/<pid>/stat, Linux) of the ceiling (bench/raw-server.js), the
//     adapter's floor (bench/adapter-floor-server.js: standin's adapter, no engine), the same behaviour
//     as one synchronous function (bench/lean-server.js) with and without its ring of exchanges, standin
//     with the journal off, and standin as served;
//   - the same for unpaced SSE (Anthropic): the raw server sending the captured frames, standin with the
//     journal off, and standin as served;
//   - the engine in process, in a tight loop and with 16 MiB of memory walked between calls (what a
//     server does to the CPU caches between two requests), to show how much of the engine's cost in
//     the server is cache misses rather than work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuTicks, median, pinLoad, startServer, streamLoad, TICK_US } from './lib.js';
import { capture, json, streams } from './scenarios.js';
import { loadDocuments } from '../dist/node/load-documents.js';
import { loadPrecompiledValidators } from '../dist/node/precompiled-validators.js';
import { createStandin } from '../dist/standin.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL = 0.8;

const placement = pinLoad();
const dir = mkdtempSync(join(tmpdir(), 'standin-floor-'));
const dataFile = join(dir, 'answers.json');
writeFileSync(dataFile, JSON.stringify(await capture()));
console.log(`standin floor bench (Node ${process.version}; ${placement}; ${ROUNDS} alternating rounds of ${SECONDS} s; medians)`);

/**
 * Runs `load(port, duration)` against a server once to warm it (JIT, compiled validators), then for
 * SECONDS: what it answers, with the server's CPU per `count(result, ms)` units of work.
 */
async function measure(script, extraEnv, load, count) {
  const server = await startServer(script, { BENCH_DATA: dataFile, ...extraEnv });
  try {
    await load(server.port, 1);
    const before = cpuTicks(server.child.pid);
    const started = performance.now();
    const result = await load(server.port, SECONDS);
    const after = cpuTicks(server.child.pid);
    const units = count(result, performance.now() - started);
    return { result, cpuUs: before === undefined ? NaN : ((after - before) * TICK_US) / units };
  } finally {
    await server.stop();
  }
}

async function jsonLoad(port, duration) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${json.path}`, method: 'POST', headers: json.headers, body: json.body, connections: 50, duration });
  if (result.non2xx || result.errors) throw new Error(`${json.path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}
const sseLoad = (port, seconds) => streamLoad(port, streams[0].path, streams[0].headers, streams[0].body, { connections: 16, seconds });

const servers = [
  ['bare node:http + Ajv (ceiling)', './raw-server.js', {}],
  ['adapter, no engine (floor)', './adapter-floor-server.js', {}],
  // BENCH_LEAN_RINGS=1000,300,100,0 shows how the ring's depth costs.
  ...(process.env.BENCH_LEAN_RINGS ?? '1000,0').split(',').map((n) => [Number(n) > 0 ? `lean, packed ring of ${n}` : 'lean, no ring', './lean-server.js', { BENCH_LEAN_RING: n }]),
  ['standin, journal off', './standin-server.js', { BENCH_JOURNAL: 'off' }],
  ['standin', './standin-server.js', {}],
];
/** ROUNDS alternating rounds over `list`: per server, each round's `pick(result)` with its CPU figure. */
async function alternate(list, load, count, pick) {
  const out = list.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, script, env]] of list.entries()) {
      const { result, cpuUs } = await measure(script, env, load, count);
      out[i].push({ ...pick(result), cpuUs });
    }
  }
  return out;
}
const results = await alternate(servers, jsonLoad, (r) => r.requests.total, (r) => ({ rps: r.requests.average }));

const streamServers = [
  ['raw SSE server (ceiling)', './raw-sse-server.js', {}],
  ['standin, journal off', './standin-server.js', { BENCH_JOURNAL: 'off' }],
  ['standin', './standin-server.js', {}],
];
const streamResults = await alternate(streamServers, sseLoad, (r, ms) => (r.streamsPerSecond * ms) / 1000, (r) => ({ eps: r.eventsPerSecond }));

rmSync(dir, { recursive: true, force: true });

const cpu = results.map((rs) => median(rs.map((r) => r.cpuUs)));
const rps = results.map((rs) => median(rs.map((r) => r.rps)));
console.log('\n1. Server CPU per non-streaming POST /v1/messages (50 connections):');
servers.forEach(([name], i) => console.log(`  ${name.padEnd(32)} ${cpu[i].toFixed(1).padStart(6)} µs CPU/request   ${rps[i].toFixed(0).padStart(6)} req/s`));
const budget = cpu[0] / GOAL;
console.log(`  at ${GOAL} of the ceiling a request may take ${budget.toFixed(1)} µs; the adapter takes ${cpu[1].toFixed(1)}, leaving ${(budget - cpu[1]).toFixed(1)} µs`);
const cpuOf = (name) => cpu[servers.findIndex(([n]) => n === name)];
console.log(`  for the whole engine, which takes ${(cpuOf('standin, journal off') - cpu[1]).toFixed(1)} µs with the journal off and ${(cpuOf('standin') - cpu[1]).toFixed(1)} µs as served`);
console.log(`  the same behaviour in one synchronous function (bench/lean-server.js, standin's own planner, validator and PackedRing):`);
servers.forEach(([name], i) => name.startsWith('lean') && console.log(`    ${name.padEnd(20)} ${(cpu[0] / cpu[i]).toFixed(2)} of the ceiling`));

const eps = streamResults.map((rs) => median(rs.map((r) => r.eps)));
const streamCpu = streamResults.map((rs) => median(rs.map((r) => r.cpuUs)));
console.log("\n2. Unpaced SSE, Anthropic, 16 connections:");
streamServers.forEach(([name], i) =>
  console.log(`  ${name.padEnd(32)} ${eps[i].toFixed(0).padStart(7)} events/s   ratio ${(eps[i] / eps[0]).toFixed(2)}   ${streamCpu[i].toFixed(1).padStart(6)} µs CPU/stream`),
);

// 3. The engine in process: the same request, one call at a time, with and without a cache-flushing walk.
const documents = await loadDocuments();
const engine = createStandin({ documents, validators: loadPrecompiledValidators(documents), precompile: true, journal: false });
const sent = { ...json.headers, 'content-length': String(json.body.length), host: '127.0.0.1' };
const headers = { get: (name) => sent[name] ?? null, forEach: (each) => Object.entries(sent).forEach(([k, v]) => each(v, k)) };
const request = () => ({ method: 'POST', url: `http://127.0.0.1${json.path}`, headers, text: () => Promise.resolve(json.body), body: null });
const memory = new Int32Array((16 << 20) / 4);
let sink = 0;
function walk() {
  for (let i = 0; i < memory.length; i += 16) sink += memory[i]++; // one touch per 64-byte line
}
async function engineRound(n, flush) {
  let ns = 0n;
  for (let i = 0; i < n; i++) {
    if (flush) walk();
    const started = process.hrtime.bigint();
    const reply = await engine.handle(request());
    ns += process.hrtime.bigint() - started;
    if (reply.status !== 200) throw new Error(`engine answered ${reply.status}`);
  }
  return Number(ns) / 1000 / n;
}
await engineRound(20_000, false);
const hot = [];
const cold = [];
for (let round = 0; round < 5; round++) {
  hot.push(await engineRound(10_000, false));
  cold.push(await engineRound(2_000, true));
}
if (sink === 0.5) console.log(''); // keeps the walk from being optimised away
console.log('\n3. engine.handle in process (journal off), one call at a time:');
console.log(`  caches warm (tight loop)          ${median(hot).toFixed(1).padStart(6)} µs/request`);
console.log(`  16 MiB walked between calls       ${median(cold).toFixed(1).padStart(6)} µs/request   (${(median(cold) / median(hot)).toFixed(1)}x)`);
