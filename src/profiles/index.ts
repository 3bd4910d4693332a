/** The wire protocols standin speaks, by the name a document gives in `x-standin-profile`. */
import type { JsonObject, Profile } from '../core/types.js';
import { anthropicMessages } from './anthropic-messages/index.js';
import { openaiChat } from './openai-chat/index.js';
import { runwareTasks, runwareTasksFor } from './runware-tasks/index.js';

export const profiles: Record<string, Profile> = {
  [anthropicMessages.name]: anthropicMessages,
  [openaiChat.name]: openaiChat,
  [runwareTasks.name]: runwareTasks,
};

/** Profiles that read more of their document than the engine compiles, bound to it per provider. */
const boundToDocument: Record<string, (document: JsonObject) => Profile> = {
  [runwareTasks.name]: runwareTasksFor,
};

export function profileFor(document: Record<string, unknown>, name: string): Profile {
  const key = String(document['x-standin-profile'] ?? '');
  const profile = profiles[key];
  if (!profile) throw new Error(`standin: ${name}: x-standin-profile '${key}' is not one of ${Object.keys(profiles).join(', ')}`);
  return boundToDocument[key]?.(document as JsonObject) ?? profile;
}
