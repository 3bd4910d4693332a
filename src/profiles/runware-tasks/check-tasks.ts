/**
 * Reads a task array the way runware.yaml describes it: first the array as a whole (the envelope), then
 * each task on its own against `x-standin-task-schemas/<taskType>`, so one bad task fails alone while
 * the others run. The rules JSON Schema cannot say (notes on `runTasks` and `TextInferenceTask`) follow.
 */
import type { OperationContext } from '../../core/types.js';
import type { TaskError } from './errors.js';
import { findNumber, JSON_BODY_SCHEMA } from '../schema-keyword.js';

type Obj = Record<string, unknown>;

const WORK_TYPES = ['textInference', 'getResponse'];

export type CheckedTask =
  | { ok: true; index: number; task: Obj }
  | { ok: false; index: number; error: TaskError };

export type CheckedRequest = { ok: true; tasks: CheckedTask[] } | { ok: false; error: TaskError };

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkRequest(ctx: OperationContext): CheckedRequest {
  const body = ctx.body;
  const whole = (message: string, parameter?: string, taskUUID?: string): CheckedRequest => ({
    ok: false,
    error: { code: 'invalidParameter', message, ...(parameter && { parameter }), ...(taskUUID && { taskUUID }) },
  });
  if (!Array.isArray(body)) return whole('body: Input should be a valid list: send the tasks as a JSON array');
  if (body.length === 0) return whole('body: List should have at least 1 item');
  const maxTasks = findNumber(ctx.provider, ctx.operation, JSON_BODY_SCHEMA, 'maxItems');
  if (maxTasks !== undefined && body.length > maxTasks) return whole(`body: List should have at most ${maxTasks} items, not ${body.length}`);
  const work = body.filter((t) => isObject(t) && WORK_TYPES.includes(t.taskType as string)) as Obj[];
  const onlyAuth = body.length === 1 && isObject(body[0]) && body[0].taskType === 'authentication';
  if (onlyAuth) return whole('body: A request needs at least one textInference or getResponse task', 'taskType');
  // A stream has no room for other results or errors: the stream task stands alone (after the key).
  const tasks = isObject(body[0]) && body[0].taskType === 'authentication' ? body.slice(1) : body;
  if (body.some((t) => isObject(t) && t.deliveryMethod === 'stream') && (tasks.length !== 1 || work.length !== 1)) {
    return whole('deliveryMethod: A request with a stream task must hold that task alone', 'deliveryMethod');
  }
  const seen = new Set<unknown>();
  for (const task of work) {
    if (typeof task.taskUUID !== 'string') continue;
    if (seen.has(task.taskUUID)) {
      const valid = isTaskUUID(ctx, task.taskUUID) ? task.taskUUID : undefined;
      return whole(`taskUUID: ${task.taskUUID} appears more than once; each task needs its own taskUUID`, 'taskUUID', valid);
    }
    seen.add(task.taskUUID);
  }
  return { ok: true, tasks: body.map((task, index) => checkTask(ctx, task, index)) };
}

function checkTask(ctx: OperationContext, task: unknown, index: number): CheckedTask {
  const fail = (code: string, message: string, parameter?: string, extra?: Partial<TaskError>): CheckedTask => {
    const error: TaskError = { code, message, ...(parameter && { parameter }), ...extra };
    if (isObject(task)) {
      if (isTaskUUID(ctx, task.taskUUID)) error.taskUUID = task.taskUUID as string;
      if (typeof task.taskType === 'string') error.taskType = task.taskType;
    }
    return { ok: false, index, error };
  };
  if (!isObject(task)) return fail('invalidParameter', `tasks.${index}: Input should be a valid dictionary (a task object)`);
  const type = task.taskType;
  if (type === 'authentication' && index > 0) {
    return fail('invalidParameter', 'taskType: The authentication task may only come first', 'taskType');
  }
  if (typeof type !== 'string' || !Object.hasOwn(schemas(ctx), type)) {
    const allowed = Object.keys(schemas(ctx));
    return fail('invalidParameter', `taskType: Input should be ${allowed.map((t) => `'${t}'`).join(' or ')}`, 'taskType', { allowedValues: allowed });
  }
  const invalid = ctx.validate(`${schemasPointer(ctx)}/${type}`, task);
  if (invalid) return fail('invalidParameter', clearer(invalid.message, invalid.param), invalid.param);
  if (type !== 'textInference') return { ok: true, index, task };

  const model = String(task.model);
  if (ctx.provider.models.length > 0 && !ctx.provider.models.includes(model)) {
    return fail('unknownModel', `model: Unknown model '${model}'; this provider serves ${ctx.provider.models.join(', ')}`, 'model');
  }
  const problem = checkSemantics(task);
  return problem ? fail('invalidParameter', problem.message, problem.parameter) : { ok: true, index, task };
}

