/**
 * Typed errors of the SDK. Every error the SDK throws is a {@link FernetError}: a short message
 * saying what was wrong, `details` saying what to do, and the underlying `cause` when there is one.
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

  constructor(shortMessage: string, details: string, options?: { cause?: unknown }) {
    super(details ? `${shortMessage}\n${details}` : shortMessage, options);
    this.shortMessage = shortMessage;
    this.details = details;
  }
}

/** A configuration preset name that does not exist. */
export class UnknownPresetError extends FernetError {
  override name = "UnknownPresetError";
  constructor(
    readonly preset: string,
    known: readonly string[],
  ) {
    super(`Unknown preset "${preset}".`, `Use one of: ${known.join(", ")}.`);
  }
}
