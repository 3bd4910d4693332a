/** Which declared tool a prompt is about, by the words the two share. */

export interface ToolText {
  name: string;
  description?: string;
}

/**
 * The tools ordered by how many words of their name and description appear in the prompt, best first;
 * ties keep the declared order, so the first declared tool wins when nothing matches.
 */
export function rankTools<T>(tools: readonly T[], prompt: string, describe: (tool: T) => ToolText): T[] {
  const words = new Set(prompt.toLowerCase().split(/\W+/).filter((w) => w.length > 2));
  const scored = tools.map((tool, order) => {
    const { name, description = '' } = describe(tool);
    const text = `${name.replace(/_/g, ' ')} ${description}`.toLowerCase();
    return { tool, order, score: text.split(/\W+/).filter((w) => words.has(w)).length };
  });
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((s) => s.tool);
}