/** The rules of TextInferenceTask's notes that its schema cannot state. */
function checkSemantics(task: Obj): { message: string; parameter: string } | undefined {
  const messages = task.messages as Obj[];
  const lastRole = messages[messages.length - 1]?.role;
  if (lastRole !== 'user' && lastRole !== 'tool') {
    return { message: "messages: The last message must come from the user, or be a tool's result", parameter: 'messages' };
  }
  const unanswered = checkToolTurns(messages);
  if (unanswered) return unanswered;
  const functions = ((task.tools ?? []) as Obj[]).filter((t) => t.type === 'function');
  const names = functions.map((t) => String(t.name));
  if (new Set(names).size !== names.length) return { message: 'tools: Function tool names must be unique', parameter: 'tools' };
  const choice = task.toolChoice as Obj | undefined;
  // toolChoice without tools has no effect (the docs: it only applies when tools are defined).
  if (task.tools !== undefined && choice?.type === 'tool' && !names.includes(String(choice.name))) {
    return { message: `toolChoice.name: No function tool named '${String(choice.name)}'`, parameter: 'toolChoice.name' };
  }
  return undefined;
}

/**
 * Tool turns answer the calls of the assistant turn before them: each call once, by its id, and nothing
 * else (Claude refuses a call left unanswered or a result for no call). See TextInferenceMessage's note.
 */
function checkToolTurns(messages: Obj[]): { message: string; parameter: string } | undefined {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role === 'tool') {
      return { message: `messages.${i}.id: '${String(message.id)}' answers no call; a tool turn must follow an assistant turn whose tools include its id`, parameter: `messages.${i}.id` };
    }
    if (message.role !== 'assistant' || !Array.isArray(message.tools)) continue;
    const pending = new Set((message.tools as Obj[]).map((c) => String(c.id)));
    let j = i + 1;
    for (; j < messages.length && messages[j]!.role === 'tool'; j++) {
      if (!pending.delete(String(messages[j]!.id))) {
        return { message: `messages.${j}.id: '${String(messages[j]!.id)}' answers no pending call of messages.${i}`, parameter: `messages.${j}.id` };
      }
    }
    if (pending.size > 0) {
      return { message: `messages.${i}.tools: every call needs a tool turn with its result; unanswered: ${[...pending].join(', ')}`, parameter: `messages.${i}.tools` };
    }
    i = j - 1;
  }
  return undefined;
}

/** Messages the schema alone words poorly: a UUID pattern, and a field forbidden by an if/then rule. */
function clearer(message: string, param: string): string {
  if (/(^|\.)taskUUID$/.test(param) && /pattern/i.test(message)) return `${param}: Input should be a version 4 UUID`;
  if (!/boolean schema is false/i.test(message)) return message;
  if (param === 'settings.topP') return 'settings.topP: temperature and topP cannot be sent together; send one of them';
  if (param === 'webhookURL') return 'webhookURL: A streamed task cannot have a webhook; the stream already delivers the result';
  return `${param}: Field not allowed here`;
}

function schemasPointer(ctx: OperationContext): string {
  return `${ctx.operation.pointer}/x-standin-task-schemas`;
}

function schemas(ctx: OperationContext): Obj {
  return (ctx.operation.raw['x-standin-task-schemas'] ?? {}) as Obj;
}

/** Whether a value is a TaskUUID as the document defines it (only such ids may appear in answers). */
export function isTaskUUID(ctx: OperationContext, value: unknown): boolean {
  return typeof value === 'string' && ctx.validate(`${schemasPointer(ctx)}/textInference/properties/taskUUID`, value) === undefined;
}

/** Whether a value is a webhookURL as the document defines it (only such URLs are called). */
export function isWebhookURL(ctx: OperationContext, value: unknown): boolean {
  return typeof value === 'string' && ctx.validate(`${schemasPointer(ctx)}/textInference/properties/webhookURL`, value) === undefined;
}
