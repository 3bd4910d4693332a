/** The wire protocols standin speaks, by the name a document gives in `x-standin-profile`. */
import type { Profile } from '../core/types.js';
import { anthropicMessages } from './anthropic-messages/index.js';
import { openaiChat } from './openai-chat/index.js';
import { runwareTasks } from './runware-tasks/index.js';

export const profiles: Record<string, Profile> = {
  [anthropicMessages.name]: anthropicMessages,
  [openaiChat.name]: openaiChat,
  [runwareTasks.name]: runwareTasks,
};

export function profileFor(document: Record<string, unknown>, name: string): Profile {
  const key = String(document['x-standin-profile'] ?? '');
  const profile = profiles[key];
  if (!profile) throw new Error(`standin: ${name}: x-standin-profile '${key}' is not one of ${Object.keys(profiles).join(', ')}`);
  return profile;
}
