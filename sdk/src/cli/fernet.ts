/**
 * The `fernet` command: one entry point for the project's long-running services, one subcommand per
 * role (DESIGN §12): `sequencer`, `prover`, `watcher` (sdk/src/services/), `farm-worker` (the
 * Redis prover farm) and `astria` (a local development stand-in for an Astria sequencer), each a {@link Command} in its own file, listed in {@link COMMANDS}.
 *
 * Conventions every subcommand follows: flags over environment variables (each documented in its
 * `--help`); JSON log lines on stdout (`{"time","level","msg",…}`); SIGINT or SIGTERM asks the command to
 * stop gracefully (its `signal` aborts) and it exits 0 once drained, a second signal exits at once
 * with 130; a usage error prints what is wrong and exits 2; a runtime failure exits 1.
 *
 * @example
 * ```sh
 * npx fernet --help
 * npx fernet farm-worker --redis redis://127.0.0.1:6379 --concurrency 2
 * ```
 */
import { astriaCommand } from "./astria";
import { EXIT, UsageError, type Command, type CommandIo } from "./command";
import { farmWorkerCommand } from "./farm-worker";
import { proverCommand } from "./prover";
import { sequencerCommand } from "./sequencer";
import { watcherCommand } from "./watcher";

export { EXIT, UsageError, type Command, type CommandIo } from "./command";

/**
 * The subcommands, by name.
 *
 * @example
 * ```ts
 * console.log(Object.keys(COMMANDS)); // ["farm-worker"]
 * ```
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  [farmWorkerCommand.name]: farmWorkerCommand,
  [watcherCommand.name]: watcherCommand,
  [proverCommand.name]: proverCommand,
  [sequencerCommand.name]: sequencerCommand,
  [astriaCommand.name]: astriaCommand,
};

/**
 * The top-level `fernet --help` text, listing {@link COMMANDS}.
 *
 * @example
 * ```ts
 * console.log(helpText());
 * ```
 */
export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    "Usage: fernet <command> [flags]",
    "",
    "Commands:",
    ...Object.values(COMMANDS).map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'fernet <command> --help' for a command's flags.",
    "SIGINT/SIGTERM stop a command gracefully (exit 0); a second signal exits at once (130).",
  ].join("\n");
}

/**
 * Runs `fernet` with `argv` (without `node` and the script), resolving with the exit code.
 *
 * @example
 * ```ts
 * const code = await main(["farm-worker", "--redis", "redis://127.0.0.1:6379"], { io, signal });
 * ```
 */
export async function main(
  argv: readonly string[],
  context: { readonly io: CommandIo; readonly signal: AbortSignal },
): Promise<number> {
  const { io } = context;
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (command === undefined) {
      throw new UsageError(
        `Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}.`,
      );
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(command.usage);
      return EXIT.ok;
    }
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`fernet: ${error.shortMessage}`);
      io.err(error.details);
      return EXIT.usage;
    }
    throw error;
  }
}

/**
 * The process entry (used by `bin/fernet.js`): wires stdout/stderr and signals, runs {@link main}
 * and exits with its code.
 *
 * @example
 * ```ts
 * run(process.argv.slice(2));
 * ```
 */
export function run(argv: readonly string[]): void {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const io: CommandIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  main(argv, { io, signal: controller.signal }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      io.err(`fernet: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(EXIT.failure);
    },
  );
}
