/**
 * Runware's error envelope `{"errors": [...], "data": []}` and its codes. Runware publishes no mapping
 * from codes to HTTP statuses, nor from standin's triggers to codes; the document states both
 * (`x-standin-error-codes`, `x-standin-trigger-codes` in runware.yaml, see openapi/CONVENTIONS.md).
 */
import type { JsonObject, OperationContext, OperationResult, ProviderRuntime, Trigger } from '../../core/types.js';
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

/** A document's code tables: the status of each error code, and the code of each natural trigger. */
export interface CodeTables {
  statusOf: ReadonlyMap<string, number>;
  codeOf: ReadonlyMap<Trigger, string>;
}

/** Every natural trigger (the type makes this list complete). */
const TRIGGERS: Record<Trigger, true> = {
  'missing-key': true,
  'invalid-key': true,
  'malformed-json': true,
  'invalid-request': true,
  'unknown-model': true,
  'unsupported-media-type': true,
  'body-too-large': true,
  'unknown-route': true,
  'method-not-allowed': true,
};
/** The codes this profile writes itself (check-tasks.ts, run-tasks.ts), so the document must give their statuses. */
const OWN_CODES = ['invalidParameter', 'unknownModel', 'taskFailedOrNotFound'];

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const tablesOfDocument = new WeakMap<object, CodeTables>();

/** The code tables of a document, read once; a document whose tables do not hold together throws. */
export function codeTables(document: JsonObject): CodeTables {
  let tables = tablesOfDocument.get(document);
  if (!tables) tablesOfDocument.set(document, (tables = readTables(document)));
  return tables;
}

function readTables(document: JsonObject): CodeTables {
  const fail = (what: string): never => {
    throw new Error(`standin: runware-tasks: ${what} (see openapi/CONVENTIONS.md)`);
  };
  const codes = document['x-standin-error-codes'];
  if (!isObject(codes)) return fail('the document needs x-standin-error-codes, a map from error code to HTTP status');
  const statusOf = new Map<string, number>();
  for (const [code, status] of Object.entries(codes)) {
    if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
      fail(`x-standin-error-codes.${code} must be an HTTP error status, not ${JSON.stringify(status)}`);
    }
    statusOf.set(code, status as number);
  }
  for (const code of OWN_CODES) if (!statusOf.has(code)) fail(`x-standin-error-codes must give the status of ${code}`);

  const byTrigger = document['x-standin-trigger-codes'] ?? {};
  if (!isObject(byTrigger)) return fail('x-standin-trigger-codes must be a map from natural trigger to error code');
  const statusOfTrigger = (document['x-standin-triggers'] ?? {}) as Partial<Record<string, number>>;
  const codeOf = new Map<Trigger, string>();
  for (const [trigger, code] of Object.entries(byTrigger)) {
    if (!Object.hasOwn(TRIGGERS, trigger)) fail(`x-standin-trigger-codes names ${trigger}, which is not a natural trigger`);
    if (typeof code !== 'string' || !statusOf.has(code)) {
      fail(`x-standin-trigger-codes.${trigger} names ${JSON.stringify(code)}, which x-standin-error-codes does not list`);
    }
    // The trigger's status, as the engine finds it: a trigger left out gets invalid-request's.
    const status = statusOfTrigger[trigger] ?? statusOfTrigger['invalid-request'] ?? 400;
    if (statusOf.get(code as string) !== status) {
      fail(`x-standin-trigger-codes.${trigger} names ${String(code)} (status ${statusOf.get(code as string)}), but ${trigger} is answered with ${status}`);
    }
    codeOf.set(trigger as Trigger, code as string);
  }
  return { statusOf, codeOf };
}

const checkedProviders = new WeakMap<ProviderRuntime, CodeTables>();

/** A provider's code tables, once checked against its error catalogue (every status must be documented). */
export function providerTables(provider: ProviderRuntime): CodeTables {
  let tables = checkedProviders.get(provider);
  if (!tables) {
    tables = codeTables(provider.document);
    for (const [code, status] of tables.statusOf) {
      if (!provider.catalogue.has(status)) {
        throw new Error(`standin: ${provider.name}: x-standin-error-codes.${code} names ${status}, which no operation documents`);
      }
    }
    checkedProviders.set(provider, tables);
  }
  return tables;
}

/** The status of a request whose tasks all failed: the one that belongs to the first error's code. */
export function statusOfErrors(errors: readonly TaskError[], tables: CodeTables): number {
  const code = errors[0]?.code ?? '';
  const status = tables.statusOf.get(code);
  if (status === undefined) throw new Error(`standin: runware-tasks: x-standin-error-codes gives no status for code ${code}`);
  return status;
}

/**
 * The answer when nothing succeeded, in the shape of `ErrorResponse`, with the headers the document
 * declares for its status (e.g. Retry-After on a 429).
 */
export function errorEnvelope(ctx: OperationContext, errors: TaskError[]): OperationResult {
  // The engine sends the documented headers of the status (Retry-After on a 429, ...).
  return { kind: 'json', status: statusOfErrors(errors, providerTables(ctx.provider)), body: { errors, data: [] } };
}

/**
 * Fills a catalogue template for an error of the whole request. Each status has one template, so the
 * code is set here from the trigger (`tables.codeOf`; without tables, or for a trigger the document
 * leaves out, the template's code stays). Whole-request errors name no task, so the template's task
 * fields go.
 */
export function errorBody(
  template: unknown,
  details: { message?: string; param?: string; type?: string; trigger?: Trigger },
  tables?: CodeTables,
): unknown {
  const body = structuredClone(template) as { errors?: Obj[] };
  const error: Obj = { ...(body.errors?.[0] ?? { code: 'serverError' }) };
  delete error.taskUUID;
  delete error.taskType;
  const code = details.trigger !== undefined ? tables?.codeOf.get(details.trigger) : undefined;
  if (code !== undefined) error.code = code;
  if (details.message !== undefined) {
    error.message = details.message;
    // The key may also come in the body (the profile's credentialFromBody), so the message says so.
    if (details.trigger === 'missing-key') {
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
