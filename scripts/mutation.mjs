#!/usr/bin/env node
// The mutation harness (npm run mutation): runs the contract suite against standin with deliberate
// breaks and prints the kill ratio. Exit status 0 only when every mutant is killed and the unmutated
// target passes every check. Runs the built code (npm run build first; the npm script does).
import { formatMutationResult, runMutationHarness } from '../dist/contract/mutation-harness.js';
import { loadDocuments } from '../dist/node/load-documents.js';

const only = process.argv[2];
const result = await runMutationHarness(await loadDocuments(), {
  only: only ? (m) => m.id.includes(only) || m.provider === only : undefined,
});
console.log(formatMutationResult(result));
const baselineFailed = result.baseline.some((r) => r.summary.failed > 0);
const survived = result.outcomes.some((o) => !o.killed);
process.exitCode = baselineFailed || survived || result.unserved.length ? 1 : 0;
