/**
 * The `runTasks` operation: checks the array, runs each task, and answers in the way each task asked
 * (inline, acknowledged with polling or a webhook, or streamed). Tasks fail on their own; the status is
 * 200 while anything reached `data`, else the status of the first error's code.
 */
import { createRng, hashString } from '../../core/hash.js';
import type { OperationContext, OperationResult } from '../../core/types.js';
import type { PacedEvent } from '../../sse/stream.js';
import { checkRequest } from './check-tasks.js';
import { errorEnvelope, type TaskError } from './errors.js';
import { planResult, type ResultPlan } from './plan-result.js';
import { toResultItem, toStreamChunks, type ResultLabel } from './render-result.js';
import { pendingItem, pollResults, storeResults } from './task-store.js';
import { deliverWebhook } from './webhook.js';

type Obj = Record<string, unknown>;

interface TextRun {
  plans: ResultPlan[];
  labels: ResultLabel[];
  seeds: number[];
}

export function runTasks(ctx: OperationContext): OperationResult {
  const checked = checkRequest(ctx);
  if (!checked.ok) return errorEnvelope([checked.error]);
  const data: Obj[] = [];
  const errors: TaskError[] = [];
  for (const entry of checked.tasks) {
    if (!entry.ok) {
      errors.push(entry.error);
      continue;
    }
    const task = entry.task;
    const taskUUID = String(task.taskUUID);
    // A leading authentication task has done its work (the engine read the key); it answers nothing.
    if (task.taskType === 'authentication') continue;
    if (task.taskType === 'getResponse') {
      const items = pollResults(ctx.state, taskUUID);
      if (items) data.push(...items);
      else errors.push({ code: 'taskFailedOrNotFound', message: `taskUUID: No task ${taskUUID} is known`, parameter: 'taskUUID', taskUUID, taskType: 'getResponse' });
      continue;
    }
    const run = runText(task, ctx.provider.prices);
    const items = run.plans.map((plan, i) => toResultItem(plan, run.labels[i]!));
    // A webhook makes the task asynchronous whatever deliveryMethod says (the webhook's note).
    const async = task.deliveryMethod === 'async' || typeof task.webhookURL === 'string';
    storeResults(ctx.state, taskUUID, items, async);
    if (task.deliveryMethod === 'stream') return { kind: 'stream', events: streamOf(run) };
    if (!async) {
      data.push(...items);
      continue;
    }
    data.push(pendingItem(taskUUID));
    if (typeof task.webhookURL === 'string') {
      deliverWebhook(ctx.state, taskUUID, task.webhookURL, items.map((item) => ({ data: [item] })));
    }
  }
  if (data.length === 0 && errors.length > 0) return errorEnvelope(errors);
  return { kind: 'json', body: errors.length > 0 ? { data, errors } : { data } };
}

/** How a task is delivered does not change what it says, so these fields stay out of its seed. */
const DELIVERY_FIELDS = new Set(['deliveryMethod', 'webhookURL', 'includeCost', 'includeUsage', 'numberResults']);
/** Redraws allowed to make a result's text differ from its siblings'. */
const REDRAWS = 4;

/**
 * Plans each of a task's results. The generator is seeded from the task itself (its taskUUID included)
 * and the result's index, not from the whole request, so the same task says the same thing streamed,
 * polled, sent to a webhook or inline, with or without an authentication task beside it; and result 0
 * of `numberResults: 3` is the answer of `numberResults: 1`. Sibling results always differ in text.
 */
function runText(task: Obj, prices: ResultLabel['prices']): TextRun {
  const content = Object.fromEntries(Object.entries(task).filter(([k]) => !DELIVERY_FIELDS.has(k)));
  const taskSeed = hashString(JSON.stringify(content));
  const count = Number(task.numberResults ?? 1);
  const run: TextRun = { plans: [], labels: [], seeds: [] };
  const texts = new Set<string>();
  for (let i = 0; i < count; i++) {
    let seed = hashString(String(i), taskSeed);
    let plan = planResult(task, createRng(seed));
    for (let redraw = 1; redraw <= REDRAWS && texts.has(plan.pieces.join('')) && plan.pieces.length > 0; redraw++) {
      seed = hashString(`${i}/${redraw}`, taskSeed);
      plan = planResult(task, createRng(seed));
    }
    texts.add(plan.pieces.join(''));
    run.plans.push(plan);
    run.seeds.push(seed);
    run.labels.push({
      taskUUID: String(task.taskUUID),
      resultIndex: count > 1 ? i : undefined,
      seed: typeof task.seed === 'number' ? task.seed + i : undefined,
      includeUsage: task.includeUsage === true,
      includeCost: task.includeCost === true,
      prices,
    });
  }
  return run;
}

function* streamOf(run: TextRun): Generator<PacedEvent> {
  for (const [i, plan] of run.plans.entries()) {
    // Chunking draws from its own generator so it never changes the plan.
    yield* toStreamChunks(plan, run.labels[i]!, createRng(run.seeds[i]! ^ 0x5bd1e995));
  }
}
