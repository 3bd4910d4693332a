/**
 * Credits (`standin serve --credits USD`): every API key starts with the same balance at each provider
 * whose document keeps a prepaid wallet (`x-standin-credits`), per session. Each successful answer is
 * charged what the document's prices make of the usage it reports (input, output, cache reads and
 * writes: `costOf`, the function Runware's `cost` uses too); errors are not billed. Once a key's
 * balance is spent, its requests get the provider's documented payment error in its own envelope.
 *
 * The request that spends the last of a balance is still served: its cost is known only once it is
 * answered. The balance shown never goes below zero.
 */
import { renderError } from '../errors.js';
import { keyId } from '../key-id.js';
import type { OutcomeSource } from '../outcome/types.js';
import { stateKey } from '../state/store.js';
import type { HeaderValues, JsonObject, OperationContext, ProviderRuntime } from '../types.js';
import { costOf } from '../usage.js';

export const CREDITS_SOURCE = 'credits';

/** A provider's wallet: the status its document answers a spent balance with, or none. */
export function walletStatus(provider: ProviderRuntime): number | undefined {
  const raw = provider.document['x-standin-credits'] as JsonObject | undefined;
  if (raw === undefined) return undefined;
  const status = Number(raw.status);
  if (!provider.catalogue.has(status)) {
    throw new Error(`standin: ${provider.name}: x-standin-credits.status must be an error status the document answers (got ${String(raw.status)})`);
  }
  return status;
}

export function createCreditsSource(credits: number): OutcomeSource {
  if (!(credits >= 0) || !Number.isFinite(credits)) throw new RangeError('credits must be a non-negative number of US dollars');
  const wallets = new WeakMap<ProviderRuntime, number | undefined>();
  const statusOf = (provider: ProviderRuntime): number | undefined => {
    if (!wallets.has(provider)) wallets.set(provider, walletStatus(provider));
    return wallets.get(provider);
  };
  const walletKey = (ctx: OperationContext): string => stateKey(ctx.session, 'credits', ctx.provider.name, keyId(ctx.apiKey));
  const remaining = (spent: number): HeaderValues => ({ 'credits-remaining': String(Math.max(0, Number((credits - spent).toFixed(6)))) });

  return {
    name: CREDITS_SOURCE,
    async choose(ctx) {
      const status = statusOf(ctx.provider);
      if (status === undefined) return undefined;
      const spent = Number((await ctx.store.get(walletKey(ctx))) ?? 0);
      if (spent < credits) return undefined;
      ctx.trace.outcome = { source: CREDITS_SOURCE, detail: `balance of $${credits} spent` };
      return { reply: renderError(ctx.provider, ctx.operation, status, { requestId: ctx.requestId, values: remaining(spent) }) };
    },
    async settle(ctx, settled) {
      if (settled.source === CREDITS_SOURCE || statusOf(ctx.provider) === undefined) return undefined;
      // Errors are not billed (ByteSpike says so; the others bill answers only).
      const cost = settled.status < 400 && settled.usage ? costOf(settled.usage, ctx.provider.prices) : 0;
      return remaining(await ctx.store.increment(walletKey(ctx), cost));
    },
  };
}
