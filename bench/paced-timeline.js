// npm run bench:paced: where the time goes when BENCH_PACED_STREAMS (5,000) paced Anthropic streams open at
// once (ttft 1 s, 50 tokens/s), for the raw SSE server and for standin, alternating rounds. For each
// stream it notes when its head arrived, its first token and its end (ms from the start of the load), and
// prints their percentiles with the server's CPU per stream. bench/run.js gives the ratio; this shows
// whether standin was late answering the heads (saturated while first tokens fell due) or late in the
// schedule itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTicks, percentile, pinLoad, readStream, startServer, TICK_US } from './lib.js';
import { capture, streams } from './scenarios.js';

const STREAMS = Number(process.env.BENCH_PACED_STREAMS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// 0 times fresh servers (start-up included); N serves N paced streams first, unmeasured, as bench/run.js does.
const WARMUP = Number(process.env.BENCH_PACED_WARMUP ?? 0);
const scenario = streams[0];

const placement = pinLoad();
const dir = mkdtempSync(join(tmpdir(), 'standin-paced-'));
const dataFile = join(dir, 'answers.json');
writeFileSync(dataFile, JSON.stringify(await capture()));
console.log(`standin paced timeline (Node ${process.version}; ${placement}; ${STREAMS} streams, ttft 1 s, 50 tokens/s; ${ROUNDS} alternating rounds; ${WARMUP ? `servers warmed by ${WARMUP} paced streams` : 'fresh servers'})`);

/** One stream: when (ms after `t0`) its head, its first token and its end arrived, and whether it ended whole. */
async function timeStream(agent, port, t0) {
  try {
    const r = await readStream(agent, port, scenario.path, scenario.headers, scenario.body, { marker: 'text_delta', endMark: scenario.endMark });
    const sent = r.startedAt - t0;
    return { head: sent + r.headMs, first: sent + (r.markedAt ?? r.ms), end: sent + r.ms, whole: r.status === 200 && r.complete };
  } catch {
    return { whole: false };
  }
}

async function round(script) {
  const server = await startServer(script, { BENCH_DATA: dataFile, BENCH_TTFT_MS: '1000', BENCH_TPS: '50' });
  try {
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    if (WARMUP > 0) await Promise.all(Array.from({ length: WARMUP }, () => timeStream(agent, server.port, performance.now())));
    const before = cpuTicks(server.child.pid);
    const t0 = performance.now();
    const timed = await Promise.all(Array.from({ length: STREAMS }, () => timeStream(agent, server.port, t0)));
    const cpuUs = ((cpuTicks(server.child.pid) - before) * TICK_US) / STREAMS;
    agent.destroy();
    return { timed: timed.filter((t) => t.whole), lost: timed.filter((t) => !t.whole).length, cpuUs };
  } finally {
    await server.stop();
  }
}

const servers = [
  ['raw SSE server', './raw-sse-server.js'],
  ['standin', './standin-server.js'],
];
for (let r = 1; r <= ROUNDS; r++) {
  for (const [name, script] of servers) {
    const { timed, lost, cpuUs } = await round(script);
    const at = (key) => [10, 50, 90, 99, 100].map((p) => String(Math.round(percentile(timed.map((t) => t[key]), p))).padStart(5)).join(' ');
    console.log(`\nround ${r}, ${name}: lost ${lost}, server CPU ${cpuUs.toFixed(0)} µs a stream; ms after the load began, p10 p50 p90 p99 max:`);
    console.log(`  head         ${at('head')}`);
    console.log(`  first token  ${at('first')}`);
    console.log(`  end          ${at('end')}`);
  }
}
rmSync(dir, { recursive: true, force: true });
