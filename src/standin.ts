/**
 * The public entry: build an engine from bundled provider documents. Web APIs only; load documents from
 * disk with `loadDocuments` (Node) or ship them bundled (browsers, MSW).
 */
import { compileProvider } from './core/compile-provider.js';
import { createEngine, type Engine, type EngineConfig } from './core/engine.js';
import { defaultEngineOptions, type EngineOptions, type JsonObject } from './core/types.js';
import { createAjv, seedValidators, type Validator } from './core/validator.js';
import { profileFor } from './profiles/index.js';
import { createFixtureSource, type FixtureSource, type FixtureSourceOptions } from './fixtures/source.js';
import type { FixtureSet, HandFixture } from './fixtures/format.js';
import { checkFixtureSet } from './fixtures/check.js';
import { advertisedBuckets, type RateLimitSettings } from './core/limits/buckets.js';
import { createRateLimitSource } from './core/limits/source.js';
import { createCreditsSource, walletStatus } from './core/credits/source.js';
import type { OutcomeSource } from './core/outcome/types.js';
import { createMemoryStore } from './core/state/memory-store.js';
import type { Exchange } from './core/engine.js';
import type { ProviderRuntime } from './core/types.js';
import { createJournal, type Journal, type JournalRing } from './journal/journal.js';
import type { JournalSummary } from './journal/entry.js';
import { journalRoute } from './journal/routes.js';
import { inspectorRoute } from './inspector/route.js';

export interface StandinConfig {
  /** Bundled OpenAPI documents by provider name (the name is the path prefix). */
  documents: Record<string, JsonObject>;
  /** `prefix` (default): every provider under `/<name>`; `root`: one provider at `/`. */
  mount?: 'prefix' | 'root';
  options?: Partial<EngineOptions>;
  /** Compile every request validator now (a server), instead of on first use (tests). */
  precompile?: boolean;
  /**
   * Request validators generated ahead of time, by provider and schema pointer (`loadPrecompiledValidators`
   * in standin/node): used instead of compiling those schemas.
   */
  validators?: Record<string, Record<string, () => Validator>>;
  /** Where state lives (rate limits, credits, caches, sessions); in memory by default. */
  store?: EngineConfig['store'];
  /** standin's clock, when not `createClock(store)` (see EngineConfig.clock). */
  clock?: EngineConfig['clock'];
  /** Outcome sources between `Prefer: code=` and synthesis (chaos, limits, fixtures), in order. */
  sources?: EngineConfig['sources'];
  /** Further `/_standin/*` routes. */
  controlRoutes?: EngineConfig['controlRoutes'];
  /** Observes every finished exchange before the journal does (which sees the Reply this answers). */
  onExchange?: EngineConfig['onExchange'];
  /**
   * Told each exchange's summary (method, path, status, times, stream, why; redacted) once the journal
   * has recorded it: the server's log line. The whole entry is in `journal.list()`.
   */
  onJournalEntry?: (summary: JournalSummary) => void;
  /**
   * The journal's ring size (default JOURNAL_CAPACITY, 1,000 exchanges; 0 keeps none, and with no
   * `onJournalEntry` observes nothing), or `false` to record nothing (a load test that needs no record:
   * keeping exchanges costs time on every one, docs/performance.md). `ring`: where entries are kept,
   * when not a list in `store` (`standin serve --workers`: one per worker).
   */
  journal?: { capacity?: number; ring?: JournalRing } | false;
  /**
   * Fixtures that answer before synthesis: hand-written `{ match, answer }`s, a set loaded from a folder
   * (`loadFixtures` in standin/node), or a fixture source already built. Checked against the documents.
   */
  fixtures?: HandFixture[] | FixtureSet | FixtureSource;
  /** What a request no fixture answers gets, and the replay pace (see docs/fixtures.md). */
  fixtureOptions?: FixtureSourceOptions;
  /**
   * Rate limits to enforce, per API key, provider and session, per minute (`standin serve
   * --rate-limit`): over one, the provider's documented 429 with `retry-after`. Without them the
   * documents' advertised limits are counted and shown in the rate-limit headers, never enforced.
   */
  rateLimits?: RateLimitSettings;
  /**
   * A starting balance in US dollars for every API key at providers with a prepaid wallet
   * (`x-standin-credits`: SkillBoss, ByteSpike, AIgateway, Runware; `standin serve --credits`). Each
   * answer is charged at the document's prices; a spent wallet gets the provider's 402.
   */
  credits?: number;
}

