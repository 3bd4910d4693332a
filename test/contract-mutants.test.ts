/**
 * The suite catches defects: the mutation harness breaks standin's answers on purpose (at least 25
 * ways, across the five providers), runs the suite against each break, and every one must be caught,
 * while the unbroken standin passes everything.
 */
import { expect, it } from 'vitest';
import { mutants } from '../src/contract/mutants.js';
import { formatMutationResult, runMutationHarness } from '../src/contract/mutation-harness.js';
import { loadDocuments } from '../src/node/load-documents.js';

it('kills every mutant, and the unmutated target passes every check', async () => {
  const result = await runMutationHarness(await loadDocuments());
  const text = formatMutationResult(result);
  console.log(text);
  expect(result.unserved).toEqual([]);
  for (const report of result.baseline) expect(report.summary.failed, report.provider).toBe(0);
  expect(result.outcomes.length).toBe(mutants.length);
  expect(result.outcomes.filter((o) => !o.killed).map((o) => o.mutant.id)).toEqual([]);
  expect(text).toMatch(new RegExp(`killed ${mutants.length}/${mutants.length} \\(100%\\)`));
  expect(result.durationMs).toBeLessThan(60_000);
}, 120_000);

it('has at least 25 mutants, spread across all five providers, with unique ids', () => {
  expect(mutants.length).toBeGreaterThanOrEqual(25);
  expect(new Set(mutants.map((m) => m.provider))).toEqual(new Set(['anthropic', 'skillboss', 'bytespike', 'aigateway', 'runware']));
  expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
});

it('includes the breaks the issue names', () => {
  const ids = mutants.map((m) => m.id);
  for (const id of [
    'anthropic.stream.message-stop-dropped',
    'anthropic.error.wrong-type-for-status',
    'anthropic.header.request-id-missing',
    'skillboss.stream.usage-missing',
    'bytespike.tool.input-not-matching-schema',
    'anthropic.stream.indices-out-of-order',
    'aigateway.stream.chunk-ids-differ',
    'aigateway.stream.done-missing',
    'aigateway.stream.include-usage-chunk-missing',
    'runware.json.task-uuid-not-echoed',
    'aigateway.error.anthropic-envelope',
  ]) {
    expect(ids).toContain(id);
  }
});
