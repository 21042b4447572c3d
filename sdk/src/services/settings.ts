/**
 * Command-line settings of the services: the flags every service shares (`--rpc`, `--deployment`,
 * `--keystore`, `--config`, `--interval-ms`, `--log-level`) plus its own, merged with the environment
 * and an optional JSON config file. Precedence: flag, then environment variable, then config file,
 * then the default. A config file is a JSON object whose keys are the flag names without the dashes
 * (`{"rpc": "http://…", "interval-ms": 500}`); service-specific sections (a prover's `pricing`) sit
 * next to them and are read by the service.
 *
 * @example
 * ```ts
 * const s = parseSettings("watcher", argv, process.env, {});
 * const url = s.required("rpc");
 * ```
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UsageError } from "../cli/command";
import type { LogLevel } from "./log";

/** One flag of a service. */
export interface FlagSpec {
  readonly type: "string" | "boolean";
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
}

/** The flags every service accepts. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  rpc: { type: "string", env: "FERNET_RPC_URL" },
  deployment: { type: "string", env: "FERNET_DEPLOYMENT" },
  keystore: { type: "string", env: "FERNET_KEYSTORE" },
  config: { type: "string", env: "FERNET_CONFIG" },
  "interval-ms": { type: "string" },
  "log-level": { type: "string" },
};

/** The `--help` lines of {@link COMMON_FLAGS}. */
export const COMMON_USAGE = `  --rpc <url>               JSON-RPC endpoint of the L1 [FERNET_RPC_URL]
  --deployment <file>       deployments/<network>.json written by npm run deploy [FERNET_DEPLOYMENT]
  --keystore <file>         encrypted JSON keystore; its password in FERNET_KEYSTORE_PASSWORD [FERNET_KEYSTORE]
                            (without it the key is read from FERNET_KEY, a 0x-prefixed private key)
  --config <file>           JSON config file: keys are these flag names without dashes [FERNET_CONFIG]
  --interval-ms <ms>        how often to read the chain (default 2000)
  --log-level <level>       debug | info | warn | error (default info)`;

/** Parsed settings of one service. */
export class Settings {
  constructor(
    readonly command: string,
    private readonly flags: Readonly<Record<string, string | boolean | undefined>>,
    private readonly env: NodeJS.ProcessEnv,
    private readonly specs: Readonly<Record<string, FlagSpec>>,
    /** The config file's object (`{}` without one). */
    readonly config: Readonly<Record<string, unknown>>,
    readonly configFile: string | undefined,
  ) {}

  /** A setting's raw value (flag, environment, config file), or undefined. */
  get(name: string): string | boolean | undefined {
    const flag = this.flags[name];
    if (flag !== undefined) return flag;
    const envName = this.specs[name]?.env;
    const fromEnv = envName === undefined ? undefined : this.env[envName];
    if (fromEnv !== undefined && fromEnv !== "") return this.specs[name]?.type === "boolean" ? fromEnv === "1" || fromEnv === "true" : fromEnv;
    const fromConfig = this.config[name];
    if (fromConfig === undefined || fromConfig === null) return undefined;
    if (typeof fromConfig === "string" || typeof fromConfig === "boolean") return fromConfig;
    if (typeof fromConfig === "number") return String(fromConfig);
    throw this.usage(`"${name}" in ${this.configFile} must be a string, a number or a boolean.`);
  }

  /** A string setting, or undefined. */
  string(name: string): string | undefined {
    const v = this.get(name);
    if (typeof v === "boolean") throw this.usage(`--${name} needs a value.`);
    return v;
  }

  /** A boolean setting (false when absent). */
  flag(name: string): boolean {
    const v = this.get(name);
    return v === true || v === "true" || v === "1";
  }

  /** A string setting that must be present. */
  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === "") {
      const env = this.specs[name]?.env;
      throw this.usage(`--${name} is required${env === undefined ? "" : ` (or set ${env})`}.`);
    }
    return v;
  }

  /** A whole-number setting within `[min, max]`, or `fallback`. */
  int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw this.usage(`--${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
    }
    return n;
  }

  /** A whole-number setting as a bigint (token amounts), or `fallback`. */
  bigint(name: string, fallback: bigint): bigint {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) throw this.usage(`--${name} must be a whole number of base units (got "${raw}").`);
    return BigInt(raw);
  }

  /** One of `choices`, or `fallback`. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (!(choices as readonly string[]).includes(raw)) throw this.usage(`--${name} must be one of ${choices.join(", ")} (got "${raw}").`);
    return raw as T;
  }

  /** The log level. */
  logLevel(): LogLevel {
    return this.choice("log-level", ["debug", "info", "warn", "error"] as const, "info");
  }

  /** A usage error of this command. */
  usage(message: string): UsageError {
    return new UsageError(message, this.command);
  }
}

/**
 * Parses `argv` with the common flags and `own` ones, reads the config file if one is named.
 *
 * @throws {@link UsageError} for an unknown flag, a missing value or an unreadable config file.
 * @example
 * ```ts
 * const s = parseSettings("prover", ["--rpc", url, "--port", "8080"], process.env, { port: { type: "string" } });
 * ```
 */
export function parseSettings(
  command: string,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  own: Readonly<Record<string, FlagSpec>>,
): Settings {
  const specs = { ...COMMON_FLAGS, ...own };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type }])),
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), command);
  }
  const configFile = (values.config as string | undefined) ?? (env.FERNET_CONFIG || undefined);
  let config: Record<string, unknown> = {};
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(configFile, "utf8");
    } catch (error) {
      throw new UsageError(`Can't read the config file ${configFile} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, command);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`The config file ${configFile} is not JSON (${error instanceof Error ? error.message : String(error)}).`, command);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`The config file ${configFile} must hold a JSON object.`, command);
    }
    config = parsed as Record<string, unknown>;
  }
  return new Settings(command, values, env, specs, config, configFile);
}
