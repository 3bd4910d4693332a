/**
 * A ring of packed exchanges (exchange-record.ts) kept as UTF-8 bytes, with no JavaScript object per
 * exchange: the texts go one after another into large chunks (Uint8Array, outside the collector's heap
 * but for the chunk itself), and where each lies is kept in typed arrays. Under load the journal keeps
 * a thousand exchanges alive; kept as objects, every one was copied twice by the young-generation
 * collector, promoted, and marked again until it was dropped. Measured with the lean yardstick
 * (bench/lean-server.js, server CPU per request, 7 alternating rounds): a ring of 1,000 objects cost
 * ~9 µs over none, one object and a byte view per exchange as much, bytes indexed by typed arrays ~2 µs.
 *
 * A chunk is let go once the oldest exchange kept lies past it. The ring keeps at most `capacity`
 * exchanges and at most `maxBytes` of text (the oldest go first; the newest is always kept).
 */

/** Bytes of a chunk; a text that may need more gets a chunk of its own, exactly its size. */
const CHUNK_BYTES = 1 << 20;
/** Packed text kept at most by default (bytes): a thousand streams of a few MB each would not fit in memory. */
export const MAX_KEPT_BYTES = 256 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class PackedRing {
  /** Per slot: the exchange's id, its chunk's number, where its bytes start, how many there are. */
  private ids = new Float64Array(0);
  private chunkOf = new Float64Array(0);
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  /** The oldest slot, and how many are kept. */
  private head = 0;
  private count = 0;
  /** The chunks still holding kept bytes, oldest first; `firstChunk` is the number of `chunks[0]`. */
  private chunks: Uint8Array[] = [];
  private firstChunk = 0;
  /** Bytes written into the newest chunk, and the bytes of every chunk. */
  private used = 0;
  private bytes = 0;
  /** A chunk let go, to be written over instead of allocating (and zero-filling) a new one. */
  private spare: Uint8Array | undefined;

  constructor(private readonly maxBytes = MAX_KEPT_BYTES) {}

  /** Bytes of the chunks held (kept texts, and the room left around them). */
  get heldBytes(): number {
    return this.bytes;
  }

  /**
   * Keeps `packed` (and the bytes of `tail` after it) under `id`, then drops the oldest until at most
   * `capacity` (and `maxBytes`) are kept.
   */
  push(id: number, packed: string, capacity: number, tail?: Uint8Array): void {
    if (capacity < 1) return;
    if (capacity > this.ids.length) this.grow(capacity);
    while (this.count >= capacity) this.dropOldest();
    const { start, length } = this.write(packed, tail);
    const slot = (this.head + this.count) % this.ids.length;
    this.ids[slot] = id;
    this.chunkOf[slot] = this.firstChunk + this.chunks.length - 1;
    this.starts[slot] = start;
    this.lengths[slot] = length;
    this.count++;
    while (this.bytes > this.maxBytes && this.count > 1) this.dropOldest();
  }

  /** The ids kept, oldest first. */
  keptIds(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.ids[(this.head + i) % this.ids.length]!);
    return out;
  }

  /** Each kept exchange with an id above `after`, oldest first, with its packed text. */
  read(after = -Infinity): { id: number; packed: string }[] {
    const out: { id: number; packed: string }[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.ids.length;
      const id = this.ids[slot]!;
      if (id <= after) continue;
      const chunk = this.chunks[this.chunkOf[slot]! - this.firstChunk]!;
      const start = this.starts[slot]!;
      out.push({ id, packed: decoder.decode(chunk.subarray(start, start + this.lengths[slot]!)) });
    }
    return out;
  }

  clear(): void {
    this.head = this.count = this.used = this.bytes = 0;
    this.firstChunk += this.chunks.length;
    this.chunks = [];
  }

  /** Writes the text (and tail) after the last one, in a new chunk where it may not fit. */
  private write(packed: string, tail: Uint8Array | undefined): { start: number; length: number } {
    const tailBytes = tail ? tail.length : 0;
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const most = packed.length * 3 + tailBytes;
    let chunk = this.chunks[this.chunks.length - 1];
    if (!chunk || this.used + most > chunk.length) {
      if (most > CHUNK_BYTES) {
        const text = encoder.encode(packed);
        chunk = new Uint8Array(text.length + tailBytes);
        chunk.set(text);
        if (tail) chunk.set(tail, text.length);
        this.addChunk(chunk);
        this.used = chunk.length; // full: the next text starts a new chunk
        return { start: 0, length: chunk.length };
      }
      chunk = this.spare ?? new Uint8Array(CHUNK_BYTES);
      this.spare = undefined;
      this.addChunk(chunk);
      this.used = 0;
    }
    const start = this.used;
    let { written } = encoder.encodeInto(packed, chunk.subarray(start));
    if (tail) {
      chunk.set(tail, start + written);
      written += tailBytes;
    }
    this.used += written;
    return { start, length: written };
  }

  private addChunk(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  private dropOldest(): void {
    this.head = (this.head + 1) % this.ids.length;
    this.count--;
    // Chunks before the oldest kept exchange's are let go; the newest chunk stays to be written on.
    const keepFrom = this.count > 0 ? this.chunkOf[this.head]! : this.firstChunk + this.chunks.length - 1;
    while (this.firstChunk < keepFrom) {
      const gone = this.chunks.shift()!;
      this.firstChunk++;
      this.bytes -= gone.length;
      if (gone.length === CHUNK_BYTES) this.spare = gone;
    }
  }

  /** Room for `capacity` slots, the kept ones moved to the front in order. */
  private grow(capacity: number): void {
    const moved = <T extends Float64Array | Int32Array>(from: T, to: T): T => {
      for (let i = 0; i < this.count; i++) to[i] = from[(this.head + i) % from.length]!;
      return to;
    };
    this.ids = moved(this.ids, new Float64Array(capacity));
    this.chunkOf = moved(this.chunkOf, new Float64Array(capacity));
    this.starts = moved(this.starts, new Int32Array(capacity));
    this.lengths = moved(this.lengths, new Int32Array(capacity));
    this.head = 0;
  }
}
