// standin serving every provider, each under its own prefix, as `standin serve` does (quiet, no log
// line per exchange); pacing from BENCH_TTFT_MS / BENCH_TPS, as --ttft-ms / --tokens-per-second set it;
// BENCH_JOURNAL=N keeps N exchanges, as --journal N does (0: none), and BENCH_JOURNAL=off runs it with
// `journal: false`.
import { startServer } from '../dist/adapters/node-server.js';
import { loadDocuments } from '../dist/node/load-documents.js';
import { loadPrecompiledValidators } from '../dist/node/precompiled-validators.js';
import { createStandin } from '../dist/standin.js';

const documents = await loadDocuments();
const engine = createStandin({
  documents,
  validators: loadPrecompiledValidators(documents),
  precompile: true,
  journal: journalOf(process.env.BENCH_JOURNAL),
  options: { ttftMs: Number(process.env.BENCH_TTFT_MS ?? 0), tokensPerSecond: Number(process.env.BENCH_TPS ?? 0) },
});
const running = await startServer(engine, { port: 0, maxConnections: 20_000 });
process.send({ port: Number(new URL(running.url).port) });

function journalOf(setting) {
  if (setting === undefined) return undefined;
  return setting === 'off' ? false : { capacity: Number(setting) };
}
