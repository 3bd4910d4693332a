import { beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../../node/load-documents.js';
import type { JsonObject, OperationContext } from '../../core/types.js';
import { createStandin } from '../../standin.js';
import { compileProvider } from '../../core/compile-provider.js';
import { createEngine } from '../../core/engine.js';
import { defaultEngineOptions } from '../../core/types.js';
import { createAjv } from '../../core/validator.js';
import { runwareTasks } from './index.js';
import { codeTables, errorBody, errorEnvelope, errorTypeOf, statusOfErrors, type CodeTables } from './errors.js';

let document: JsonObject;
let tables: CodeTables;
beforeAll(async () => {
  document = (await loadDocuments(['runware'])).runware!;
  tables = codeTables(document);
});

const invalidParameter = {
  errors: [
    {
      code: 'invalidParameter',
      message: 'Invalid value for settings.maxTokens: it must be between 1 and 64000.',
      parameter: 'settings.maxTokens',
      type: 'integer',
      taskUUID: 'cbacdc8c-9f58-46eb-8510-48713439c000',
      taskType: 'textInference',
    },
  ],
  data: [],
};
const invalidApiKey = { errors: [{ code: 'invalidApiKey', message: 'The API key is not valid.', parameter: 'apiKey', type: 'string' }], data: [] };

describe('errorBody', () => {
  it('fills the message and names its own field, or none, for whole-request errors', () => {
    expect(errorBody(invalidParameter, { message: 'body: bad JSON' })).toEqual({ errors: [{ code: 'invalidParameter', message: 'body: bad JSON' }], data: [] });
    expect(errorBody(invalidParameter, { message: 'x: no', param: 'x' })).toEqual({
      errors: [{ code: 'invalidParameter', message: 'x: no', parameter: 'x' }],
      data: [],
    });
  });

  it('keeps the example for a forced error, without the example task', () => {
    const { errors } = errorBody(invalidParameter, {}) as { errors: Record<string, unknown>[] };
    expect(errors[0]).not.toHaveProperty('taskUUID');
    expect(errors[0]).not.toHaveProperty('taskType');
    expect(errors[0]!.message).toBe(invalidParameter.errors[0]!.message);
  });

  it('says missingApiKey for a missing key and invalidApiKey for a bad one', () => {
    const missing = errorBody(invalidApiKey, { message: 'Missing API key: send it in Authorization: Bearer', trigger: 'missing-key' }, tables) as any;
    expect(missing.errors[0]).toMatchObject({ code: 'missingApiKey', parameter: 'apiKey' });
    expect(missing.errors[0].message).toContain('authentication');
    expect((errorBody(invalidApiKey, { message: 'Invalid API key', trigger: 'invalid-key' }, tables) as any).errors[0].code).toBe('invalidApiKey');
  });

  it('takes a Runware code named by Prefer: stream-error, and ignores other spellings', () => {
    expect((errorBody(invalidApiKey, { type: 'taskFailed' }) as any).errors[0].code).toBe('taskFailed');
    expect((errorBody(invalidApiKey, { type: 'overloaded_error' }) as any).errors[0].code).toBe('invalidApiKey');
  });
});

describe('codes and statuses', () => {
  it('maps codes to the statuses the document names', () => {
    const status = (code: string) => statusOfErrors([{ code, message: '' }], tables);
    expect(['invalidParameter', 'unknownModel', 'taskFailedOrNotFound'].map(status)).toEqual([400, 400, 400]);
    expect(['missingApiKey', 'invalidApiKey', 'paymentRequired', 'notFound', 'requestTooLarge', 'rateLimitExceeded'].map(status)).toEqual([401, 401, 402, 404, 413, 429]);
    expect(['taskFailed', 'serverError'].map(status)).toEqual([500, 500]);
  });

  it('sets the code of each trigger from the document, and keeps the template code without tables', () => {
    const codeOf = (trigger: any) => (errorBody(invalidParameter, { message: 'm', trigger }, tables) as any).errors[0].code;
    expect(['unknown-model', 'malformed-json', 'invalid-request'].map(codeOf)).toEqual(['unknownModel', 'invalidParameter', 'invalidParameter']);
    expect((errorBody(invalidApiKey, { message: 'm', trigger: 'missing-key' }) as any).errors[0].code).toBe('invalidApiKey');
  });

  it('refuses tables that do not hold together', () => {
    const broken = (edit: (doc: any) => void): (() => unknown) => {
      const doc = structuredClone(document) as any;
      edit(doc);
      return () => codeTables(doc);
    };
    expect(broken((d) => delete d['x-standin-error-codes'])).toThrow(/x-standin-error-codes/);
    expect(broken((d) => delete d['x-standin-error-codes'].taskFailedOrNotFound)).toThrow(/taskFailedOrNotFound/);
    expect(broken((d) => (d['x-standin-error-codes'].notFound = 'x'))).toThrow(/HTTP error status/);
    expect(broken((d) => (d['x-standin-trigger-codes']['no-such-trigger'] = 'notFound'))).toThrow(/not a natural trigger/);
    expect(broken((d) => (d['x-standin-trigger-codes']['missing-key'] = 'noSuchCode'))).toThrow(/does not list/);
    expect(broken((d) => (d['x-standin-trigger-codes']['missing-key'] = 'notFound'))).toThrow(/answered with 401/);
    expect(statusOfErrors.bind(null, [{ code: 'noSuchCode', message: '' }], tables)).toThrow(/noSuchCode/);
  });

  it('sends the headers the document declares for the status of an all-failed answer', async () => {
    const limited = [{ code: 'rateLimitExceeded', message: 'Too many requests.' }];
    const invalid = [{ code: 'invalidParameter', message: 'm' }];
    // An engine whose runTasks fails every request with the given errors, rendered by the real engine.
    const answer = async (errors: typeof limited, prefer?: string) => {
      const ajv = createAjv();
      const profile = { ...runwareTasks, operations: { runTasks: (ctx: OperationContext) => errorEnvelope(ctx, errors) } };
      const engine = createEngine({ providers: [compileProvider('runware', document, profile, ajv)], ajv, mount: 'root', options: defaultEngineOptions });
      const res = await engine.fetch(
        new Request('http://standin/v1', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...(prefer ? { prefer } : {}) },
          body: '[]',
        }),
      );
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    };
    expect(await answer(limited)).toEqual({ status: 429, retryAfter: '1', body: { errors: limited, data: [] } });
    expect((await answer(limited, 'retry-after=7')).retryAfter).toBe('7');
    expect(await answer(invalid)).toMatchObject({ status: 400, retryAfter: null });
    const contextFor = (doc: JsonObject): OperationContext => {
      const provider = createStandin({ documents: { runware: doc } }).providers[0]!;
      return { provider, operation: provider.operations[0]!, requestId: 'rw_test', prefer: { unknown: [] } } as unknown as OperationContext;
    };
    const teapot = structuredClone(document) as any;
    teapot['x-standin-error-codes'].teapot = 418;
    expect(() => errorEnvelope(contextFor(teapot), [{ code: 'teapot', message: 'm' }])).toThrow(/teapot names 418, which no operation documents/);
  });

  it('reads a template code as its error type', () => {
    expect(errorTypeOf(invalidApiKey)).toBe('invalidApiKey');
    expect(errorTypeOf({})).toBeUndefined();
  });
});
