/** The model id an answer names: the dated snapshot an alias resolves to, where the document says so. */
import type { ProviderRuntime } from '../../core/types.js';

export function answeredModel(provider: ProviderRuntime, requested: string): string {
  return provider.modelAnswers[requested] ?? requested;
}
