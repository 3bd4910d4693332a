/** Starts a real standin HTTP server for a test file (or a describe block), on a free port. */
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../src/adapters/node-server.js';
import { loadDocuments } from '../../src/node/load-documents.js';
import { createStandin, type Standin, type StandinConfig } from '../../src/standin.js';

/** The server `useServer` keeps running; read its fields inside tests and hooks, once it has started. */
export interface ServedStandin {
  /** The server's origin (`http://127.0.0.1:<port>`, no trailing slash). */
  readonly url: string;
  /** The standin behind it: its providers, journal, fixtures, store. */
  readonly standin: Standin;
  /** The running server itself. */
  readonly running: RunningServer;
  /** The address of `path` (with or without its leading slash) on this server. */
  base(path: string): string;
}

/**
 * Serves the given providers' documents (all when omitted) from `beforeAll` to `afterAll` of the
 * enclosing file or describe block. The server starts in a hook, so its fields are read lazily: a read
 * before the hook ran is a mistake in the test, and says so.
 */
export function useServer(providers?: readonly string[], config: Omit<StandinConfig, 'documents'> = {}): ServedStandin {
  let current: { standin: Standin; running: RunningServer } | undefined;
  beforeAll(async () => {
    const standin = createStandin({ documents: await loadDocuments(providers && [...providers]), ...config });
    current = { standin, running: await startServer(standin, { port: 0 }) };
  });
  afterAll(async () => {
    await current?.running.close();
    current = undefined;
  });
  const started = () => {
    if (!current) throw new Error('useServer: the server is started in beforeAll; read it inside a test or a later hook');
    return current;
  };
  return {
    get url() {
      return started().running.url;
    },
    get standin() {
      return started().standin;
    },
    get running() {
      return started().running;
    },
    base: (path) => `${started().running.url}/${path.replace(/^\//, '')}`,
  };
}

/**
 * The three Anthropic-native providers, each with the model id it documents and the id its answers
 * name (Anthropic's dated snapshot, relayed by SkillBoss; ByteSpike echoes the request's).
 */
export const anthropicNative = [
  { provider: 'skillboss', model: 'anthropic/claude-haiku-4-5', answeredModel: 'claude-haiku-4-5-20251001', maxTokens: 64000 },
  { provider: 'bytespike', model: 'claude-haiku-4-5', answeredModel: 'claude-haiku-4-5', maxTokens: 8192 },
  { provider: 'anthropic', model: 'claude-haiku-4-5', answeredModel: 'claude-haiku-4-5-20251001', maxTokens: 64000 },
] as const;
