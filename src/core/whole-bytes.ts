/**
 * A byte stream whose every byte is known when it is made (a recording replayed at once): one chunk,
 * then its end, or a break a moment later. It tells its watchers (the journal) the chunk and the end
 * itself, so watching it costs no second stream: in Node 20 each `ReadableStream` made costs ~5 µs
 * (`makeTransferable`), and a wrapper stream per replayed answer had put replay below synthesis in
 * `bench/replay.js`. Web APIs only.
 */

/** How a stream ended, as a watcher is told. */
export type BytesEnd = 'complete' | 'cancelled' | 'error';

export interface BytesWatcher {
  /** A chunk about to be handed to the reader (who may keep or overwrite it: copy what is kept). */
  chunk(bytes: Uint8Array): void;
  /** Called once; the end reaches the reader only after a returned promise settles. */
  end(how: BytesEnd, error?: string): void | Promise<void>;
}

const WATCH: unique symbol = Symbol('standin.watchBytes');

type Watchable = ReadableStream<Uint8Array> & { [WATCH]?: (watcher: BytesWatcher) => void };

/**
 * `bytes` as one chunk. With `breakOff`, the stream then errors with the error it settles to (a
 * truncated recording breaks off as it did on the wire), instead of closing.
 */
export function wholeBytesStream(bytes: Uint8Array, breakOff?: () => Promise<Error>): ReadableStream<Uint8Array> {
  const watchers: BytesWatcher[] = [];
  let sent = false;
  let ended = false;
  const tell = async (how: BytesEnd, error?: string): Promise<void> => {
    if (ended) return;
    ended = true;
    for (const watcher of watchers) {
      try {
        await watcher.end(how, error);
      } catch {
        // A watcher's failure must not break the stream it watches.
      }
    }
  };
  const stream: Watchable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        for (const watcher of watchers) watcher.chunk(bytes);
        controller.enqueue(bytes);
        return;
      }
      if (!breakOff) {
        await tell('complete');
        controller.close();
        return;
      }
      const error = await breakOff();
      await tell('error', error.message);
      controller.error(error);
    },
    cancel: () => tell('cancelled'),
  });
  stream[WATCH] = (watcher) => void watchers.push(watcher);
  return stream;
}

/** How to watch a stream that tells its watchers itself (`wholeBytesStream`); undefined for any other. */
export function watchBytes(body: ReadableStream<Uint8Array>): ((watcher: BytesWatcher) => void) | undefined {
  return (body as Watchable)[WATCH];
}
