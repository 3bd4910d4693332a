import { describe, expect, it } from 'vitest';
import { errorBody, errorTypeOf, statusOfErrors } from './errors.js';

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
    const missing = errorBody(invalidApiKey, { message: 'Missing API key: send it in Authorization: Bearer', trigger: 'missing-key' }) as any;
    expect(missing.errors[0]).toMatchObject({ code: 'missingApiKey', parameter: 'apiKey' });
    expect(missing.errors[0].message).toContain('authentication');
    expect((errorBody(invalidApiKey, { message: 'Invalid API key', trigger: 'invalid-key' }) as any).errors[0].code).toBe('invalidApiKey');
  });

  it('takes a Runware code named by Prefer: stream-error, and ignores other spellings', () => {
    expect((errorBody(invalidApiKey, { type: 'taskFailed' }) as any).errors[0].code).toBe('taskFailed');
    expect((errorBody(invalidApiKey, { type: 'overloaded_error' }) as any).errors[0].code).toBe('invalidApiKey');
  });
});

describe('codes and statuses', () => {
  it('maps codes to the statuses the document names', () => {
    const status = (code: string) => statusOfErrors([{ code, message: '' }]);
    expect(['invalidParameter', 'unknownModel', 'taskFailedOrNotFound'].map(status)).toEqual([400, 400, 400]);
    expect(['missingApiKey', 'invalidApiKey', 'paymentRequired', 'notFound', 'requestTooLarge', 'rateLimitExceeded'].map(status)).toEqual([401, 401, 402, 404, 413, 429]);
    expect(['taskFailed', 'serverError'].map(status)).toEqual([500, 500]);
  });

  it('reads a template code as its error type', () => {
    expect(errorTypeOf(invalidApiKey)).toBe('invalidApiKey');
    expect(errorTypeOf({})).toBeUndefined();
  });
});
