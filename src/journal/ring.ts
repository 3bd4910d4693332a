/**
 * Where the journal keeps its ring of entries. The journal itself decides what an entry is and when
 * it is made; a ring only keeps entries, lists those that pass a filter, and empties itself.
 *
 * - `storeRing` (the default): the ring is a list in the StateStore. The in-process store keeps each
 *   `PendingEntry` as it is (sealed when first read); a shared store (Redis) gets sealed text, so every
 *   process sharing it shares one ring.
 * - `createLocalRing`: a ring in this process's memory, kept lazily as the in-process store does. A
 *   `--workers` fleet gives each worker one and gathers them all on a read (src/node/ipc-journal.ts).
 */
import { Ring } from '../core/state/ring.js';
import { globalKey, type StateStore } from '../core/state/store.js';
import type { Json } from '../core/types.js';
import type { JournalEntry } from './entry.js';
import { PendingEntry } from './pending-entry.js';

export interface JournalFilter {
  session?: string;
  provider?: string;
  /** An exact status (`429`) or a class (`4xx`). */
  status?: string | number;
  /** Only entries with a greater id (what a poller has not seen yet). */
  after?: number;
}

export interface JournalRing {
  /**
   * Keeps an exchange's entry, at most `capacity` entries in all (the oldest go). `id` is the entry's
   * id on its way from the store's counter (asked for just before this call); `entry` builds the entry
   * once it is there. Resolves once any read would list the entry, so ids follow the order answers
   * left in. A ring cleared while the id was on its way leaves the entry out: that exchange ran
   * concurrently with the clear.
   */
  keep(id: Promise<number>, entry: (id: number) => PendingEntry, capacity: number): Promise<void>;
  /** The entries that pass `filter`, from the newest `capacity` kept, oldest first. */
  list(filter: JournalFilter, capacity: number): Promise<JournalEntry[]>;
  /** Empties the ring; answered once nothing cleared can be listed any more. */
  clear(): Promise<void>;
}

/** The store key of the ring a `storeRing` keeps. */
export const JOURNAL_RING_KEY = globalKey('journal');

/** The ring as a list in `store` (see the top of this file). */
export function storeRing(store: StateStore): JournalRing {
  return {
    async keep(id, entry, capacity) {
      const pending = entry(await id);
      // The in-process store keeps the object itself (see StateStore.inProcess); others keep JSON text.
      await store.append(JOURNAL_RING_KEY, store.inProcess ? (pending as unknown as Json) : pending.sealed(), undefined, capacity);
    },
    list: async (filter) => selectEntries(await store.list(JOURNAL_RING_KEY), filter),
    clear: () => store.delete(JOURNAL_RING_KEY),
  };
}

/** A ring in this process's memory: what one worker of a fleet recorded. */
export interface LocalRing {
  keep: JournalRing['keep'];
  /**
   * The ids of every entry kept (in the order kept), and the entries that pass `filter`; waits for
   * the ids still on their way (an id that fails leaves its entry out).
   */
  select(filter: JournalFilter): Promise<{ ids: number[]; entries: JournalEntry[] }>;
  clear(): void;
}

/** One exchange kept: its entry once its id is there. */
interface Slot {
  ready: Promise<void>;
  entry?: PendingEntry;
}

export function createLocalRing(): LocalRing {
  let slots = new Ring<Slot>();
  return {
    // The slot goes in now, so a clear meanwhile drops it; the answer waits for the id. Not waiting
    // saved a round trip to the primary, but then an exchange answered on one worker could get a
    // higher id than one a client sent to another worker after it had that answer: the journal
    // listed them out of order (seen in test/fleet.test.ts).
    keep(id, entry, capacity) {
      const slot: Slot = { ready: Promise.resolve() };
      slot.ready = id.then(
        (n) => void (slot.entry = entry(n)),
        () => undefined, // the store failed: nothing to list (the exchange's other store calls say so)
      );
      slots.push(slot, capacity);
      return slot.ready;
    },
    async select(filter) {
      await Promise.all(slots.toArray().map((s) => s.ready));
      // Read after the wait: a clear meanwhile empties `slots`; one kept meanwhile may still wait for its id.
      const kept = slots.toArray().flatMap((s) => (s.entry ? [s.entry] : []));
      return { ids: kept.map((e) => e.id), entries: selectEntries(kept, filter) };
    },
    clear() {
      slots = new Ring<Slot>();
    },
  };
}

/** The items of a ring (PendingEntry or sealed text, oldest first) that pass `filter`, as entries. */
export function selectEntries(items: readonly unknown[], filter: JournalFilter): JournalEntry[] {
  const status = statusTest(filter.status);
  const out: JournalEntry[] = [];
  for (const item of items) {
    const pending = item instanceof PendingEntry ? item : undefined;
    if (!pending && typeof item !== 'string') continue;
    // Each sealed entry starts `{"id":N,`: a poller asking for what is new parses only that.
    if (filter.after !== undefined && (pending ? pending.id : idOf(item as string)) <= filter.after) continue;
    const e = JSON.parse(pending ? pending.sealed() : (item as string)) as JournalEntry;
    if ((filter.session === undefined || e.session === filter.session) && (filter.provider === undefined || e.provider === filter.provider) && status(e.status)) out.push(e);
  }
  return out;
}

/** The id at the start of a sealed entry (`{"id":123,...`). */
function idOf(sealed: string): number {
  return Number(sealed.slice(6, sealed.indexOf(',', 6)));
}

/** `429` matches that status, `4xx` the class; anything else (or nothing) matches every entry. */
function statusTest(status: string | number | undefined): (s: number) => boolean {
  if (status === undefined || status === '') return () => true;
  const text = String(status);
  if (/^[1-5]xx$/i.test(text)) return (s) => Math.floor(s / 100) === Number(text[0]);
  return (s) => s === Number(text);
}
