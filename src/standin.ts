/**
 * The public entry: build an engine from bundled provider documents. Web APIs only; load documents from
 * disk with `loadDocuments` (Node) or ship them bundled (browsers, MSW).
 */
import { compileProvider } from './core/compile-provider.js';
import { createEngine, type Engine, type EngineConfig } from './core/engine.js';
import { defaultEngineOptions, type EngineOptions, type JsonObject } from './core/types.js';
import { createAjv } from './core/validator.js';
import { profileFor } from './profiles/index.js';
import { createFixtureSource, type FixtureSource, type FixtureSourceOptions } from './fixtures/source.js';
import type { FixtureSet, HandFixture } from './fixtures/format.js';
import { checkFixtureSet } from './fixtures/check.js';

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
  /**
   * Fixtures that answer before synthesis: hand-written `{ match, answer }`s, a set loaded from a folder
   * (`loadFixtures` in standin/node), or a fixture source already built. Checked against the documents.
   */
  fixtures?: HandFixture[] | FixtureSet | FixtureSource;
  /** What a request no fixture answers gets, and the replay pace (see docs/fixtures.md). */
  fixtureOptions?: FixtureSourceOptions;
}

export interface Standin extends Engine {
  /** The fixture source: `standin.fixtures.add({ match, answer })` from test code. */
  fixtures: FixtureSource;
}

export function createStandin(config: StandinConfig): Standin {
  const ajv = createAjv();
  const providers = Object.entries(config.documents).map(([name, doc]) => compileProvider(name, doc, profileFor(doc, name), ajv));
  const fixtures = toFixtureSource(config.fixtures, config.fixtureOptions);
  checkFixtureSet(fixtures.fixtures, providers, ajv);
  const engine = createEngine({
    providers,
    ajv,
    mount: config.mount ?? 'prefix',
    options: { ...defaultEngineOptions, ...config.options },
    precompile: config.precompile,
    store: config.store,
    // Fixtures come after the other sources (chaos, limits) and before synthesis.
    sources: [...(config.sources ?? []), fixtures],
    controlRoutes: config.controlRoutes,
    onExchange: config.onExchange,
  });
  return Object.assign(engine, { fixtures });
}

function toFixtureSource(fixtures: StandinConfig['fixtures'], options: FixtureSourceOptions | undefined): FixtureSource {
  if (fixtures && 'choose' in fixtures) return fixtures;
  const source = createFixtureSource(undefined, options);
  if (fixtures) source.add(fixtures);
  return source;
}

export type { Engine, Exchange } from './core/engine.js';
export type { OutcomeSource, Outcome } from './core/outcome/types.js';
export type { Answer } from './core/answer.js';
export type { FixtureSet, HandFixture, FixtureMatch, RecordedFile } from './fixtures/format.js';
export { createFixtureSource, type FixtureSource, type FixtureSourceOptions, type OnMiss } from './fixtures/source.js';
export { parseFixtureFile, FixtureError } from './fixtures/parse.js';
export type { StateStore } from './core/state/store.js';
export { createMemoryStore } from './core/state/memory-store.js';
export type { EngineOptions, JsonObject } from './core/types.js';
