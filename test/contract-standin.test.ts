/**
 * The contract suite against standin: every check passes for every provider standin serves, in process
 * and over HTTP, and the plan covers every documented operation with checks that cite their document.
 */
import { describe, expect, it } from 'vitest';
import { runContract } from '../src/contract/run.js';
import { createLiveTarget, createStandinTarget } from '../src/contract/target.js';
import { buildPlan } from '../src/contract/plan.js';
import { useServer } from './support/server.js';
import { contractProviders, setupFor } from './support/contract.js';

const providers = await contractProviders();

describe.each(providers)('%s', (provider) => {
  it('passes every check against standin in process', async () => {
    const { ctx, protocol, engine } = await setupFor(provider, true);
    const report = await runContract(ctx, protocol, createStandinTarget(engine!, provider));
    const failures = report.checks.filter((c) => c.outcome !== 'pass').map((c) => `${c.id}: ${c.expected} / ${c.received ?? c.reason}`);
    expect(failures).toEqual([]);
    expect(report.summary.passed).toBeGreaterThan(40);
  });

  it('plans a probe for every documented operation, and every check cites its document', async () => {
    const { ctx, protocol } = await setupFor(provider, false);
    const probes = buildPlan(ctx, protocol);
    for (const op of ctx.provider.operations) expect(probes.some((p) => p.operationId === op.operationId), op.operationId).toBe(true);
    for (const probe of probes) {
      for (const check of probe.checks) {
        expect(check.source.document).toBe(`${provider}.yaml`);
        expect(check.source.pointer).toMatch(/^#\//);
        expect(check.source.statement.length, `${probe.id}.${check.id}`).toBeGreaterThan(0);
      }
    }
    const generate = probes.filter((p) => p.operationId === protocol.generateOperation).map((p) => p.id.split('.').slice(1).join('.'));
    expect(generate).toEqual([
      'json',
      'stream',
      'stream-tool',
      'error.missing-key',
      'error.wrong-key',
      'error.missing-field',
      'error.out-of-range',
      'error.unknown-model',
      'error.malformed-json',
      'behaviour.stop-sequence',
      'behaviour.max-tokens',
      'behaviour.forced-tool',
    ]);
    // Cheap by construction: small token budgets, errors cost nothing.
    expect(Math.max(...probes.map((p) => p.maxOutputTokens))).toBeLessThanOrEqual(64);
  });
});

describe('over HTTP, as a live target', () => {
  const server = useServer(providers);

  it.each(providers)('%s passes every check', async (provider) => {
    const { ctx, protocol } = await setupFor(provider, false);
    const target = createLiveTarget({ baseUrl: `${server.url}/${provider}`, key: 'sk-contract-http-0123456789' });
    const report = await runContract(ctx, protocol, target, { timeoutMs: 5_000 });
    expect(report.checks.filter((c) => c.outcome !== 'pass').map((c) => `${c.id}: ${c.received ?? c.reason}`)).toEqual([]);
  });
});
