/** The last source, which always answers: the profile's handler synthesises from the request. */
import type { OperationResult } from '../types.js';
import type { OutcomeSource } from './types.js';

export const synthesisSource: OutcomeSource = {
  name: 'synthesis',
  choose(ctx) {
    const handler = ctx.provider.profile.operations[ctx.operation.operationId];
    const outcome = handler ? handler(ctx) : ({ kind: 'json', body: ctx.operation.example ?? {} } as OperationResult);
    // Most handlers answer synchronously; awaiting only a real promise saves a turn of the queue.
    return outcome instanceof Promise ? outcome.then((result) => ({ result })) : { result: outcome };
  },
};
