// npm run bench:engine: the engine's own cost per non-streaming request, in process (engine.handle,
// 50 requests interleaved, no sockets), next to the cost of JSON.parse + JSON.stringify of the same
// request and answer as a same-run baseline. Server figures (npm run bench) run 2-4x these on this
// class of VM, so this is the number to watch while changing the hot path.
import { loadDocuments } from '../dist/node/load-documents.js';
import { createStandin } from '../dist/standin.js';

const engine = createStandin({ documents: await loadDocuments(['anthropic']), precompile: true });
const text = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] });
const headers = { 'content-type': 'application/json', 'x-api-key': 'sk-bench', 'anthropic-version': '2023-06-01', 'content-length': String(text.length) };
const request = () => ({
  method: 'POST',
  url: 'http://127.0.0.1:4010/anthropic/v1/messages',
  headers: { get: (name) => headers[name] ?? null },
  text: () => Promise.resolve(text),
  body: null,
});

const first = await engine.handle(request());
if (first.status !== 200) throw new Error(`engine answered ${first.status}: ${first.body}`);
const answer = JSON.parse(first.body);

async function engineRound(n) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: 50 }, () => engine.handle(request())));
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

function baselineRound(n) {
  const started = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += JSON.parse(text).max_tokens + JSON.stringify(answer).length;
  if (bytes === 0) throw new Error('unreachable');
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await engineRound(20_000); // warm-up: JIT
baselineRound(20_000);
const engineRuns = [];
const baselineRuns = [];
for (let round = 0; round < 7; round++) {
  engineRuns.push(await engineRound(20_000));
  baselineRuns.push(baselineRound(20_000));
}
const e = median(engineRuns);
const b = median(baselineRuns);
console.log(`\nengine.handle, non-streaming POST /v1/messages, in process (Node ${process.version}), medians of 7 rounds:`);
console.log(`  standin engine                 ${e.toFixed(2)} µs/request`);
console.log(`  JSON.parse + JSON.stringify    ${b.toFixed(2)} µs/request (the part no engine can avoid)`);
console.log(`  ratio engine / baseline        ${(e / b).toFixed(1)}`);
