/**
 * The mutation harness: runs the suite against standin in process, unmutated and then once per mutant
 * (mutants.ts), and reports which checks caught each one and the kill ratio.
 */
import type { JsonObject } from '../core/types.js';
import type { Mutant, RequestInfo } from './mutants.js';
import { mutants } from './mutants.js';
import { runContract } from './run.js';
import { servedByStandin, setupContract } from './setup.js';
import { createStandinTarget, type Target } from './target.js';
import type { ContractReport } from './types.js';

type Obj = Record<string, any>;

export function mutatedTarget(inner: Target, mutant: Mutant): Target {
  return {
    ...inner,
    label: `${inner.label} [mutant ${mutant.id}]`,
    async send(request, signal) {
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const info: RequestInfo = {
        method: request.method,
        path: new URL(request.url).pathname,
        headers: request.headers,
        body,
        stream: isStreamRequest(body),
      };
      const response = await inner.send(request, signal);
      return mutant.applies(info) ? mutant.mutate(response, info) : response;
    },
  };
}

function isStreamRequest(body: unknown): boolean {
  if (Array.isArray(body)) return body.some((t) => t?.deliveryMethod === 'stream');
  return (body as Obj | undefined)?.stream === true;
}

export interface MutantOutcome {
  mutant: Mutant;
  killed: boolean;
  /** The checks that failed: what caught the mutant. */
  caughtBy: string[];
}

export interface MutationResult {
  baseline: ContractReport[];
  outcomes: MutantOutcome[];
  /** Providers whose mutants could not run (standin does not serve them yet). */
  unserved: string[];
  durationMs: number;
}

/** Runs the suite unmutated, then once per mutant, against standin in process. */
export async function runMutationHarness(
  documents: Record<string, JsonObject>,
  options: { only?: (m: Mutant) => boolean; onMutant?: (o: MutantOutcome) => void } = {},
): Promise<MutationResult> {
  const started = Date.now();
  const baseline: ContractReport[] = [];
  const outcomes: MutantOutcome[] = [];
  const unserved: string[] = [];
  const selected = mutants.filter((m) => options.only?.(m) ?? true);
  for (const provider of [...new Set(selected.map((m) => m.provider))]) {
    const document = documents[provider];
    if (!document || !servedByStandin(document)) {
      unserved.push(provider);
      continue;
    }
    let setup;
    try {
      setup = setupContract(provider, document, true);
    } catch {
      unserved.push(provider);
      continue;
    }
    const target = createStandinTarget(setup.engine!, provider);
    const run = (t: Target) => runContract(setup.ctx, setup.protocol, t, { timeoutMs: 5_000, retries: 1, backoffMs: 0, maxBackoffMs: 0 });
    baseline.push(await run(target));
    for (const mutant of selected.filter((m) => m.provider === provider)) {
      mutant.reset?.();
      const report = await run(mutatedTarget(target, mutant));
      const caughtBy = report.checks.filter((c) => c.outcome === 'fail').map((c) => c.id);
      const outcome = { mutant, killed: caughtBy.length > 0, caughtBy };
      outcomes.push(outcome);
      options.onMutant?.(outcome);
    }
  }
  return { baseline, outcomes, unserved, durationMs: Date.now() - started };
}

export function formatMutationResult(result: MutationResult): string {
  const lines: string[] = [];
  for (const report of result.baseline) {
    const { passed, failed, total } = report.summary;
    lines.push(`baseline ${report.provider}: ${passed}/${total} checks pass${failed ? ` (${failed} FAIL: the harness is void)` : ''}`);
  }
  for (const o of result.outcomes) {
    const first = o.caughtBy.slice(0, 2).join(', ') + (o.caughtBy.length > 2 ? `, +${o.caughtBy.length - 2}` : '');
    lines.push(`${o.killed ? 'killed  ' : 'SURVIVED'} ${o.mutant.id}: ${o.mutant.description}${o.killed ? ` [${first}]` : ''}`);
  }
  for (const p of result.unserved) lines.push(`not run: ${p} (standin does not serve it yet)`);
  const killed = result.outcomes.filter((o) => o.killed).length;
  const total = result.outcomes.length;
  lines.push(`killed ${killed}/${total} (${total ? Math.round((killed / total) * 100) : 0}%) in ${(result.durationMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
