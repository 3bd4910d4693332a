/**
 * An exchange recorded but not yet sealed. Building an entry, serialising it and passing it through the
 * redactor costs more than answering a small request, and most exchanges are never read: where the
 * store keeps values in this process (`inProcess`), the journal keeps this instead and seals it the
 * first time anything reads it. The exchange sits in private fields, so nothing can serialise it
 * unsealed: its JSON form (`toJSON`) is the sealed, redacted entry.
 */
import type { JournalEntry } from './entry.js';
import { sealEntry, type DraftEntry, type RedactorCache } from './record-exchange.js';

export class PendingEntry {
  #draft: (() => DraftEntry) | undefined;
  #redactorFor: RedactorCache;
  #sealed: string | undefined;

  constructor(
    readonly id: number,
    draft: () => DraftEntry,
    redactorFor: RedactorCache,
  ) {
    this.#draft = draft;
    this.#redactorFor = redactorFor;
  }

  /** The entry's redacted JSON text, made once; the exchange behind it is let go. */
  sealed(): string {
    return this.#sealed ?? this.seal().text;
  }

  /**
   * Seals the entry now and answers it as text and as the object (a log line wants the object: reading
   * it back from the text would cost a parse). Only the first call builds it.
   */
  seal(): { text: string; entry: JournalEntry } {
    if (this.#sealed !== undefined) return { text: this.#sealed, entry: JSON.parse(this.#sealed) as JournalEntry };
    const draft = this.#draft!();
    const sealed = sealEntry({ id: this.id, ...draft.entry }, draft.secrets, this.#redactorFor);
    this.#sealed = sealed.text;
    this.#draft = undefined;
    return sealed;
  }

  toJSON(): JournalEntry {
    return JSON.parse(this.sealed()) as JournalEntry;
  }
}
