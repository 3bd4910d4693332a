// npm run bench:journal: what recording every exchange costs, in process (engine.handle, 50 requests
// interleaved, no sockets): the same non-streaming request through an engine with the journal and one
// created with `journal: false`, alternating rounds so a passing load on the machine hits both alike.
// The request carries a 108-character key, as real Anthropic keys are, so redaction does its real work.
import { loadDocuments } from '../dist/node/load-documents.js';
import { createStandin } from '../dist/standin.js';

const documents = await loadDocuments(['anthropic']);
const withJournal = createStandin({ documents, precompile: true });
const without = createStandin({ documents, precompile: true, journal: false });
const key = `sk-ant-api03-${'Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc-_'.repeat(3).slice(0, 95)}`;
const text = JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello, Claude' }] });
const raw = { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-length': String(text.length), host: '127.0.0.1:4010', 'user-agent': 'bench' };
// As the Node server hands headers over: get() and forEach().
const headers = { get: (name) => raw[name] ?? null, forEach: (cb) => Object.entries(raw).forEach(([name, value]) => cb(value, name)) };
const request = () => ({ method: 'POST', url: 'http://127.0.0.1:4010/anthropic/v1/messages', headers, text: () => Promise.resolve(text), body: null });

async function round(engine, n) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: 50 }, () => engine.handle(request())));
  return Number(process.hrtime.bigint() - started) / 1000 / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await round(withJournal, 10_000); // warm-up: JIT, and the ring filled to its capacity
await round(without, 10_000);
const on = [];
const off = [];
for (let i = 0; i < 7; i++) {
  on.push(await round(withJournal, 10_000));
  off.push(await round(without, 10_000));
}
const recorded = (await withJournal.journal.list()).length;
if (JSON.stringify(await withJournal.journal.list({ after: 0 })).includes(key.slice(20, 40))) throw new Error('the journal holds the key');
console.log(`\nengine.handle with and without the journal (Node ${process.version}), medians of 7 rounds, ring holding ${recorded}:`);
console.log(`  journal: false    ${median(off).toFixed(2)} µs/request`);
console.log(`  journal (default) ${median(on).toFixed(2)} µs/request`);
console.log(`  ratio             ${(median(on) / median(off)).toFixed(2)}`);
