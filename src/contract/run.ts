/**
 * Runs a check plan against a target and collects one result per check.
 *
 * Bounded by construction: every exchange (headers and whole body) has one deadline (exchange.ts); a
 * target that fails to answer several probes in a row is given up on, and the remaining probes fail at
 * once; a request cap stops sending. 429 and 5xx answers are retried with backoff and recorded as
 * observations of those documented error shapes, never as failures of the check that was waiting for
 * an answer. Recorded targets are matched to the plan instead (replay.ts).
 */
import { fail, pass, type PlanContext } from './checks.js';
import { documentName } from './doc-source.js';
import { evaluate, observe, resultsFor, RETRYABLE, toResult } from './evaluate.js';
import { perform } from './exchange.js';
import { buildPlan } from './plan.js';
import type { Protocol } from './protocol.js';
import { runRecorded } from './replay.js';
import type { Target } from './target.js';
import type { CheckResult, ContractReport, DocSource, Exchange, PlannedRequest, Probe, Verdict } from './types.js';

export interface RunOptions {
  /** Requests sent at most, retries included (default: no cap). */
  maxRequests?: number;
  /** Deadline for one exchange, headers and whole body, in ms (default 30 000). */
  timeoutMs?: number;
  /** Retries of a 429 or 5xx answer (default 2). */
  retries?: number;
  /** First backoff in ms, doubled each retry (default 500); a retry-after header is honoured up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Plan only: list the requests, send nothing. */
  dryRun?: boolean;
  /** Run only the probes this accepts. */
  only?: (probeId: string) => boolean;
  /** After this many probes in a row get no answer at all, the rest fail without being sent (default 3). */
  giveUpAfter?: number;
  /** Bodies larger than this are cut off (default 8 MB). */
  maxBodyBytes?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Every exchange the suite completes, for recording (the request holds the key placeholder only). */
  onExchange?: (probe: Probe, request: PlannedRequest, exchange: Exchange) => void;
  sleep?: (ms: number) => Promise<void>;
}

export type ProgressEvent =
  | { type: 'start'; provider: string; target: string; probes: number }
  | { type: 'planned'; probe: Probe; request: PlannedRequest }
  | { type: 'retry'; probe: Probe; status: number; attempt: number; waitMs: number }
  | { type: 'probe'; index: number; total: number; probe: Probe; results: CheckResult[] };


export async function runContract(ctx: PlanContext, protocol: Protocol, target: Target, options: RunOptions = {}): Promise<ContractReport> {
  const started = Date.now();
  const probes = buildPlan(ctx, protocol).filter((p) => options.only?.(p.id) ?? true);
  const provider = ctx.provider.name;
  const results: CheckResult[] = [];
  const planned: ContractReport['planned'] = [];
  const progress = options.onProgress ?? (() => undefined);
  progress({ type: 'start', provider, target: target.label, probes: probes.length });

  let requestsSent = 0;
  if (target.exchanges) {
    results.push(...runRecorded(ctx, protocol, probes, target.exchanges, progress));
  } else {
    const state: LiveState = { sent: 0, failuresInARow: 0, unanswered: [], observations: 0 };
    for (const [index, probe] of probes.entries()) {
      const probeResults = options.dryRun
        ? dryRun(ctx, probe, planned, progress)
        : await runProbe(ctx, probe, target, options, state, progress);
      results.push(...probeResults);
      if (!options.dryRun) progress({ type: 'probe', index: index + 1, total: probes.length, probe, results: probeResults });
    }
    requestsSent = state.sent;
    if (!options.dryRun) results.push(...state.observationResults ?? [], availability(ctx, state));
  }

  const redacted = results.map((r) => redactResult(r, target));
  const summary = {
    passed: redacted.filter((r) => r.outcome === 'pass').length,
    failed: redacted.filter((r) => r.outcome === 'fail').length,
    skipped: redacted.filter((r) => r.outcome === 'skip').length,
    total: redacted.length,
  };
  return {
    provider,
    document: documentName(ctx.provider),
    target: target.label,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    requestsSent,
    dryRun: options.dryRun === true,
    planned,
    checks: redacted,
    summary,
  };
}

interface LiveState {
  sent: number;
  failuresInARow: number;
  lastFailure?: string;
  unanswered: string[];
  observations: number;
  observationResults?: CheckResult[];
}

