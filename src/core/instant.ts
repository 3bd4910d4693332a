/** How rate-limit headers write an instant: RFC 3339, Unix seconds, or the time left as a duration. */
import type { InstantFormat } from './types.js';

let lastSecond = NaN;
let lastText = '';

/** `at` and `now` in epoch milliseconds (standin's clock). */
export function formatInstant(format: InstantFormat, at: number, now: number): string {
  switch (format) {
    case 'date-time': {
      // Whole seconds, rounded up so the instant is never before the budget is back (as the real headers).
      // An answer's resets mostly share one instant: the last one written is kept.
      const second = Math.ceil(at / 1000);
      if (second !== lastSecond) {
        lastSecond = second;
        lastText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      }
      return lastText;
    }
    case 'unix-seconds':
      return String(Math.ceil(at / 1000));
    case 'duration':
      return formatDuration(Math.max(0, at - now));
  }
}

/** OpenAI's form: `0s`, `850ms`, `6s`, `1m30s`, `4h59m0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return ms === 0 ? '0s' : `${Math.ceil(ms)}ms`;
  let seconds = Math.ceil(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
