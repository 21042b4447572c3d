/**
 * Typed errors of the SDK. Every error the SDK throws is a {@link FernetError}, shaped like viem's
 * `BaseError`: a `shortMessage` saying what was wrong, `details` saying what to do, the underlying
 * `cause` when there is one, and {@link FernetError.walk} to find the deepest (or a matching) cause.
 *
 * @example
 * ```ts
 * try { await rollup.propose(header); }
 * catch (e) { if (e instanceof FernetError) console.error(e.shortMessage, e.details); }
 * ```
 */
export class FernetError extends Error {
  override name = "FernetError";
  /** The message without details. */
  readonly shortMessage: string;
  /** What to do about it. */
  readonly details: string;
  /** Extra lines (values that explain the error), shown in `message` after the details. */
  readonly metaMessages: readonly string[];

  constructor(shortMessage: string, details: string, options?: { cause?: unknown; metaMessages?: readonly string[] }) {
    const meta = options?.metaMessages ?? [];
    super([shortMessage, details, ...meta].filter((s) => s.length > 0).join("\n"), options?.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = details;
    this.metaMessages = meta;
  }

  /**
   * Walks the `cause` chain from this error. Without `fn`, returns the deepest cause; with `fn`,
   * returns the first error in the chain (this one included) for which `fn` is true, or `null`.
   *
   * @example
   * ```ts
   * const revert = error.walk((e) => e instanceof ContractRevertError);
   * ```
   */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walk(this, fn);
  }
}

/**
 * Walks the `cause` chain of any error (see {@link FernetError.walk}).
 *
 * @example
 * ```ts
 * const deepest = walk(error);
 * ```
 */
export function walk(err: unknown, fn?: (err: unknown) => boolean): unknown {
  let cur: unknown = err;
  const seen = new Set<unknown>();
  while (cur !== undefined && cur !== null && !seen.has(cur)) {
    seen.add(cur);
    if (fn?.(cur)) return cur;
    const next = (cur as { cause?: unknown }).cause;
    if (next === undefined || next === null) break;
    cur = next;
  }
  return fn ? null : cur;
}

/**
 * A configuration preset name that does not exist.
 *
 * @example
 * ```ts
 * getPreset("testnet"); // throws UnknownPresetError: Use one of: local, mainnet-like.
 * ```
 */
export class UnknownPresetError extends FernetError {
  override name = "UnknownPresetError";
  constructor(
    readonly preset: string,
    known: readonly string[],
  ) {
    super(`Unknown preset "${preset}".`, `Use one of: ${known.join(", ")}.`);
  }
}
