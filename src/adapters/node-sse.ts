/**
 * Writes a streamed answer straight to a node:http response (Node only): no Web stream, no per-event
 * promise. The head and the first frames leave in one write; frames that fall due together are one
 * write; a paced stream holds at most one timer, armed for the next due frame; a full socket buffer
 * pauses the stream until it drains; a client that goes away stops the producer and the timer.
 */
import type { ServerResponse } from 'node:http';
import type { SseBody } from '../sse/body.js';
import { SseFrames, type SseStep } from '../sse/frames.js';

/**
 * Unpaced, frames are gathered up to this many characters per write: large enough that the syscall is
 * not the cost, small enough not to hold a whole long answer in one string.
 */
const WRITE_CHARS = 16 * 1024;

/** Settles once the response is over (finished, cut or abandoned by the client). */
export function writeSse(status: number, headers: Record<string, string>, body: SseBody, res: ServerResponse): Promise<void> {
  const frames = new SseFrames(body);
  // Headers are held until the first write, which carries them (one packet, not two).
  res.writeHead(status, headers);
  return new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let over = false;
    const stop = () => {
      if (over) return;
      over = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      res.off('drain', pump);
    };
    res.once('close', () => {
      // The client left before the end (or the server cut it): the producer must stop too.
      if (!over) {
        stop();
        void frames.cancel();
      }
      resolve();
    });
    const broke = () => {
      stop();
      res.destroy();
    };

    /** Handles one step; true when the next one may be taken at once. */
    const handle = (step: SseStep): boolean => {
      if (over) return false;
      if (step.end !== undefined) {
        stop();
        if (step.end === 'complete') {
          res.end(step.text);
          return false;
        }
        // Break only once what was written has left: destroying sooner would drop it.
        if (step.text) res.write(step.text, () => res.destroy());
        else if (res.writableLength > 0) res.once('drain', () => res.destroy());
        else res.destroy();
        return false;
      }
      let roomy = true;
      if (step.text) roomy = res.write(step.text);
      else if (!res.headersSent) res.flushHeaders(); // nothing due yet: the client still gets the head now
      if (step.wait > 0) {
        timer = setTimeout(pump, step.wait);
        return false;
      }
      if (!roomy) {
        res.once('drain', pump);
        return false;
      }
      return true;
    };

    function pump(): void {
      timer = undefined;
      while (!over) {
        let step: SseStep | Promise<SseStep>;
        try {
          step = frames.take(WRITE_CHARS);
        } catch {
          return broke();
        }
        if (step instanceof Promise) {
          step.then((s) => {
            if (handle(s)) pump();
          }, broke);
          return;
        }
        if (!handle(step)) return;
      }
    }
    pump();
  });
}
