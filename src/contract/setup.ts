/**
 * Compiled providers for the suite. Against standin the suite uses the engine's own compiled providers
 * and Ajv, so mock and checks share one validator. For a live or recorded target the same compiler runs
 * on the same documents; a protocol standin does not serve yet is compiled with a bare profile, since
 * the checks read only the document.
 */
import { compileProvider } from '../core/compile-provider.js';
import type { Engine } from '../core/engine.js';
import type { JsonObject, Profile, ProviderRuntime } from '../core/types.js';
import { createAjv } from '../core/validator.js';
import { profiles } from '../profiles/index.js';
import { createStandin } from '../standin.js';
import type { PlanContext } from './checks.js';
import { protocolFor } from './protocols/index.js';
import type { Protocol } from './protocol.js';

/** The error type a catalogue template names, for protocols standin has no profile for yet. */
function bareProfile(name: string): Profile {
  return {
    name,
    operations: {},
    requestId: () => 'req_contract',
    errorBody: (template) => template,
    errorTypeOf: (template) => {
      const t = template as Record<string, any> | undefined;
      return t?.error?.type ?? t?.errors?.[0]?.code;
    },
    streamErrorEvent: (body) => ({ data: body }),
  };
}

export function servedByStandin(document: JsonObject): boolean {
  return String(document['x-standin-profile'] ?? '') in profiles;
}

export interface ContractSetup {
  ctx: PlanContext;
  protocol: Protocol;
  /** Set when the provider is served by standin (the in-process target). */
  engine?: Engine;
}

/** Compiles one provider for the suite; with `withEngine`, through a standin engine serving it. */
export function setupContract(name: string, document: JsonObject, withEngine: boolean): ContractSetup {
  const profileName = String(document['x-standin-profile'] ?? '');
  const protocol = protocolFor(profileName);
  if (!protocol) throw new Error(`the contract suite does not speak ${profileName || 'this protocol'} (provider ${name}) yet`);
  if (withEngine) {
    if (!servedByStandin(document)) throw new Error(`standin does not serve ${name} (${profileName}) yet, so it cannot be a target`);
    const engine = createStandin({ documents: { [name]: document } });
    return { ctx: { provider: engine.providers[0]!, ajv: engine.ajv }, protocol, engine };
  }
  const ajv = createAjv();
  const profile = profiles[profileName] ?? bareProfile(profileName);
  const provider: ProviderRuntime = compileProvider(name, document, profile, ajv);
  return { ctx: { provider, ajv }, protocol };
}
