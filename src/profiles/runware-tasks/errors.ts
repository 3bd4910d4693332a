/**
 * Runware's error envelope `{"errors": [...], "data": []}` and its codes. Runware publishes no mapping
 * from codes to HTTP statuses; the one here is the document's (runware.yaml, root `x-note`).
 */
import type { Trigger } from '../../core/types.js';
type Obj = Record<string, unknown>;

/** One failure, of the whole request or of one task (`TaskError` in shared/runware-tasks.yaml). */
export interface TaskError {
  code: string;
  message: string;
  parameter?: string;
  taskUUID?: string;
  taskType?: string;
  allowedValues?: unknown[];
}

const STATUS_OF_CODE: Record<string, number> = {
  invalidParameter: 400,
  unknownModel: 400,
  taskFailedOrNotFound: 400,
  missingApiKey: 401,
  invalidApiKey: 401,
  paymentRequired: 402,
  notFound: 404,
  requestTooLarge: 413,
  rateLimitExceeded: 429,
  taskFailed: 500,
  serverError: 500,
};

/** The status of a request whose tasks all failed: the one that belongs to the first error's code. */
export function statusOfErrors(errors: readonly TaskError[]): number {
  return STATUS_OF_CODE[errors[0]?.code ?? ''] ?? 400;
}

/** The answer when nothing succeeded, in the shape of `ErrorResponse`. */
export function errorEnvelope(errors: TaskError[]): { kind: 'json'; status: number; body: unknown } {
  return { kind: 'json', status: statusOfErrors(errors), body: { errors, data: [] } };
}

/**
 * Fills a catalogue template for an error of the whole request. Each status has one template, so the
 * code is set here: the 401 template says invalidApiKey, and the missing-key trigger says missingApiKey.
 * Whole-request errors name no task, so the template's task fields go.
 */
export function errorBody(template: unknown, details: { message?: string; param?: string; type?: string; trigger?: Trigger }): unknown {
  const body = structuredClone(template) as { errors?: Obj[] };
  const error: Obj = { ...(body.errors?.[0] ?? { code: 'serverError' }) };
  delete error.taskUUID;
  delete error.taskType;
  if (details.message !== undefined) {
    error.message = details.message;
    if (details.trigger === 'missing-key') {
      error.code = 'missingApiKey';
      error.message = `${details.message} <key>, or as a leading {"taskType": "authentication", "apiKey": "<key>"} task`;
    }
    // The template's field belongs to its example message; a key error is always about `apiKey`.
    if (error.parameter !== 'apiKey') {
      delete error.parameter;
      delete error.type;
      if (details.param !== undefined) error.parameter = details.param;
    }
  }
  // `Prefer: stream-error=<code>` may name a Runware code (camelCase); other spellings keep the template's.
  if (details.type !== undefined && /^[a-z][a-zA-Z]*$/.test(details.type)) error.code = details.type;
  return { errors: [error], data: [] };
}

/** The code of a catalogue template, so `Prefer: stream-error=serverError` finds the 500 entry. */
export function errorTypeOf(template: unknown): string | undefined {
  const code = ((template as { errors?: Obj[] } | undefined)?.errors?.[0] as Obj | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
