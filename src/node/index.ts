/** Node entry: load the bundled documents and serve them over HTTP. */
export { loadDocuments, loadDocument, listProviders, bundledOpenapiDir } from './load-documents.js';
export { startServer, type RunningServer, type ServerOptions } from '../adapters/node-server.js';
export { loadFixtures } from '../fixtures/node-load.js';
export { createRecorder, type RecorderOptions } from '../fixtures/node-record.js';
export { createRedisStore, type RedisStoreOptions } from './redis-store.js';
