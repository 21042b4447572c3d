/**
 * What every `fernet` subcommand is made of: the {@link Command} shape, exit codes and the usage error.
 *
 * @example
 * ```ts
 * import { EXIT, UsageError, type Command } from "./command";
 * ```
 */
import { FernetError } from "../errors";

/**
 * Exit codes of the `fernet` command.
 *
 * @example
 * ```ts
 * if ((await main(["nope"])) === EXIT.usage) console.error("bad command line");
 * ```
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * Where a command writes: one line at a time, stdout for logs and results, stderr for usage errors.
 *
 * @example
 * ```ts
 * const io: CommandIo = { out: (line) => lines.push(line), err: (line) => errors.push(line) };
 * ```
 */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/**
 * One `fernet` subcommand.
 *
 * @example
 * ```ts
 * const hello: Command = { name: "hello", summary: "says hello", usage: "fernet hello",
 *   run: async (_argv, { io }) => { io.out("hello"); return EXIT.ok; } };
 * ```
 */
export interface Command {
  readonly name: string;
  /** One line for `fernet --help`. */
  readonly summary: string;
  /** Its own `--help` text. */
  readonly usage: string;
  /**
   * Runs until done or until `signal` aborts (then stops gracefully); resolves with the exit code.
   * Throws {@link UsageError} for a bad command line.
   */
  run(argv: readonly string[], context: { readonly io: CommandIo; readonly signal: AbortSignal }): Promise<number>;
}

/**
 * A bad command line: unknown subcommand, unknown flag, missing or malformed value.
 *
 * @example
 * ```ts
 * throw new UsageError("--concurrency must be a whole number from 1 to 256 (got \"x\").");
 * ```
 */
export class UsageError extends FernetError {
  override name = "UsageError";
  constructor(message: string, readonly command?: string) {
    super(message, `Run 'fernet ${command === undefined ? "" : `${command} `}--help' for usage.`);
  }
}

