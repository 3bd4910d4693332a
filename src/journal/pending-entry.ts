/**
 * An exchange recorded but not yet sealed. Building an entry, serialising it and passing it through the
 * redactor costs more than answering a small request, and most exchanges are never read: where the
 * store keeps values in this process (`inProcess`), the journal keeps this instead and seals it the
 * first time anything reads it. The exchange sits in private fields, so nothing can serialise it
 * unsealed: its JSON form (`toJSON`) is the sealed, redacted entry.
 */
import type { JournalEntry } from './entry.js';
import { sealEntry, type RecordedExchange, type RedactorCache } from './record-exchange.js';

/** What a pending entry is built from: an exchange, as far as making its entry goes. */
type Draftable = Pick<RecordedExchange, 'draft'>;

export class PendingEntry {
  #exchange: Draftable | undefined;
  #redactorFor: RedactorCache;
  #sealed: string | undefined;

  constructor(
    readonly id: number,
    exchange: Draftable,
    redactorFor: RedactorCache,
  ) {
    this.#exchange = exchange;
    this.#redactorFor = redactorFor;
  }

  /** The entry's redacted JSON text, made once; the exchange behind it is let go. */
  sealed(): string {
    if (this.#sealed === undefined) {
      const draft = this.#exchange!.draft();
      this.#sealed = sealEntry({ id: this.id, ...draft.entry }, draft.secrets, this.#redactorFor).text;
      this.#exchange = undefined;
    }
    return this.#sealed;
  }

  toJSON(): JournalEntry {
    return JSON.parse(this.sealed()) as JournalEntry;
  }
}
