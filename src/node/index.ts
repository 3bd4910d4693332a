/** Node entry: load the bundled documents and serve them over HTTP. */
export { loadDocuments, loadDocument, listProviders, bundledOpenapiDir } from './load-documents.js';
export { startServer, type RunningServer, type ServerOptions } from '../adapters/node-server.js';
