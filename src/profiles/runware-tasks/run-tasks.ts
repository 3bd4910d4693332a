/**
 * The `runTasks` operation: checks the array, runs each task, and answers in the way each task asked
 * (inline, acknowledged with polling or a webhook, or streamed). Tasks fail on their own (a failed task
 * with a webhook also sends it its error); the status is 200 while anything reached `data`, else the
 * status of the first error's code.
 */
import { createRng, hashJson, hashString } from '../../core/hash.js';
import type { OperationContext, OperationResult } from '../../core/types.js';
import { addUsage, type Usage } from '../../core/usage.js';
import type { PacedEvent } from '../../sse/body.js';
import { requireNumber } from '../schema-keyword.js';
import { checkRequest, isWebhookURL } from './check-tasks.js';
import { errorEnvelope, type TaskError } from './errors.js';
import { planResult, type ResultPlan } from './plan-result.js';
import { planUsage, toResultItem, toStreamChunks, type ResultLabel } from './render-result.js';
import { pendingItem, pollResults, storeResults } from './task-store.js';
import { deliverWebhook, type WebhookRecords } from './webhook.js';
import { applyPromptCache } from '../../core/cache/prompt-cache.js';
import { taskCachePoints } from './cache-points.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface TextRun {
  plans: ResultPlan[];
  labels: ResultLabel[];
  seeds: number[];
}

export async function runTasks(ctx: OperationContext): Promise<OperationResult> {
  const checked = checkRequest(ctx);
  if (!checked.ok) return errorEnvelope(ctx, [checked.error]);
  const data: Obj[] = [];
  const errors: TaskError[] = [];
  // What the text tasks run by this request use (polls report what an earlier request ran).
  let used: Usage | undefined;
  for (const entry of checked.tasks) {
    if (!entry.ok) {
      errors.push(entry.error);
      await reportToWebhook(ctx, (ctx.body as unknown[])[entry.index], entry.error);
      continue;
    }
    const task = entry.task;
    const taskUUID = String(task.taskUUID);
    // A leading authentication task has done its work (the engine read the key); it answers nothing.
    if (task.taskType === 'authentication') continue;
    if (task.taskType === 'getResponse') {
      const items = await pollResults(ctx, taskUUID);
      if (items) data.push(...items);
      else errors.push({ code: 'taskFailedOrNotFound', message: `taskUUID: No task ${taskUUID} is known`, parameter: 'taskUUID', taskUUID, taskType: 'getResponse' });
      continue;
    }
    const run = runText(task, ctx.provider.prices, defaultMaxTokens(ctx));
    // `settings.cache` is read only when present: other tasks never reach the state store for it.
    if (isObject(task.settings) && isObject(task.settings.cache)) {
      const asked = taskCachePoints(task);
      const cache = await applyPromptCache(ctx, asked.points, asked.boundaries);
      for (const plan of run.plans) plan.cache = cache;
    }
    const items = run.plans.map((plan, i) => toResultItem(plan, run.labels[i]!));
    for (const plan of run.plans) used = used ? addUsage(used, planUsage(plan)) : planUsage(plan);
    // A webhook makes the task asynchronous whatever deliveryMethod says (the webhook's note).
    const async = task.deliveryMethod === 'async' || typeof task.webhookURL === 'string';
    await storeResults(ctx, taskUUID, items, async);
    if (task.deliveryMethod === 'stream') return { kind: 'stream', events: streamOf(run), usage: () => used };
    if (!async) {
      data.push(...items);
      continue;
    }
    data.push(pendingItem(taskUUID));
    if (typeof task.webhookURL === 'string') {
      await deliverWebhook(webhookRecords(ctx), taskUUID, task.webhookURL, items.map((item) => ({ data: [item] })), { allowedHosts: ctx.options.webhookHosts });
    }
  }
  if (data.length === 0 && errors.length > 0) return errorEnvelope(ctx, errors);
  return { kind: 'json', body: errors.length > 0 ? { data, errors } : { data }, usage: () => used };
}

/**
 * A failed task with a webhook sends it one call with its error (the webhook's note): the error as the
 * API answer reports it, in the `ErrorResponse` envelope. Nothing is sent when the webhookURL itself is
 * at fault (not a URI, or beside `stream`).
 */
async function reportToWebhook(ctx: OperationContext, task: unknown, error: TaskError): Promise<void> {
  if (!isObject(task) || task.taskType !== 'textInference' || typeof task.webhookURL !== 'string') return;
  if (error.parameter === 'webhookURL' || !isWebhookURL(ctx, task.webhookURL)) return;
  const taskUUID = error.taskUUID ?? String(task.taskUUID);
  await deliverWebhook(webhookRecords(ctx), taskUUID, task.webhookURL, [{ errors: [error], data: [] }], { allowedHosts: ctx.options.webhookHosts });
}

/** Delivery records live beside the task's results: same session, same provider. */
function webhookRecords(ctx: OperationContext): WebhookRecords {
  return { store: ctx.store, session: ctx.session, provider: ctx.provider.name };
}

/** The budget of a task that sets no `settings.maxTokens`: the default TextInferenceSettings gives. */
function defaultMaxTokens(ctx: OperationContext): number {
  return requireNumber(ctx.provider, ctx.operation, MAX_TOKENS, 'default');
}
const MAX_TOKENS = ['x-standin-task-schemas', 'textInference', 'properties', 'settings', 'properties', 'maxTokens'];

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
function runText(task: Obj, prices: ResultLabel['prices'], maxTokens: number): TextRun {
  const taskSeed = hashJson(task, DELIVERY_FIELDS);
  const count = Number(task.numberResults ?? 1);
  const run: TextRun = { plans: [], labels: [], seeds: [] };
  const texts = new Set<string>();
  for (let i = 0; i < count; i++) {
    let seed = hashString(String(i), taskSeed);
    let plan = planResult(task, createRng(seed), maxTokens);
    for (let redraw = 1; redraw <= REDRAWS && texts.has(plan.pieces.join('')) && plan.pieces.length > 0; redraw++) {
      seed = hashString(`${i}/${redraw}`, taskSeed);
      plan = planResult(task, createRng(seed), maxTokens);
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
