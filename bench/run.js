// npm run bench: every figure is a ratio to a baseline measured in the same run, alternating rounds,
// servers alone on core 0 and the load on core 1, all on 127.0.0.1, each load bounded in count and time.
//   1. non-streaming POST /v1/messages: standin vs a bare node:http + Ajv server sending the same bytes
//   2. unpaced SSE events/s (Anthropic, AIgateway, Runware): standin vs a raw server sending the same frames
//   3. PACED_STREAMS paced streams at once (ttft 1 s, 50 tok/s): lost, wall time, first-token p99, on fresh
//      servers and on servers warmed by PACED_WARMUP paced streams first (as parts 1 and 2 warm up)
//   4. cold start to the first 200: `standin serve` (all providers) vs a bare node:http server
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import autocannon from 'autocannon';
import { cpuTicks, median, percentile, pinLoad, readStream, startServer, streamLoad, TICK_US } from './lib.js';
import { capture, json, streams } from './scenarios.js';
import { compareStart } from './start.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// Short alternating rounds: this class of VM drifts by tens of percent within a minute, and the median
// of per-round ratios is steadier than one long round of each.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const STREAM_CONNECTIONS = 16;
const PACED_STREAMS = Number(process.env.BENCH_PACED_STREAMS ?? 5000);
const PACED = { BENCH_TTFT_MS: '1000', BENCH_TPS: '50' };
// A fresh process pays for its JIT and for growing its heap while the first streams arrive: on this
// machine that is ~60% of a fresh server's CPU for the first 5,000 heads (docs/performance.md).
const PACED_WARMUP = Number(process.env.BENCH_PACED_WARMUP ?? 1000);
const only = process.env.BENCH_ONLY?.split(',');
const wants = (part) => !only || only.includes(part);

const placement = pinLoad();
const dir = mkdtempSync(join(tmpdir(), 'standin-bench-'));
const dataFile = join(dir, 'answers.json');
writeFileSync(dataFile, JSON.stringify(await capture()));
const env = { BENCH_DATA: dataFile };
const f = (n, w = 8) => n.toFixed(0).padStart(w);
const r2 = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
console.log(`standin bench (Node ${process.version}; ${placement}; ${ROUNDS} alternating rounds of ${SECONDS} s; medians)`);

async function withServer(script, extraEnv, run) {
  const server = await startServer(script, { ...env, ...extraEnv });
  try {
    return await run(server.port, server.child.pid);
  } finally {
    await server.stop();
  }
}

/**
 * The server's CPU (user + system, from /proc) while `run` loads it, in µs per unit of work (`units`
 * reads the count from the result): steadier than a rate on a VM whose speed drifts, and it shows how
 * fast the machine was in that round (a host-wide slowdown raises both sides). NaN off Linux.
 */
async function withCpu(pid, run, units) {
  const before = cpuTicks(pid);
  const result = await run();
  const after = cpuTicks(pid);
  const cpuUs = before === undefined || after === undefined ? NaN : ((after - before) * TICK_US) / units(result);
  return { ...result, cpuUs };
}

const cpuOf = (runs) => median(runs.map((r) => r.cpuUs));

