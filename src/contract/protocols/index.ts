/** The protocols the contract suite speaks, by the profile name a document gives in `x-standin-profile`. */
import type { Protocol } from '../protocol.js';
import { anthropicProtocol } from './anthropic.js';
import { openaiProtocol } from './openai.js';
import { runwareProtocol } from './runware.js';

export const protocols: Record<string, Protocol> = {
  [anthropicProtocol.profile]: anthropicProtocol,
  [openaiProtocol.profile]: openaiProtocol,
  [runwareProtocol.profile]: runwareProtocol,
};

export function protocolFor(profile: string): Protocol | undefined {
  return protocols[profile];
}
