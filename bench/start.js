// Cold start: time from spawning a process to its first 200 answer to a real request, for `standin serve`
// with every provider and for a bare node:http server (the baseline), alternating, in one run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serverCommand } from './lib.js';

const bin = fileURLToPath(new URL('../bin/standin.js', import.meta.url));
const body = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] });
const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01' };
// The bare server: listen, read the body, parse it, answer (what standin must at least do).
const bare = `require('node:http').createServer((q,s)=>{let b='';q.on('data',c=>b+=c);q.on('end',()=>{JSON.parse(b);s.setHeader('content-type','application/json');s.end('{}')})}).listen(0,'127.0.0.1',function(){console.log('standin listening on http://127.0.0.1:'+this.address().port)})`;

/** Spawns, waits for the listening line, then sends the request until it is answered 200. */
export async function coldStart(args, path) {
  const started = process.hrtime.bigint();
  const [cmd, full] = serverCommand(args);
  const child = spawn(cmd, full, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(url + path, { method: 'POST', headers, body });
    await res.text();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  } finally {
    child.kill();
  }
}

export async function compareStart(rounds = 5) {
  const standin = [];
  const node = [];
  for (let i = 0; i < rounds; i++) {
    node.push(await coldStart(['-e', bare], '/'));
    standin.push(await coldStart([bin, 'serve', '--port', '0', '--quiet'], '/anthropic/v1/messages'));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { node: median(node), standin: median(standin), ratio: median(standin.map((s, i) => s / node[i])), all: { node, standin } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await compareStart(Number(process.env.BENCH_ROUNDS ?? 5));
  const ms = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`Cold start to the first 200 (spawn to answer), ${r.all.node.length} alternating rounds, medians:`);
  console.log(`  bare node:http            ${r.node.toFixed(0).padStart(6)} ms   rounds: ${ms(r.all.node)}`);
  console.log(`  standin serve (all)       ${r.standin.toFixed(0).padStart(6)} ms   rounds: ${ms(r.all.standin)}`);
  console.log(`  ratio standin / bare      ${r.ratio.toFixed(2)}   goal <= 4`);
}
