/**
 * Typed errors of the Astria helpers, all {@link FernetError}s.
 *
 * @example
 * ```ts
 * try { rollupLeafProof(block, rollupId); }
 * catch (e) { if (e instanceof AstriaRollupNotInBlockError) console.error(e.details); }
 * ```
 */
import { FernetError } from "../errors";

/**
 * A rollup asked about has no txs in an Astria block (so it has no leaf there).
 *
 * @example
 * ```ts
 * try { rollupLeafProof(block, rollupId); } catch (e) { if (e instanceof AstriaRollupNotInBlockError) console.log(e.astriaHeight); }
 * ```
 */
export class AstriaRollupNotInBlockError extends FernetError {
  override name = "AstriaRollupNotInBlockError";
  constructor(
    readonly rollupId: string,
    readonly astriaHeight: bigint,
  ) {
    super(
      `Rollup ${rollupId} has no txs in Astria block ${astriaHeight}.`,
      "Ask for an absence proof instead, or pick a block that carries the rollup's txs.",
    );
  }
}

/**
 * A rollup has txs in an Astria block, so its absence cannot be proven.
 *
 * @example
 * ```ts
 * try { absenceProof(block, rollupId); } catch (e) { if (e instanceof AstriaRollupPresentError) console.log(e.rollupId); }
 * ```
 */
export class AstriaRollupPresentError extends FernetError {
  override name = "AstriaRollupPresentError";
  constructor(
    readonly rollupId: string,
    readonly astriaHeight: bigint,
  ) {
    super(
      `Rollup ${rollupId} has txs in Astria block ${astriaHeight}.`,
      "Only a block without the rollup's txs has an absence proof.",
    );
  }
}

/**
 * An index outside an RFC 6962 tree or a list of entries.
 *
 * @example
 * ```ts
 * try { astriaTxProof(block, rollupId, 99); } catch (e) { if (e instanceof AstriaIndexError) console.log(e.what, e.index, e.size); }
 * ```
 */
export class AstriaIndexError extends FernetError {
  override name = "AstriaIndexError";
  constructor(
    readonly what: string,
    readonly index: number,
    readonly size: number,
  ) {
    super(`${what} index ${index} is outside a list of ${size}.`, "Ask for an index below the size.");
  }
}

/**
 * Astria blocks given for a range are missing, repeated or out of order.
 *
 * @example
 * ```ts
 * try { topOfBlock(blocks, rollupId, 10n, 12n); } catch (e) { if (e instanceof AstriaRangeError) console.log(e.astriaStart, e.astriaEnd); }
 * ```
 */
export class AstriaRangeError extends FernetError {
  override name = "AstriaRangeError";
  constructor(
    readonly astriaStart: bigint,
    readonly astriaEnd: bigint,
    detail: string,
  ) {
    super(`Astria blocks do not cover [${astriaStart}, ${astriaEnd}) exactly once, in order.`, detail);
  }
}

/**
 * Not enough validators signed to reach more than 2/3 of the voting power.
 *
 * @example
 * ```ts
 * try { signDigest(wallets, set, digest, [0]); } catch (e) { if (e instanceof AstriaQuorumError) console.log(e.signedPower, e.totalPower); }
 * ```
 */
export class AstriaQuorumError extends FernetError {
  override name = "AstriaQuorumError";
  constructor(
    readonly signedPower: bigint,
    readonly totalPower: bigint,
  ) {
    super(
      `Signatures hold ${signedPower} of ${totalPower} voting power: not more than 2/3.`,
      "Sign with more validators (or more powerful ones).",
    );
  }
}

/**
 * No wallet was given for a validator asked to sign.
 *
 * @example
 * ```ts
 * try { signQuorum(wallets.slice(1), set, digest); } catch (e) { if (e instanceof AstriaSignerMissingError) console.log(e.signer); }
 * ```
 */
export class AstriaSignerMissingError extends FernetError {
  override name = "AstriaSignerMissingError";
  constructor(readonly signer: string) {
    super(`No wallet for validator ${signer}.`, "Pass the wallets of every validator that should sign.");
  }
}
