/**
 * Runware's task-array protocol (runware.yaml): what the document cannot say about it, namely how tasks
 * are checked one by one, how answers are synthesised and delivered, and how the error codes are set.
 */
import { randomId } from '../../core/hash.js';
import type { Profile } from '../../core/types.js';
import { errorBody, errorTypeOf, providerTables } from './errors.js';
import { runTasks } from './run-tasks.js';
import { renderAnswer, lastUserTurn } from './render-answer.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const runwareTasks: Profile = {
  name: 'runware-tasks',
  renderAnswer,
  lastUserTurn,
  operations: { runTasks },
  // Runware sends no request id; the engine still needs one for its own bookkeeping.
  requestId: () => randomId('rw_', 24),
  // The code comes from the document's trigger codes (x-standin-trigger-codes).
  errorBody: (template, details, provider) => errorBody(template, details, providerTables(provider)),
  checkDocument: (provider) => void providerTables(provider),
  errorTypeOf,
  // A data-only stream: an error is a data line holding the error list, and the stream ends there.
  streamErrorEvent: (body) => ({ data: { errors: (body as Obj).errors } }),
  // Each task succeeds or fails on its own, so the profile checks the array itself (check-tasks.ts).
  validatesOwnBody: ['runTasks'],
  // The key may come as a leading authentication task; one anywhere else is refused in check-tasks.ts.
  credentialFromBody(body) {
    const first = Array.isArray(body) ? body[0] : undefined;
    if (!isObject(first) || first.taskType !== 'authentication') return undefined;
    return typeof first.apiKey === 'string' && first.apiKey.length > 0 ? first.apiKey : undefined;
  },
  wantsStream: (_operationId, body) => Array.isArray(body) && body.some((t) => isObject(t) && t.deliveryMethod === 'stream'),
  // The model of the first text task: the contract replay classifies recorded exchanges by it (the
  // engine checks models per task in check-tasks.ts, since it leaves this body to the profile).
  modelOf(body) {
    const task = Array.isArray(body) ? body.find((t) => isObject(t) && t.taskType === 'textInference') : undefined;
    return isObject(task) && typeof task.model === 'string' ? task.model : undefined;
  },
};
