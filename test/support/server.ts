/** Starts a real standin HTTP server for a test file, on a free port. */
import { startServer, type RunningServer } from '../../src/adapters/node-server.js';
import { loadDocuments } from '../../src/node/load-documents.js';
import { createStandin } from '../../src/standin.js';
import type { EngineOptions } from '../../src/core/types.js';

export async function startStandin(options: Partial<EngineOptions> = {}, providers?: string[]): Promise<RunningServer> {
  const engine = createStandin({ documents: await loadDocuments(providers), options });
  return startServer(engine, { port: 0 });
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
