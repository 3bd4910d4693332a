// npm run bench (fleet part): `standin serve --workers 2` against one worker, and the Redis state store
// against the in-memory one, each pair measured in the same run in alternating rounds (the median of
// per-round ratios). Servers are `standin serve` child processes on 127.0.0.1 (port 0); this process
// drives the load with autocannon for a fixed, bounded time, then kills every child it started.
//
// Placement, as in the other benches (bench/lib.js): every server-side process (standin, its workers,
// which inherit the primary's CPU affinity, and redis-server) runs on core 0, and this process (the
// load) on core 1. Unpinned, the candidate with more processes (two workers and a primary; standin and
// redis-server) would also take whatever the load generator leaves of core 1, which the single-process
// baseline cannot use, and the load generator would be starved by whichever servers the scheduler put
// beside it. Pinned, both sides of each pair get the same CPU, so a ratio says what the fleet machinery
// (IPC to the primary, Redis round trips) costs per request: on this 2-core machine --workers 2 cannot
// beat one worker (the ceiling is 1.0); on a machine with a core per worker it scales instead.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { cpuTicks, pinLoad, serverCommand, TICK_US } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const cli = new URL('../bin/standin.js', import.meta.url).pathname;
const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] });
const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' };
const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `command args` on the server core (taskset), when this machine can pin. */
function onServerCore(command, args) {
  const [pinned, pinnedArgs] = serverCommand(args);
  return pinned === 'taskset' ? ['taskset', [...pinnedArgs.slice(0, 2), command, ...args]] : [command, args];
}

/** Spawns a child on the server core and resolves once its output matches `ready` (bounded). */
function startProcess(command, args, ready, ms = 120_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(...onServerCore(command, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} not ready within ${ms} ms:\n${out}`)), ms);
    const onData = (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}:\n${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  }).then(() => children.delete(child));
}

async function serve(args) {
  const fleet = args.includes('--workers') && args[args.indexOf('--workers') + 1] !== '1';
  const ready = fleet ? /standin listening on (http:\S+)[\s\S]*workers {4}\d+ processes/ : /standin listening on (http:\S+)[\s\S]*health/;
  const { child, match } = await startProcess(process.execPath, [cli, 'serve', '--port', '0', '--quiet', '--provider', 'anthropic', ...args], ready);
  return { child, url: match[1] };
}

async function load(url, seconds) {
  const result = await autocannon({ url: `${url}/v1/messages`, method: 'POST', headers, body, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

/** A process and its children (a fleet's workers). */
function processTree(pid) {
  try {
    return [pid, ...execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean)];
  } catch {
    return [pid];
  }
}

/**
 * Requests per second, and the CPU every server-side process (standin, its workers, `alsoCount`:
 * redis-server) spent per request: less sensitive than req/s to other jobs on a shared machine.
 */
async function measure(args, alsoCount = []) {
  const { child, url } = await serve(args);
  try {
    await load(url, 1); // warm-up: JIT and the first compiled validators
    const pids = [...processTree(child.pid), ...alsoCount];
    const before = pids.map(cpuTicks);
    const result = await load(url, SECONDS);
    const used = pids.map(cpuTicks).reduce((sum, after, i) => sum + (after - before[i]), 0);
    return { rps: result.requests.average, cpuUs: Number.isFinite(used) ? (used * TICK_US) / result.requests.total : NaN };
  } finally {
    await stop(child);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates baseline and candidate for ROUNDS rounds; a passing load on the machine hits both alike. */
async function compare(baseArgs, candidateArgs, candidateAlsoCount = []) {
  const base = [];
  const candidate = [];
  for (let round = 0; round < ROUNDS; round++) {
    base.push(await measure(baseArgs));
    candidate.push(await measure(candidateArgs, candidateAlsoCount));
  }
  return { base, candidate };
}

const f = (n) => n.toFixed(0).padStart(7);
const rounds = (xs) => xs.map((x) => Math.round(x)).join(', ');
function report(title, baseName, candidateName, { base, candidate }) {
  const rps = (xs) => xs.map((x) => x.rps);
  const cpu = (xs) => xs.map((x) => x.cpuUs);
  const ratios = base.map((b, i) => candidate[i].rps / b.rps);
  console.log(`\n${title}`);
  console.log(`  ${baseName.padEnd(26)} ${f(median(rps(base)))} req/s   rounds: ${rounds(rps(base))}`);
  console.log(`  ${candidateName.padEnd(26)} ${f(median(rps(candidate)))} req/s   rounds: ${rounds(rps(candidate))}`);
  console.log(`  ratio ${`${candidateName} / ${baseName}`.padEnd(40)} ${median(ratios).toFixed(2)} (per round: ${ratios.map((r) => r.toFixed(2)).join(', ')})`);
  if (cpu(base).some(Number.isNaN)) return;
  const cpuRatios = base.map((b, i) => candidate[i].cpuUs / b.cpuUs);
  console.log(`  server CPU per request      ${baseName} ${f(median(cpu(base)))} µs, ${candidateName} ${f(median(cpu(candidate)))} µs (rounds: ${rounds(cpu(base))} / ${rounds(cpu(candidate))})`);
  console.log(`  CPU ratio ${`${candidateName} / ${baseName}`.padEnd(36)} ${median(cpuRatios).toFixed(2)} (per round: ${cpuRatios.map((r) => r.toFixed(2)).join(', ')})`);
}

const placement = pinLoad();
console.log(`\nstandin as a fleet: POST /v1/messages non-streaming, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS}s, Node ${process.version}, 127.0.0.1, ${placement}`);
report('--workers 2 against one worker (state in the primary; CPU includes the primary\'s):', 'serve --workers 1', 'serve --workers 2', await compare(['--workers', '1'], ['--workers', '2']));

if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
  console.log('\nRedis store against memory: skipped, redis-server is not installed');
} else {
  const port = await freePort();
  const { child: redis } = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  try {
    const state = `redis://127.0.0.1:${port}`;
    report('Redis state store against memory (one standin process; CPU includes redis-server\'s):', 'memory store', 'Redis store', await compare([], ['--state', state], [redis.pid]));
  } finally {
    await stop(redis);
  }
}
