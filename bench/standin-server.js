// standin serving every provider, each under its own prefix, as `standin serve` does.
import { startServer } from '../dist/adapters/node-server.js';
import { loadDocuments } from '../dist/node/load-documents.js';
import { createStandin } from '../dist/standin.js';

const engine = createStandin({ documents: await loadDocuments(), precompile: true });
const running = await startServer(engine, { port: 0 });
process.send({ port: Number(new URL(running.url).port) });
