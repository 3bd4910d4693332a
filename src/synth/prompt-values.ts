/**
 * Values a prompt names for a tool's input properties ("weather in Paris" → `location: "Paris"`, "15 * 23"
 * → `expression: "15 * 23"`), so tool calls answer the question asked instead of a fixed sample. A value
 * is only offered when it satisfies the property's schema; otherwise the schema-driven sample is used.
 * Deterministic: the same prompt and schema give the same values. Quoted strings and bare numbers are
 * handed out in order, one property each, so two numeric inputs get the prompt's two numbers.
 */

type Schema = Record<string, unknown>;

export interface PromptValues {
  /** A value for the property `name` with schema `schema`, or undefined when the prompt names none. */
  valueFor(name: string, schema: Schema): unknown;
}

// A run of capitalised words ("Paris", "New York", "São Paulo"), optionally ", Region" after it.
const PLACE = String.raw`(\p{Lu}[\p{L}'.-]*(?:[ -](?:\p{Lu}[\p{L}'.-]*|de|del|da|do|la|le|upon|on))*(?:, ?\p{Lu}[\p{L}.]*(?: \p{Lu}[\p{L}.]*)*)?)`;
const PLACE_AFTER = new RegExp(String.raw`\b(?:in|at|for|near|from|to|of|around)\s+(?:the\s+city\s+of\s+)?${PLACE}`, 'gu');
const NAMED = new RegExp(String.raw`\b(?:named|called|name is)\s+${PLACE}`, 'gu');
const QUOTED = /"([^"\n]{1,200})"|“([^”\n]{1,200})”|'([^'\n]{1,200})'/g;
const NUMBER = /(?<![\w.-])\d+(?:\.\d+)?(?!\w)/g;
const EXPRESSION = /[-(]*\d+(?:\.\d+)?\)*(?:\s*[-+*/×÷^%]\s*[-(]*\d+(?:\.\d+)?\)*)+/;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
const URL_TEXT = /\bhttps?:\/\/[^\s"'<>)]+/;
const DATE = /\b\d{4}-\d{2}-\d{2}\b/;
// Words that start a sentence or name no place, though capitalised.
const NOT_PLACES = new Set(['I', 'What', 'What’s', "What's", 'How', 'Please', 'The', 'A', 'Is', 'Can', 'Could', 'Use', 'Tell', 'Get', 'Find']);

const PLACE_NAMES = /city|location|place|town|destination|origin|region|address|where|locality|country|state/i;
const PERSON_NAMES = /^(?:name|full_?name|first_?name|person|user_?name|recipient|contact|author)$/i;
const EXPRESSION_NAMES = /expression|formula|equation|calculation|math/i;
const EMAIL_NAMES = /e-?mail/i;
const URL_NAMES = /url|link|uri|website|href/i;
const DATE_NAMES = /date|day|when/i;

export function promptValues(prompt: string): PromptValues {
  const places = matchesOf(PLACE_AFTER, prompt).filter((p) => !NOT_PLACES.has(p));
  const names = matchesOf(NAMED, prompt).filter((p) => !NOT_PLACES.has(p));
  const quoted = [...prompt.matchAll(QUOTED)].map((m) => (m[1] ?? m[2] ?? m[3])!.trim()).filter(Boolean);
  const numbers = [...prompt.matchAll(NUMBER)].map((m) => Number(m[0]));
  const expression = EXPRESSION.exec(prompt)?.[0].trim();
  let nextQuoted = 0;
  let nextNumber = 0;

  const text = (name: string, schema: Schema): string | undefined => {
    const format = String(schema.format ?? '');
    // A value right after the property's own name ("with value \"test\"", "query: 'tea'") comes first.
    const labelled = new RegExp(String.raw`\b${escapeRegExp(name.replace(/_/g, ' '))}\s*(?:is|=|:|of)?\s*(?:"([^"\n]+)"|'([^'\n]+)'|“([^”\n]+)”)`, 'iu').exec(prompt);
    if (labelled) return (labelled[1] ?? labelled[2] ?? labelled[3])!;
    if (format === 'email' || EMAIL_NAMES.test(name)) return EMAIL.exec(prompt)?.[0];
    if (format === 'uri' || format === 'url' || URL_NAMES.test(name)) return URL_TEXT.exec(prompt)?.[0];
    if (format === 'date' || (DATE_NAMES.test(name) && !format)) return DATE.exec(prompt)?.[0];
    if (format) return undefined;
    if (EXPRESSION_NAMES.test(name)) return expression;
    if (PLACE_NAMES.test(name)) return places[0];
    if (PERSON_NAMES.test(name)) return names[0];
    return nextQuoted < quoted.length ? quoted[nextQuoted++] : undefined;
  };

  return {
    valueFor(name, schema) {
      if (!name) return undefined;
      const type = typeOf(schema);
      if (Array.isArray(schema.enum)) return enumMentioned(schema.enum, prompt);
      if (type === 'string') {
        const value = text(name, schema);
        return value !== undefined && fitsString(value, schema) ? value : undefined;
      }
      if (type === 'integer' || type === 'number') {
        const labelled = new RegExp(String.raw`\b${escapeRegExp(name.replace(/_/g, ' '))}\s*(?:is|=|:|of)?\s*(-?\d+(?:\.\d+)?)`, 'iu').exec(prompt);
        if (labelled && fitsNumber(Number(labelled[1]), schema, type === 'integer')) return Number(labelled[1]);
        while (nextNumber < numbers.length) {
          const n = numbers[nextNumber++]!;
          if (fitsNumber(n, schema, type === 'integer')) return n;
        }
      }
      return undefined;
    },
  };
}

/** The first enum value the prompt mentions as a word, e.g. "in Fahrenheit" → "fahrenheit". */
function enumMentioned(values: unknown[], prompt: string): unknown {
  const lower = prompt.toLowerCase();
  return values.find((v) => typeof v === 'string' && v.length > 1 && new RegExp(String.raw`\b${escapeRegExp(v.toLowerCase())}\b`, 'u').test(lower));
}

function matchesOf(re: RegExp, text: string): string[] {
  return [...text.matchAll(re)].map((m) => m[1]!.replace(/[.,]+$/, ''));
}

function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  return typeof t === 'string' ? t : undefined;
}

function fitsString(value: string, schema: Schema): boolean {
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) return false;
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return false;
  if (typeof schema.pattern === 'string') {
    try {
      if (!new RegExp(schema.pattern, 'u').test(value)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function fitsNumber(n: number, schema: Schema, integer: boolean): boolean {
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) return false;
  if (typeof schema.minimum === 'number' && n < schema.minimum) return false;
  if (typeof schema.maximum === 'number' && n > schema.maximum) return false;
  if (typeof schema.exclusiveMinimum === 'number' && n <= schema.exclusiveMinimum) return false;
  if (typeof schema.exclusiveMaximum === 'number' && n >= schema.exclusiveMaximum) return false;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0 && !Number.isInteger(n / schema.multipleOf)) return false;
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