export interface Standin extends Engine {
  /** The fixture source: `standin.fixtures.add({ match, answer })` from test code. */
  fixtures: FixtureSource;
  /** Every exchange, redacted: `await standin.journal.list({ session })` (also `GET /_standin/journal`). */
  journal: Journal;
}

export function createStandin(config: StandinConfig): Standin {
  const ajv = createAjv();
  const providers = Object.entries(config.documents).map(([name, doc]) => compileProvider(name, doc, profileFor(doc, name), ajv));
  for (const provider of providers) {
    const ready = config.validators?.[provider.name];
    if (ready) seedValidators(ajv, provider.ajvKey, ready);
  }
  const fixtures = toFixtureSource(config.fixtures, config.fixtureOptions);
  checkFixtureSet(fixtures.fixtures, providers, ajv);
  // A malformed x-standin-rate-limits or x-standin-credits is a start-up error, not a failure of the
  // first request.
  for (const provider of providers) {
    advertisedBuckets(provider);
    walletStatus(provider);
  }
  const store = config.store ?? createMemoryStore();
  const journal = createJournal({
    store,
    capacity: config.journal ? config.journal.capacity : undefined,
    ring: config.journal ? config.journal.ring : undefined,
    credentialFromBody: credentialFinder(providers),
    onEntry: config.onJournalEntry,
  });
  const engine = createEngine({
    providers,
    ajv,
    mount: config.mount ?? 'prefix',
    options: { ...defaultEngineOptions, ...config.options },
    precompile: config.precompile,
    store,
    clock: config.clock,
    // Rate limits come after the caller's sources (chaos) and before fixtures and synthesis, so
    // what a fixture answers is counted too.
    sources: [...(config.sources ?? []), ...stateSources(config), fixtures],
    controlRoutes: [journalRoute(journal), inspectorRoute, ...(config.controlRoutes ?? [])],
    onExchange: records(config) ? observeThenJournal(config.onExchange, journal) : config.onExchange,
  });
  return Object.assign(engine, { fixtures, journal });
}

/** Whether the journal observes exchanges: not when it keeps none and no log line wants them. */
function records(config: StandinConfig): boolean {
  if (config.journal === false) return false;
  return config.journal?.capacity !== 0 || config.onJournalEntry !== undefined;
}

/** Rate limits, then credits: a request refused for its rate is not charged. */
function stateSources(config: StandinConfig): OutcomeSource[] {
  const sources = [createRateLimitSource(config.rateLimits)];
  if (config.credits !== undefined) sources.push(createCreditsSource(config.credits));
  return sources;
}

/** The caller's observer first (it may replace the Reply), then the journal records what goes out. */
function observeThenJournal(first: EngineConfig['onExchange'], journal: Journal): EngineConfig['onExchange'] {
  if (!first) return (exchange) => journal.observe(exchange);
  return async (exchange: Exchange) => {
    const replaced = (await first(exchange)) ?? exchange.reply;
    return (await journal.observe({ ...exchange, reply: replaced })) ?? replaced;
  };
}

/** A key some providers (Runware) take inside the body, so the journal can hide it there too. */
function credentialFinder(providers: ProviderRuntime[]): (provider: string, bodyText: string) => string | undefined {
  const byName = new Map(providers.map((p) => [p.name, p.profile]));
  return (provider, bodyText) => {
    const profile = byName.get(provider);
    if (!profile?.credentialFromBody) return undefined;
    try {
      return profile.credentialFromBody(JSON.parse(bodyText));
    } catch {
      return undefined; // a body that is not JSON carries no key standin could have read
    }
  };
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
export type { Journal, JournalFilter, JournalRing } from './journal/journal.js';
export type { JournalEntry, JournalEvent, JournalStream, JournalSummary } from './journal/entry.js';
export { JOURNAL_CAPACITY } from './journal/entry.js';
export { StateStoreError, type StateStore } from './core/state/store.js';
export { createMemoryStore } from './core/state/memory-store.js';
export type { EngineOptions, JsonObject } from './core/types.js';
export { parseRateLimit, type RateLimitSettings } from './core/limits/buckets.js';
export type { Settled } from './core/outcome/types.js';
export type { Usage } from './core/usage.js';
