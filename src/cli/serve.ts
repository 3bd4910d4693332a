/** `standin serve`: the mock server on 127.0.0.1:4010 by default. */
import { parseArgs } from 'node:util';
import { startServer } from '../adapters/node-server.js';
import { exposureWarning, SERVER_DEFAULTS } from '../adapters/server-guards.js';
import { PREFER_LIMITS } from '../core/prefer.js';
import { listProviders, loadDocuments } from '../node/load-documents.js';
import { loadPrecompiledValidators } from '../node/precompiled-validators.js';
import { createStandin, parseRateLimit, type RateLimitSettings } from '../standin.js';
import { createFixtureSource, type FixtureSource, type OnMiss } from '../fixtures/source.js';
import { loadFixtures } from '../fixtures/node-load.js';
import { createRecorder } from '../fixtures/node-record.js';
import { FixtureError } from '../fixtures/parse.js';
import { logJson, logLine } from '../journal/log-line.js';
import { JOURNAL_CAPACITY, type JournalSummary } from '../journal/entry.js';
import { createLineWriter } from './line-writer.js';
import cluster from 'node:cluster';
import { fleetPlanOf, isFleetWorker, openStore, reportListening, runPrimary, startFleetWorker, untilStopped } from './fleet.js';

/** Entries a journal may keep: each holds an exchange's bodies (a few KiB, streams up to 4 MiB). */
const MAX_JOURNAL_CAPACITY = 100_000;

const HELP = `usage: standin serve [options]

  --host HOST               address to listen on (default 127.0.0.1)
  --port PORT               port (default 4010; 0 picks a free one)
  --provider NAME           serve one provider at the root instead of all under /<name>
  --strict-auth             accept only the auth header each provider documents strictly
  --strict-limits           refuse a max_tokens above a documented output cap (default: serve it
                            capped, with an x-standin-diagnostic header)
  --keys K1,K2              accept only these API keys (default: any key not starting with 'invalid')
  --ttft-ms MS              delay before the first streamed token (default 0, at most ${PREFER_LIMITS['ttft-ms']!.max})
  --tokens-per-second N     streaming pace (default 0: as fast as possible; else ${PREFER_LIMITS['tokens-per-second']!.min} to ${PREFER_LIMITS['tokens-per-second']!.max})
  --allowed-hosts H1,H2     Host names served besides loopback ones ('*': any). Bound to a loopback
                            address, other names get 421 (DNS rebinding); bound elsewhere, any name is
                            served unless this lists them
  --webhook-hosts H1,H2     hosts Runware webhookURLs may be sent to besides loopback ones ('*': any);
                            by default a webhook to any other host is not called (recorded as failed)
  --max-connections N       connections open at once (default ${SERVER_DEFAULTS.maxConnections}); more are closed
  --backlog N               connections the kernel queues before they are accepted (default
                            ${SERVER_DEFAULTS.backlog}; capped by the kernel's net.core.somaxconn)
  --request-timeout MS      time a client has to send a whole request, body included (default ${SERVER_DEFAULTS.requestTimeoutMs})
  --fixtures DIR            answer from the fixtures in DIR (hand-written and recorded; docs/fixtures.md)
  --on-miss MODE            what a request no fixture answers gets: synthesize (default), error (a 404
                            problem naming the nearest fixtures), record (forward to --upstream, save)
  --upstream NAME=URL       a provider's real base URL for --on-miss record (repeatable; with
                            --provider, a bare URL)
  --replay-speed X          replay pace: 0 at once (default), 1 as recorded, 2 twice as fast
  --log FORMAT              one line per exchange on stdout: text (default) or json (one object a line);
                            keys never appear (the line is built from the redacted journal entry)
  --quiet                   no line per exchange
  --journal N               exchanges the journal keeps for GET /_standin/journal and the inspector
                            (default ${JOURNAL_CAPACITY}; 0 keeps none). Keeping them costs time on
                            every exchange: a load test of standin itself runs faster with
                            --journal 0 --quiet (docs/performance.md)
  --chaos RATE              chance (0 to 1) that a request draws a fault: a documented 429/5xx, a
                            dropped connection, a mid-stream error, a cut stream (default 0)
  --chaos-seed N            seed of each session's fault sequence (default 0; same seed, same order
                            of requests: same faults)
  --rate-limit requests=N[,input-tokens=N,output-tokens=N]
                            enforce these limits per API key, provider and session, per minute of
                            standin's clock: over one, the provider's 429 with retry-after (seconds
                            to the budget's reset). Without it the documents' advertised limits are
                            counted and shown in the rate-limit headers, never enforced
  --credits USD             every API key starts with this balance at providers with a prepaid
                            wallet (SkillBoss, ByteSpike, AIgateway, Runware); each answer costs
                            what the document's prices say, and a spent wallet gets the 402
  --workers N|auto          processes serving the one port (default 1; auto: one per core); state is
                            shared through the primary process, or through Redis with --state
  --state memory|URL        where sessions, counts, tasks and the clock live: memory (default) or
                            redis://host:port[/db], shared by every standin using it (docs/fleet.md)
  -h, --help                this help

SIGTERM or SIGINT stops the server: open streams get ${SERVER_DEFAULTS.shutdownGraceMs} ms to finish, then are cut.`;

