// Shared by the bench scripts: servers run alone on core 0 (taskset), this process drives the load from
// core 1, everything on 127.0.0.1; and the small readers the load generators use.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';

export const SERVER_CORE = 0;
export const LOAD_CORE = 1;
const canPin = (() => {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
})();

/** Moves this process (the load) to its own core; says so when it cannot. */
export function pinLoad() {
  if (canPin) execFileSync('taskset', ['-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  return canPin ? `server on core ${SERVER_CORE}, load on core ${LOAD_CORE}` : 'not pinned (no taskset or one core)';
}

/** The command that runs node with `args` on the server core. */
export function serverCommand(args) {
  return canPin ? ['taskset', ['-c', String(SERVER_CORE), process.execPath, ...args]] : [process.execPath, args];
}

/** Starts a server script on the server core; resolves once it reports its port. */
export function startServer(script, env = {}) {
  const [cmd, args] = serverCommand([new URL(script, import.meta.url).pathname]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, port: m.port, stop: () => stopChild(child) }));
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill();
  });
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/**
 * Posts `body` and reads the answer to its end, counting SSE frames (blank-line ends, across chunk
 * boundaries) without parsing them. Resolves { status, events, startedAt, headMs, markedAt, complete,
 * ms } or rejects: `startedAt` is when it was sent (performance.now()), the rest are ms after that.
 * `marker`: a text whose first arrival time is noted (the first token); `endMark`: the text a complete
 * stream ends with.
 */
export function readStream(agent, port, path, headers, body, { marker, endMark } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const headMs = performance.now() - started;
      res.setEncoding('latin1');
      let events = 0;
      let last = '';
      let markedAt;
      let tail = '';
      res.on('data', (chunk) => {
        let from = 0;
        if (last === '\n' && chunk[0] === '\n') events++;
        for (;;) {
          const at = chunk.indexOf('\n\n', from);
          if (at < 0) break;
          events++;
          from = at + 2;
        }
        last = chunk[chunk.length - 1];
        if (marker && markedAt === undefined && chunk.includes(marker)) markedAt = performance.now() - started;
        if (endMark) tail = (tail + chunk).slice(-200);
      });
      res.on('end', () => resolve({ status: res.statusCode, events, startedAt: started, headMs, markedAt, complete: !endMark || tail.includes(endMark), ms: performance.now() - started }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `connections` clients, each posting and reading whole streams back to back for `seconds`. */
export async function streamLoad(port, path, headers, body, { connections, seconds }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const deadline = performance.now() + seconds * 1000;
  let events = 0;
  let streams = 0;
  const latencies = [];
  const worker = async () => {
    while (performance.now() < deadline) {
      const r = await readStream(agent, port, path, headers, body);
      if (r.status !== 200) throw new Error(`${path}: status ${r.status}`);
      events += r.events;
      streams++;
      latencies.push(r.ms);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { streams, eventsPerSecond: events / elapsed, streamsPerSecond: streams / elapsed, eventsPerStream: events / Math.max(streams, 1), p99: percentile(latencies, 99) };
}

/** Microseconds in one clock tick of /proc's CPU times (USER_HZ is 100 on Linux). */
export const TICK_US = 10_000;

/** CPU time (user + system, clock ticks) a process has used so far (Linux /proc); undefined elsewhere. */
export function cpuTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
