/**
 * The chain follower every service runs: call `tick` every `intervalMs` until `signal` aborts. A
 * failing tick (RPC down, a node restarting) is logged and retried with exponential back-off, capped
 * at `maxBackoffMs`; the loop never dies of it. A tick in progress always finishes before the loop
 * returns, so a stop never cuts a transaction in half.
 *
 * @example
 * ```ts
 * await follow({ signal, intervalMs: 1000, log, tick: async () => { await watcher.step(); } });
 * ```
 */
import { describeError, type Logger } from "./log";

/** Options of {@link follow}. */
export interface FollowOptions {
  readonly signal: AbortSignal;
  readonly intervalMs: number;
  readonly log: Logger;
  readonly tick: () => Promise<void>;
  /** Called once, after the first tick that completed without an error. */
  readonly onSynced?: () => void;
  /** Back-off cap after failures (default 30 s). */
  readonly maxBackoffMs?: number;
}

/**
 * Resolves after `ms`, or as soon as `signal` aborts.
 *
 * @example
 * ```ts
 * await sleep(1000, signal);
 * ```
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Runs the loop described in the module header; resolves once `signal` aborted.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const loop = follow({ signal: controller.signal, intervalMs: 500, log, tick });
 * controller.abort(); await loop;
 * ```
 */
export async function follow(options: FollowOptions): Promise<void> {
  const { signal, intervalMs, log } = options;
  const cap = options.maxBackoffMs ?? 30_000;
  let failures = 0;
  let synced = false;
  while (!signal.aborted) {
    try {
      await options.tick();
      if (failures > 0) log.info("rpc-recovered", { after: failures });
      failures = 0;
      if (!synced) {
        synced = true;
        options.onSynced?.();
      }
    } catch (error) {
      failures += 1;
      log.warn("tick-failed", { error: describeError(error), failures });
    }
    const wait = failures === 0 ? intervalMs : Math.min(cap, intervalMs * 2 ** Math.min(failures, 16));
    await sleep(wait, signal);
  }
}
