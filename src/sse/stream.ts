/**
 * A streamed answer as a Web `ReadableStream` (MSW, `fetch`, anything that takes a `Response`). Frames
 * are read on demand (pull), so each reaches the reader as it is made, paced as the body says; cancelling
 * the stream (a client that disconnects) stops the producer. The Node server does not come through here:
 * it writes the same `SseFrames` to its socket.
 */
import { CUT_DELAY_MS, sseBody, type PacedEvent, type SseBody, type SseStreamOptions } from './body.js';
import { SseFrames } from './frames.js';

export { ConnectionCut, CUT_DELAY_MS, type PacedEvent, type SseStreamOptions } from './body.js';

const encoder = new TextEncoder();
/** With no pacing, events are coalesced up to this many characters per chunk to spare reads. */
const COALESCE_CHARS = 4096;

export function createSseStream(events: Iterable<PacedEvent> | AsyncIterable<PacedEvent>, options: SseStreamOptions): ReadableStream<Uint8Array> {
  return sseReadableStream(sseBody(events, options));
}

export function sseReadableStream(body: SseBody): ReadableStream<Uint8Array> {
  const frames = new SseFrames(body);
  // Paced, each frame is its own chunk (as it would be its own packet); unpaced, they are coalesced.
  const limit = frames.paced ? 1 : COALESCE_CHARS;
  let cancelled = false;
  let breakWith: Error | undefined;
  // The pending wait, cleared when the client goes: a timer left behind would keep the process (and a
  // shutdown) waiting for a reader that no longer exists.
  let pause: { timer: ReturnType<typeof setTimeout>; wake: () => void } | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        pause = undefined;
        resolve();
      };
      pause = { timer: setTimeout(wake, ms), wake };
    });

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (breakWith) {
          // The frames before a cut were enqueued by the last pull; the break follows them.
          await sleep(CUT_DELAY_MS);
          if (!cancelled) controller.error(breakWith);
          return;
        }
        for (;;) {
          const taken = frames.take(limit);
          const step = taken instanceof Promise ? await taken : taken;
          if (cancelled) return;
          if (step.text) controller.enqueue(encoder.encode(step.text));
          if (step.end === 'cut') {
            if (step.text) breakWith = step.cut;
            else {
              await sleep(CUT_DELAY_MS);
              if (!cancelled) controller.error(step.cut);
            }
            return;
          }
          if (step.end) return controller.close();
          if (step.text) return;
          await sleep(step.wait);
          if (cancelled) return;
        }
      } catch (error) {
        if (!cancelled) controller.error(error);
      }
    },
    async cancel() {
      cancelled = true;
      if (pause) {
        clearTimeout(pause.timer);
        pause.wake();
      }
      await frames.cancel();
    },
  });
}