function dryRun(ctx: PlanContext, probe: Probe, planned: ContractReport['planned'], progress: (e: ProgressEvent) => void): CheckResult[] {
  planned.push({ probe: probe.id, request: probe.request, maxOutputTokens: probe.maxOutputTokens });
  progress({ type: 'planned', probe, request: probe.request });
  return resultsFor(ctx.provider.name, probe, () => ({ skip: 'dry run: nothing sent' }));
}

async function runProbe(
  ctx: PlanContext,
  probe: Probe,
  target: Target,
  options: RunOptions,
  state: LiveState,
  progress: (e: ProgressEvent) => void,
): Promise<CheckResult[]> {
  const provider = ctx.provider.name;
  const giveUpAfter = options.giveUpAfter ?? 3;
  const retries = options.retries ?? 2;
  const maxRequests = options.maxRequests ?? Infinity;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  if (state.failuresInARow >= giveUpAfter) {
    const why = `not sent: the target gave no complete answer ${state.failuresInARow} times in a row (last: ${state.lastFailure})`;
    state.unanswered.push(`${probe.id} (not sent)`);
    return resultsFor(provider, probe, () => fail(`an answer from ${target.label}`, why));
  }
  for (let attempt = 0; ; attempt++) {
    if (state.sent >= maxRequests) {
      return resultsFor(provider, probe, () => ({ skip: `request cap reached (--max-requests ${maxRequests})` }));
    }
    state.sent++;
    const outcome = await perform(target, probe, options);
    if ('transportError' in outcome) {
      state.failuresInARow++;
      state.lastFailure = outcome.transportError;
      state.unanswered.push(`${probe.id} (no answer)`);
      return resultsFor(provider, probe, () => fail(`an answer from ${target.label}`, outcome.transportError));
    }
    const ex = outcome;
    // A body that stalls past the deadline costs as much as no answer: it counts toward giving up.
    if (ex.bodyError?.includes('(timeout)')) {
      state.failuresInARow++;
      state.lastFailure = ex.bodyError;
    } else {
      state.failuresInARow = 0;
    }
    options.onExchange?.(probe, probe.request, ex);
    if (RETRYABLE(ex.status) && ex.status !== probe.expectedStatus) {
      state.observationResults ??= [];
      state.observationResults.push(...observe(ctx, probe, ex, ++state.observations));
      if (attempt < retries && state.sent < maxRequests) {
        const waitMs = backoff(ex, attempt, options);
        progress({ type: 'retry', probe, status: ex.status, attempt: attempt + 1, waitMs });
        await sleep(waitMs);
        continue;
      }
      state.unanswered.push(`${probe.id} (${ex.status})`);
      return resultsFor(provider, probe, () => ({
        skip: `not evaluated: the provider answered ${ex.status} on ${attempt + 1} attempt(s); see the observed-${ex.status} checks`,
      }));
    }
    return evaluate(provider, probe, ex);
  }
}

function backoff(ex: Exchange, attempt: number, options: RunOptions): number {
  const cap = options.maxBackoffMs ?? 20_000;
  const retryAfter = ex.headers.get('retry-after');
  const seconds = retryAfter !== null && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  const base = seconds !== undefined ? seconds * 1000 : (options.backoffMs ?? 500) * 2 ** attempt;
  return Math.min(cap, Math.max(0, base));
}

function availability(ctx: PlanContext, state: LiveState): CheckResult {
  const source: DocSource = {
    document: documentName(ctx.provider),
    pointer: '#/paths',
    statement: 'Every documented operation answers; 429 and 5xx are retried with backoff before a probe is given up on.',
  };
  const verdict: Verdict = state.unanswered.length
    ? fail('an answer (other than 429/5xx after retries) to every probe', `none for ${state.unanswered.join(', ')}`)
    : pass;
  return toResult(`${ctx.provider.name}.availability`, 'every probe got a usable answer', source, 'availability', verdict);
}

function redactResult(result: CheckResult, target: Target): CheckResult {
  const r = { ...result };
  if (r.expected !== undefined) r.expected = target.redact(r.expected);
  if (r.received !== undefined) r.received = target.redact(r.received);
  if (r.reason !== undefined) r.reason = target.redact(r.reason);
  return r;
}
