import { setImmediate } from 'node:timers/promises';

/**
 * Lets the event loop run everything waiting (other requests, timers, I/O) before going on. Long
 * work in one request calls it between slices, so no single request stalls the others: a resolved
 * promise alone does not, since microtasks run before the loop takes any other work.
 */
export function yieldToEventLoop(): Promise<void> {
  return setImmediate();
}
