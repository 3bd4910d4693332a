/** Validators for what a provider sends back, located through the compiled operation. */
import { escapePointer } from './json-pointer.js';
import type { OperationRuntime, ProviderRuntime } from './types.js';
import { validatorAt, type Ajv2020Instance, type Validator } from './validator.js';

export function responseValidator(
  ajv: Ajv2020Instance,
  provider: ProviderRuntime,
  op: OperationRuntime,
  status: number,
  mediaType = 'application/json',
): Validator | undefined {
  const pointer = op.responsePointers.get(status);
  if (!pointer) return undefined;
  return validatorAt(ajv, provider.ajvKey, `${pointer}/content/${escapePointer(mediaType)}/schema`);
}

export function streamEventValidator(ajv: Ajv2020Instance, provider: ProviderRuntime, op: OperationRuntime): Validator | undefined {
  return op.sse ? validatorAt(ajv, provider.ajvKey, op.sse.itemSchemaRef) : undefined;
}