async function requestsPerSecond(port, path, seconds) {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, method: 'POST', headers: json.headers, body: json.body, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/**
 * Alternates baseline and standin (and standin as a load test would run it, when given) for ROUNDS
 * rounds, so a passing load on the machine hits them all alike.
 */
async function alternate(baseline, standin, withoutJournal) {
  const base = [];
  const ours = [];
  const unjournaled = [];
  for (let round = 0; round < ROUNDS; round++) {
    base.push(await baseline());
    ours.push(await standin());
    if (withoutJournal) unjournaled.push(await withoutJournal());
  }
  return { base, ours, unjournaled };
}

/** standin as a load test of standin itself runs it: `--journal 0` (and quiet, as every server here). */
const NO_JOURNAL = { BENCH_JOURNAL: '0' };

if (wants('json')) {
  // With req/s, the server's CPU per request (from /proc): on a shared VM whose speed drifts within a
  // round it says more steadily what a change did (a host-wide slowdown still raises both sides).
  const measure = (script, path, extraEnv = {}) => () =>
    withServer(script, extraEnv, async (port, pid) => {
      await requestsPerSecond(port, path, 1); // warm-up: JIT, compiled validators
      return withCpu(pid, () => requestsPerSecond(port, path, SECONDS), (r) => r.rps * SECONDS);
    });
  const { base, ours, unjournaled } = await alternate(measure('./raw-server.js', json.path), measure('./standin-server.js', json.path), measure('./standin-server.js', json.path, NO_JOURNAL));
  const ratios = ours.map((o, i) => o.rps / base[i].rps);
  const unjournaledRatios = unjournaled.map((o, i) => o.rps / base[i].rps);
  console.log(`\n1. POST /v1/messages, non-streaming, ${CONNECTIONS} connections (autocannon):`);
  console.log(`  bare node:http + Ajv      ${f(median(base.map((r) => r.rps)))} req/s   p99 ${median(base.map((r) => r.p99))} ms   rounds: ${base.map((r) => f(r.rps, 0)).join(', ')}`);
  console.log(`  standin                   ${f(median(ours.map((r) => r.rps)))} req/s   p99 ${median(ours.map((r) => r.p99))} ms   rounds: ${ours.map((r) => f(r.rps, 0)).join(', ')}`);
  console.log(`  ratio standin / ceiling   ${median(ratios).toFixed(2)}   (rounds: ${r2(ratios)})   goal >= 0.80`);
  console.log(`  with --journal 0          ${f(median(unjournaled.map((r) => r.rps)))} req/s   ratio ${median(unjournaledRatios).toFixed(2)}   (rounds: ${r2(unjournaledRatios)})`);
  if (!Number.isNaN(cpuOf(base))) {
    const cpuRatios = (runs) => r2(runs.map((o, i) => base[i].cpuUs / o.cpuUs));
    console.log(`  server CPU per request    ceiling ${cpuOf(base).toFixed(1)} µs, standin ${cpuOf(ours).toFixed(1)} µs, --journal 0 ${cpuOf(unjournaled).toFixed(1)} µs`);
    console.log(`  CPU ratio ceiling/standin ${(cpuOf(base) / cpuOf(ours)).toFixed(2)} (rounds: ${cpuRatios(ours)}), --journal 0 ${(cpuOf(base) / cpuOf(unjournaled)).toFixed(2)} (rounds: ${cpuRatios(unjournaled)})`);
    // req/s compares the servers only while each keeps its core busy; when the load generator is what
    // sets the pace (a slow spell on its core), both read the same req/s and the ratio tends to 1.
    const busy = median(base.map((r) => (r.rps * r.cpuUs) / 1e6));
    if (busy < 0.9) console.log(`  the ceiling kept its core ${(busy * 100).toFixed(0)}% busy: the load generator set the pace, so read the CPU ratio`);
  }
}

if (wants('sse')) {
  console.log(`\n2. Unpaced SSE, ${STREAM_CONNECTIONS} connections reading whole streams back to back:`);
  for (const scenario of streams) {
    const measure = (script, extraEnv = {}) => () =>
      withServer(script, extraEnv, async (port, pid) => {
        await streamLoad(port, scenario.path, scenario.headers, scenario.body, { connections: STREAM_CONNECTIONS, seconds: 1 });
        const load = () => streamLoad(port, scenario.path, scenario.headers, scenario.body, { connections: STREAM_CONNECTIONS, seconds: SECONDS });
        return withCpu(pid, load, (r) => r.streams);
      });
    // The journal-free figure for the first scenario only: the others would add a minute and say the same.
    const first = scenario === streams[0];
    const { base, ours, unjournaled } = await alternate(measure('./raw-sse-server.js'), measure('./standin-server.js'), first ? measure('./standin-server.js', NO_JOURNAL) : undefined);
    const ratios = ours.map((o, i) => o.eventsPerSecond / base[i].eventsPerSecond);
    const line = (runs) => `${f(median(runs.map((r) => r.eventsPerSecond)))} events/s   p99 ${median(runs.map((r) => r.p99)).toFixed(1)} ms/stream`;
    console.log(`  ${scenario.name.padEnd(10)} raw ${line(base)}   standin ${line(ours)}   (${ours[0].eventsPerStream.toFixed(0)} events a stream)`);
    console.log(`  ${''.padEnd(10)} ratio standin / raw ${median(ratios).toFixed(2)}   (rounds: ${r2(ratios)})   goal >= 0.80`);
    if (first) {
      const unjournaledRatios = unjournaled.map((o, i) => o.eventsPerSecond / base[i].eventsPerSecond);
      console.log(`  ${''.padEnd(10)} with --journal 0: ratio ${median(unjournaledRatios).toFixed(2)}   (rounds: ${r2(unjournaledRatios)})`);
    }
    if (!Number.isNaN(cpuOf(base))) {
      const journalFree = first ? `, --journal 0 ${cpuOf(unjournaled).toFixed(1)} µs` : '';
      console.log(`  ${''.padEnd(10)} server CPU a stream: raw ${cpuOf(base).toFixed(1)} µs, standin ${cpuOf(ours).toFixed(1)} µs${journalFree}`);
    }
  }
}

/** `count` paced streams opened at once, read to their end. */
function pacedStreams(agent, port, count) {
  const scenario = streams[0];
  return Promise.all(
    Array.from({ length: count }, () =>
      readStream(agent, port, scenario.path, scenario.headers, scenario.body, { marker: 'text_delta', endMark: scenario.endMark }).catch((error) => ({ error })),
    ),
  );
}

/**
 * PACED_STREAMS streams opened at once; each must end complete. `warm`: the server first serves
 * PACED_WARMUP paced streams to their end, unmeasured.
 */
async function pacedRound(script, warm) {
  return withServer(script, PACED, async (port, pid) => {
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    if (warm) await pacedStreams(agent, port, PACED_WARMUP);
    const started = performance.now();
    const { results, cpuUs } = await withCpu(pid, async () => ({ results: await pacedStreams(agent, port, PACED_STREAMS) }), () => PACED_STREAMS);
    const wall = (performance.now() - started) / 1000;
    agent.destroy();
    const ok = results.filter((r) => !r.error && r.status === 200 && r.complete);
    const firsts = ok.map((r) => r.markedAt ?? r.ms);
    return { lost: PACED_STREAMS - ok.length, wall, cpuUs, firstP50: percentile(firsts, 50), firstP99: percentile(firsts, 99), errors: [...new Set(results.filter((r) => r.error).map((r) => r.error.code ?? r.error.message))] };
  });
}

if (wants('paced')) {
  const cpuText = (r) => (Number.isNaN(r.cpuUs) ? '' : `, server CPU ${r.cpuUs.toFixed(0)} µs a stream`);
  const line = (r) => `lost ${r.lost} of ${PACED_STREAMS}, wall ${r.wall.toFixed(2)} s, first token p50 ${f(r.firstP50, 0)} ms p99 ${f(r.firstP99, 0)} ms${cpuText(r)}${r.errors.length ? ` (errors: ${r.errors.join(', ')})` : ''}`;
  console.log(`\n3. ${PACED_STREAMS} paced Anthropic streams at once (ttft 1 s, 50 tokens/s), alternating rounds:`);
  for (const [label, warm, rounds] of [
    ['fresh servers (started for the round)', false, Math.min(ROUNDS, 2)],
    [`warmed servers (${PACED_WARMUP} paced streams served first)`, true, ROUNDS],
  ]) {
    const base = [];
    const ours = [];
    for (let i = 0; i < rounds; i++) {
      base.push(await pacedRound('./raw-sse-server.js', warm));
      ours.push(await pacedRound('./standin-server.js', warm));
    }
    console.log(`  ${label}:`);
    base.forEach((r, i) => console.log(`  round ${i + 1} raw       ${line(r)}`));
    ours.forEach((r, i) => console.log(`  round ${i + 1} standin   ${line(r)}`));
    const ratios = ours.map((o, i) => o.wall / base[i].wall);
    const goal = warm ? 'goal: none lost, <= 1.30' : 'start-up included; the goal is read warmed';
    console.log(`  wall standin / raw        ${median(ratios).toFixed(2)}   (rounds: ${r2(ratios)})   ${goal}`);
  }
}

if (wants('start')) {
  const r = await compareStart(Math.max(ROUNDS, 5));
  const ms = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`\n4. Cold start, spawn to the first 200 (${r.all.node.length} alternating rounds):`);
  console.log(`  bare node:http            ${f(r.node)} ms   rounds: ${ms(r.all.node)}`);
  console.log(`  standin serve, all        ${f(r.standin)} ms   rounds: ${ms(r.all.standin)}`);
  console.log(`  ratio standin / bare      ${r.ratio.toFixed(2)}   goal <= 4`);
}

rmSync(dir, { recursive: true, force: true });
