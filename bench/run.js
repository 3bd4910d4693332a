// npm run bench: standin's non-streaming throughput next to a bare node:http ceiling measured in the
// same run, and standin's streaming rate. Each server runs alone in a child process; this process
// drives the load (autocannon), all on 127.0.0.1, for a fixed, bounded time.
import { fork } from 'node:child_process';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// Five short alternating rounds: this class of VM drifts by tens of percent within a minute, and the
// median of per-round ratios is steadier than one long round of each.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = 50;
const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] });
const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' };

function start(script) {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(script, import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

async function load(url, seconds) {
  const result = await autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

async function measure(script, path) {
  const { child, port } = await start(script);
  try {
    const url = `http://127.0.0.1:${port}${path}`;
    await load(url, 2); // warm-up: JIT and compiled validators
    return await load(url, SECONDS);
  } finally {
    child.kill();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates the two servers for ROUNDS rounds, so a passing load on the machine hits both alike. */
async function compare() {
  const raw = [];
  const standin = [];
  for (let round = 0; round < ROUNDS; round++) {
    raw.push(await measure('./raw-server.js', '/v1/messages'));
    standin.push(await measure('./standin-server.js', '/anthropic/v1/messages'));
  }
  const summary = (runs) => ({ rps: median(runs.map((r) => r.rps)), p99: median(runs.map((r) => r.p99)), all: runs.map((r) => Math.round(r.rps)) });
  return { raw: summary(raw), standin: summary(standin), ratios: raw.map((r, i) => standin[i].rps / r.rps) };
}

async function streamRate() {
  const { child, port } = await start('./standin-server.js');
  const streamBody = JSON.stringify({ ...JSON.parse(body), max_tokens: 2000, stream: true });
  const deadline = Date.now() + SECONDS * 1000;
  let events = 0;
  let streams = 0;
  const worker = async () => {
    while (Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${port}/anthropic/v1/messages`, { method: 'POST', headers, body: streamBody });
      const text = await res.text();
      events += text.split('\n\n').length - 1;
      streams++;
    }
  };
  try {
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, worker));
    const elapsed = (Date.now() - started) / 1000;
    return { eventsPerSecond: events / elapsed, streamsPerSecond: streams / elapsed, eventsPerStream: events / Math.max(streams, 1) };
  } finally {
    child.kill();
  }
}

const { raw, standin, ratios } = await compare();
const stream = await streamRate();
const f = (n) => n.toFixed(0).padStart(8);
console.log(`\nPOST /v1/messages, non-streaming, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS}s (Node ${process.version}), medians:`);
console.log(`  bare node:http (ceiling)  ${f(raw.rps)} req/s   p99 ${raw.p99} ms   rounds: ${raw.all.join(', ')}`);
console.log(`  standin                   ${f(standin.rps)} req/s   p99 ${standin.p99} ms   rounds: ${standin.all.join(', ')}`);
console.log(`  ratio standin / ceiling   ${median(ratios).toFixed(2)} (median of per-round ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')})   goal >= 0.50`);
console.log(`\nStreaming (8 concurrent streams of ~${stream.eventsPerStream.toFixed(0)} events):`);
console.log(`  standin                   ${f(stream.eventsPerSecond)} events/s   ${stream.streamsPerSecond.toFixed(1)} streams/s`);
