/**
 * Structured logs of the services: one JSON object per line (`{"time","level","msg",...}`), bigints as
 * decimal strings, errors as their short message and name.
 *
 * @example
 * ```ts
 * const log = jsonLogger(io, { service: "watcher" });
 * log.info("poked", { height: 3n, tx: "0x..." });
 * ```
 */
import { FernetError } from "../errors";
import type { CommandIo } from "../cli/command";

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A JSON-lines logger. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * The one-line description of an error for a log field.
 *
 * @example
 * ```ts
 * log.warn("rpc-error", { error: describeError(e) });
 * ```
 */
export function describeError(error: unknown): string {
  if (error instanceof FernetError) return `${error.name}: ${error.shortMessage}`;
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error);
}

/**
 * A logger writing JSON lines to `io.out`, with `base` fields on every line.
 *
 * @example
 * ```ts
 * jsonLogger(io, { service: "prover" }, "debug").debug("tick", { height: 1n });
 * ```
 */
export function jsonLogger(io: CommandIo, base: Record<string, unknown>, level: LogLevel = "info"): Logger {
  const write = (at: LogLevel, msg: string, fields: Record<string, unknown> = {}): void => {
    if (RANK[at] < RANK[level]) return;
    const line = { time: new Date().toISOString(), level: at, msg, ...base, ...fields };
    io.out(JSON.stringify(line, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)));
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}
