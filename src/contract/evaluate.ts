/** Turns a probe's checks and an exchange into results; a retried 429/5xx becomes an observation. */
import { bodySchemaCheck, contentTypeCheck, documentedHeadersCheck, fail, pass, type PlanContext } from './checks.js';
import { citeResponse } from './doc-source.js';
import type { CheckResult, CheckSpec, DocSource, Exchange, Probe, Verdict } from './types.js';

/** Statuses a client retries: rate limits and server errors. */
export const RETRYABLE = (status: number) => status === 429 || status >= 500;

export function resultsFor(provider: string, probe: Probe, verdict: (check: CheckSpec) => Verdict, suffix = ''): CheckResult[] {
  return probe.checks.map((check) => toResult(`${provider}.${probe.id}.${check.id}${suffix}`, check.title, check.source, probe.id, verdict(check)));
}

export function toResult(id: string, title: string, source: DocSource, probe: string, verdict: Verdict): CheckResult {
  if ('skip' in verdict) return { id, title, source, probe, outcome: 'skip', reason: verdict.skip };
  if (verdict.ok) return { id, title, source, probe, outcome: 'pass' };
  return { id, title, source, probe, outcome: 'fail', expected: verdict.expected, received: verdict.received };
}

/** Evaluates a probe's checks on an exchange. A check that throws fails; it never stops the suite. */
export function evaluate(provider: string, probe: Probe, ex: Exchange, suffix = ''): CheckResult[] {
  const statusOk = ex.status === probe.expectedStatus;
  return resultsFor(
    provider,
    probe,
    (check) => {
      if (check.needsExpectedStatus && !statusOk) return { skip: `the status was ${ex.status}, not ${probe.expectedStatus}` };
      try {
        return check.run(ex);
      } catch (error) {
        return fail('a check that runs', `the check failed to run: ${(error as Error).message}`);
      }
    },
    suffix,
  );
}

/** A retried 429/5xx, checked against the shape its status is documented with. */
export function observe(ctx: PlanContext, probe: Probe, ex: Exchange, n: number): CheckResult[] {
  const op = ctx.provider.operations.find((o) => o.operationId === probe.operationId)!;
  const status = ex.status;
  const documented = op.responsePointers.has(status) || ctx.provider.catalogue.has(status);
  const specs: CheckSpec[] = [
    {
      id: 'documented',
      title: `a ${status} the provider sent is a documented status`,
      source: citeResponse(ctx.provider, op, status, `Statuses documented for ${op.operationId}: ${[...op.responsePointers.keys()].join(', ')}`),
      run: () => (documented ? pass : fail(`one of ${[...op.responsePointers.keys()].join(', ')}`, String(status))),
    },
  ];
  if (documented) specs.push(contentTypeCheck(ctx, op, status, 'application/json'), bodySchemaCheck(ctx, op, status));
  const headers = documented ? documentedHeadersCheck(ctx, op, status) : undefined;
  if (headers) specs.push(headers);
  const observed: Probe = { ...probe, id: `observed-${status}.${n}`, checks: specs, expectedStatus: status };
  return evaluate(ctx.provider.name, observed, ex).map((r) => ({ ...r, title: `${r.title} (observed on ${probe.id})` }));
}