export async function serveCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '4010' },
        provider: { type: 'string' },
        'strict-auth': { type: 'boolean', default: false },
        'strict-limits': { type: 'boolean', default: false },
        keys: { type: 'string' },
        'ttft-ms': { type: 'string', default: '0' },
        'tokens-per-second': { type: 'string', default: '0' },
        'allowed-hosts': { type: 'string' },
        'webhook-hosts': { type: 'string' },
        'max-connections': { type: 'string', default: String(SERVER_DEFAULTS.maxConnections) },
        'request-timeout': { type: 'string', default: String(SERVER_DEFAULTS.requestTimeoutMs) },
        backlog: { type: 'string', default: String(SERVER_DEFAULTS.backlog) },
        fixtures: { type: 'string' },
        'on-miss': { type: 'string', default: 'synthesize' },
        upstream: { type: 'string', multiple: true },
        'replay-speed': { type: 'string', default: '0' },
        log: { type: 'string', default: 'text' },
        quiet: { type: 'boolean', default: false },
        journal: { type: 'string', default: String(JOURNAL_CAPACITY) },
        chaos: { type: 'string', default: '0' },
        'chaos-seed': { type: 'string', default: '0' },
        'rate-limit': { type: 'string' },
        credits: { type: 'string' },
        workers: { type: 'string', default: '1' },
        state: { type: 'string', default: 'memory' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`standin serve: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = wholeNumber(values.port, '--port', 65535);
  const ttftMs = wholeNumber(values['ttft-ms'], '--ttft-ms', PREFER_LIMITS['ttft-ms']!.max);
  const tokensPerSecond = wholeNumber(values['tokens-per-second'], '--tokens-per-second', PREFER_LIMITS['tokens-per-second']!.max);
  const maxConnections = wholeNumber(values['max-connections'], '--max-connections', 1_000_000, 1);
  const requestTimeoutMs = wholeNumber(values['request-timeout'], '--request-timeout', 3_600_000, 100);
  const backlog = wholeNumber(values.backlog, '--backlog', 1_000_000, 1);
  const chaosSeed = wholeNumber(values['chaos-seed'], '--chaos-seed', PREFER_LIMITS['chaos-seed']!.max);
  const journalCapacity = wholeNumber(values.journal, '--journal', MAX_JOURNAL_CAPACITY);
  if ([port, ttftMs, tokensPerSecond, maxConnections, requestTimeoutMs, backlog, chaosSeed, journalCapacity].includes(undefined)) return 2;
  const chaosRate = Number(values.chaos);
  if (!/^(0|1|0?\.\d+|1\.0*)$/.test(values.chaos!) || chaosRate > 1) {
    console.error(`standin serve: --chaos must be a number from 0 to 1, got '${values.chaos}'`);
    return 2;
  }
  const allowedHosts = list(values['allowed-hosts']);
  const webhookHosts = list(values['webhook-hosts']);

  const known = await listProviders();
  if (values.provider && !known.includes(values.provider)) {
    console.error(`standin serve: unknown provider '${values.provider}'; known: ${known.join(', ')}`);
    return 2;
  }
  const names = values.provider ? [values.provider] : known;

  const onMiss = values['on-miss'] as OnMiss;
  if (!['synthesize', 'error', 'record'].includes(onMiss)) {
    console.error(`standin serve: --on-miss must be synthesize, error or record, got '${onMiss}'`);
    return 2;
  }
  const replaySpeed = Number(values['replay-speed']);
  if (!/^\d+(\.\d+)?$/.test(values['replay-speed']!) || replaySpeed > 100) {
    console.error(`standin serve: --replay-speed must be a number from 0 to 100, got '${values['replay-speed']}'`);
    return 2;
  }
  if ((onMiss !== 'synthesize' || values.upstream) && !values.fixtures) {
    console.error('standin serve: --on-miss and --upstream need --fixtures DIR');
    return 2;
  }
  if (values.log !== 'text' && values.log !== 'json') {
    console.error(`standin serve: --log must be text or json, got '${values.log}'`);
    return 2;
  }
  const format = values.log === 'json' ? logJson : logLine;
  const log = values.quiet ? undefined : createLineWriter(process.stdout);
  const onJournalEntry = log && ((entry: JournalSummary) => log.write(format(entry)));
  if (log) process.once('exit', log.flush);
  const upstreams = upstreamsOf(values.upstream ?? [], values.provider, names);
  if (typeof upstreams === 'string') {
    console.error(`standin serve: ${upstreams}`);
    return 2;
  }
  if (onMiss === 'record' && Object.keys(upstreams).length === 0) {
    console.error('standin serve: --on-miss record needs --upstream NAME=URL for each provider to record');
    return 2;
  }
  let rateLimits: RateLimitSettings | undefined;
  try {
    rateLimits = values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit']);
  } catch (error) {
    console.error(`standin serve: ${(error as Error).message}`);
    return 2;
  }
  const credits = values.credits === undefined ? undefined : Number(values.credits);
  if (credits !== undefined && (!/^\d+(\.\d+)?$/.test(values.credits!) || !Number.isFinite(credits))) {
    console.error(`standin serve: --credits must be an amount in US dollars such as 5 or 0.25, got '${values.credits}'`);
    return 2;
  }
  const plan = fleetPlanOf(values.workers!, values.state!);
  if (typeof plan === 'string') {
    console.error(`standin serve: ${plan}`);
    return 2;
  }
  const banner = (url: string) => {
    console.log(`standin listening on ${url}`);
    for (const name of names) console.log(`  ${name.padEnd(10)} ${values.provider ? url : `${url}/${name}`}`);
    console.log(`  health     ${url}/health`);
    const warning = exposureWarning(values.host!, allowedHosts);
    if (warning) console.error(`standin serve: ${warning}`);
  };
  if (plan.workers > 1 && cluster.isPrimary) return runPrimary(plan, argv, banner);
  if (isFleetWorker()) startFleetWorker();
  let store;
  let clock;
  let journalRing;
  try {
    ({ store, clock, journalRing } = await openStore(plan));
  } catch (error) {
    console.error(`standin serve: ${(error as Error).message}`);
    return 1;
  }
  const documents = await loadDocuments(names);
  let fixtures: FixtureSource | undefined;
  if (values.fixtures) {
    try {
      // A recording folder that does not exist yet is fine when recording into it.
      const set = await loadFixtures(values.fixtures).catch((error: unknown) => {
        if (onMiss === 'record' && error instanceof FixtureError && /ENOENT/.test(error.reason)) return { hand: [], recorded: [] };
        throw error;
      });
      fixtures = createFixtureSource(set, { onMiss, replaySpeed });
    } catch (error) {
      if (!(error instanceof FixtureError)) throw error;
      console.error(`standin serve: fixture file ${error.file}${error.fixture ? `, ${error.fixture}` : ''}: ${error.reason}`);
      return 1;
    }
  }
  const strictAuth = values['strict-auth'];
  const acceptKeys = list(values.keys);
  let engine;
  try {
    engine = createStandin({
      documents,
      mount: values.provider ? 'root' : 'prefix',
      // Validators generated at build answer at once; a document changed since is compiled now, so
      // that a broken one is still a start-up error.
      validators: loadPrecompiledValidators(documents),
      precompile: true,
      options: {
        strictAuth,
        strictLimits: values['strict-limits'],
        acceptKeys,
        webhookHosts,
        ttftMs,
        tokensPerSecond,
        chaosRate,
        chaosSeed,
      },
      fixtures,
      onJournalEntry,
      journal: { capacity: journalCapacity, ring: journalRing },
      rateLimits,
      credits,
      store,
      clock,
    });
  } catch (error) {
    if (!(error instanceof FixtureError)) throw error;
    console.error(`standin serve: fixture file ${error.file}${error.fixture ? `, ${error.fixture}` : ''}: ${error.reason}`);
    return 1;
  }
  if (fixtures && onMiss === 'record') {
    fixtures.setRecorder(
      createRecorder({
        dir: values.fixtures!,
        upstreams,
        source: fixtures,
        onSaved: (file) => console.log(`standin: recorded ${file}`),
        onError: (message) => console.error(message),
      }),
    );
  }
  if (fixtures) console.log(`standin: ${fixtures.fixtures.hand.length} hand-written fixtures, ${fixtures.fixtures.recorded.length} recorded exchanges; on a miss: ${onMiss}`);

  let running;
  try {
    running = await startServer(engine, { host: values.host, port, allowedHosts, maxConnections, requestTimeoutMs, backlog });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is already in use (try --port 0 or another port)` : (error as Error).message;
    console.error(`standin serve: cannot listen on ${values.host}:${port}: ${why}`);
    return 1;
  }
  if (isFleetWorker()) reportListening(running.url);
  else banner(running.url);
  await untilStopped();
  // Bounded: open streams get the grace period, then are cut; anything still keeping the process alive
  // after that (a webhook delivery in flight) does not hold the exit.
  await running.close(SERVER_DEFAULTS.shutdownGraceMs);
  log?.flush();
  await store?.close?.();
  setTimeout(() => process.exit(0), SERVER_DEFAULTS.shutdownGraceMs).unref();
  return 0;
}

/** `NAME=URL` pairs; with --provider, a bare URL names that provider's upstream. */
function upstreamsOf(raw: string[], provider: string | undefined, names: string[]): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const item of raw) {
    const eq = item.indexOf('=');
    const named = eq > 0 && !item.slice(0, eq).includes(':');
    const name = named ? item.slice(0, eq) : provider;
    const url = named ? item.slice(eq + 1) : item;
    if (!name) return `--upstream ${item}: write NAME=URL (a bare URL needs --provider)`;
    if (!names.includes(name)) return `--upstream ${item}: no provider '${name}' is served (serving ${names.join(', ')})`;
    if (!/^https?:\/\/[^\s]+$/.test(url)) return `--upstream ${item}: not an http(s) URL`;
    out[name] = url;
  }
  return out;
}

function list(raw: string | undefined): string[] {
  return raw?.split(',').map((item) => item.trim()).filter(Boolean) ?? [];
}

function wholeNumber(raw: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER, min = 0): number | undefined {
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(raw) || n > max || n < min) {
    console.error(`standin serve: ${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
    return undefined;
  }
  return n;
}
