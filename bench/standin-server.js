// standin serving the Anthropic document under /anthropic, as `standin serve` does.
import { startServer } from '../dist/adapters/node-server.js';
import { loadDocuments } from '../dist/node/load-documents.js';
import { createStandin } from '../dist/standin.js';

const engine = createStandin({ documents: await loadDocuments(['anthropic']) });
const running = await startServer(engine, { port: 0 });
process.send({ port: Number(new URL(running.url).port) });
