/**
 * The public entry: build an engine from bundled provider documents. Web APIs only; load documents from
 * disk with `loadDocuments` (Node) or ship them bundled (browsers, MSW).
 */
import { compileProvider } from './core/compile-provider.js';
import { createEngine, type Engine, type EngineConfig } from './core/engine.js';
import { defaultEngineOptions, type EngineOptions, type JsonObject } from './core/types.js';
import { createAjv } from './core/validator.js';
import { profileFor } from './profiles/index.js';

export interface StandinConfig {
  /** Bundled OpenAPI documents by provider name (the name is the path prefix). */
  documents: Record<string, JsonObject>;
  /** `prefix` (default): every provider under `/<name>`; `root`: one provider at `/`. */
  mount?: 'prefix' | 'root';
  options?: Partial<EngineOptions>;
  /** Compile every request validator now (a server), instead of on first use (tests). */
  precompile?: boolean;
  /** Where state lives (rate limits, credits, caches, sessions); in memory by default. */
  store?: EngineConfig['store'];
  /** Outcome sources between `Prefer: code=` and synthesis (chaos, limits, fixtures), in order. */
  sources?: EngineConfig['sources'];
  /** Further `/_standin/*` routes. */
  controlRoutes?: EngineConfig['controlRoutes'];
  /** Observes every finished exchange (the journal). */
  onExchange?: EngineConfig['onExchange'];
}

export function createStandin(config: StandinConfig): Engine {
  const ajv = createAjv();
  const providers = Object.entries(config.documents).map(([name, doc]) => compileProvider(name, doc, profileFor(doc, name), ajv));
  return createEngine({
    providers,
    ajv,
    mount: config.mount ?? 'prefix',
    options: { ...defaultEngineOptions, ...config.options },
    precompile: config.precompile,
    store: config.store,
    sources: config.sources,
    controlRoutes: config.controlRoutes,
    onExchange: config.onExchange,
  });
}

export type { Engine, Exchange } from './core/engine.js';
export type { OutcomeSource, Outcome } from './core/outcome/types.js';
export type { StateStore } from './core/state/store.js';
export { createMemoryStore } from './core/state/memory-store.js';
export type { EngineOptions, JsonObject } from './core/types.js';
