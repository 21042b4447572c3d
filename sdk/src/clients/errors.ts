/**
 * Typed errors the clients throw *before* sending a transaction, when what the SDK can read already
 * says the contract would refuse it (wrong phase, not eligible, beaten score, too little escrow, a bad
 * quote...), and the errors of {@link connect}. All are {@link FernetError}s with an actionable `details`.
 *
 * @example
 * ```ts
 * try { await fernet.rollup.propose(header); }
 * catch (e) { if (e instanceof NotEligibleError) console.log(Eligibility[e.reason]); }
 * ```
 */
import { FernetError } from "../errors";
import { BackupReason, Eligibility, Phase, SequencerStatus } from "../types";

/**
 * An action was asked for in a phase where the protocol refuses it.
 *
 * @example
 * ```ts
 * if (e instanceof WrongPhaseError) console.log(Phase[e.phase], "->", e.expected.map((p) => Phase[p]));
 * ```
 */
export class WrongPhaseError extends FernetError {
  override name = "WrongPhaseError";
  constructor(
    readonly action: string,
    readonly phase: Phase,
    readonly expected: readonly Phase[] = [],
    readonly height?: bigint,
  ) {
    super(
      `Can't ${action} in phase ${Phase[phase]}${height === undefined ? "" : ` (height ${height})`}.`,
      expected.length > 0
        ? `Wait for phase ${expected.map((p) => Phase[p]).join(" or ")} (RollupClient.getHeightState).`
        : "Wait for the right phase (RollupClient.getHeightState).",
    );
  }
}

/**
 * The write needs a signer, but the client was connected with a provider only.
 *
 * @example
 * ```ts
 * new RollupClient(address, provider).deposit(1n); // rejects with NoSignerError
 * ```
 */
export class NoSignerError extends FernetError {
  override name = "NoSignerError";
  constructor(readonly action: string) {
    super(`Can't ${action} without a signer.`, "Connect the client with an ethers Signer (e.g. a Wallet with a provider), not a bare Provider.");
  }
}

/**
 * Only the pending height (tip + 1) can be acted on.
 *
 * @example
 * ```ts
 * if (e instanceof WrongHeightError) console.log(`pending is ${e.expected}`);
 * ```
 */
export class WrongHeightError extends FernetError {
  override name = "WrongHeightError";
  constructor(
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super(`Height ${actual} is not the pending height ${expected}.`, "Build for rollup.pendingHeight().");
  }
}

/**
 * The header does not extend the tip.
 *
 * @example
 * ```ts
 * if (e instanceof WrongParentError) header.parentArchive = e.expected;
 * ```
 */
export class WrongParentError extends FernetError {
  override name = "WrongParentError";
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The header's parentArchive ${actual} is not the tip's archive ${expected}.`, "Build the header on top of rollup.archive().");
  }
}

/** Hints per eligibility reason. */
const ELIGIBILITY_HINTS: Record<Eligibility, string> = {
  [Eligibility.Eligible]: "",
  [Eligibility.Unregistered]: "Register the key first (registry.register), then wait the entry delay and for a seed fixed after it.",
  [Eligibility.RegisteredAfterSeed]: "The key registered after this height's seed was known; it is eligible only for seeds fixed after it became Active.",
  [Eligibility.Queued]: "The key was still in its entry delay when the seed became known; wait for a later height.",
  [Eligibility.Exiting]: "An exiting key can't propose any more.",
  [Eligibility.Ejected]: "The key was slashed below the minimum stake and ejected.",
};

/**
 * The sender may not propose for this height, with the registry's reason.
 *
 * @example
 * ```ts
 * if (e instanceof NotEligibleError && e.reason === Eligibility.Queued) await waitForNextHeight();
 * ```
 */
export class NotEligibleError extends FernetError {
  override name = "NotEligibleError";
  constructor(
    readonly sequencer: string,
    readonly height: bigint,
    readonly seedKnownAt: bigint,
    readonly reason: Eligibility,
  ) {
    super(`${sequencer} is not eligible for height ${height}: ${Eligibility[reason]}.`, ELIGIBILITY_HINTS[reason]);
  }
}

/**
 * A proposal would not beat the best one already made.
 *
 * @example
 * ```ts
 * if (e instanceof ScoreBeatenError) console.log(e.score, "<=", e.bestScore);
 * ```
 */
export class ScoreBeatenError extends FernetError {
  override name = "ScoreBeatenError";
  constructor(
    readonly height: bigint,
    readonly score: bigint,
    readonly bestScore: bigint,
  ) {
    super(`Score ${score} does not beat the best proposal's ${bestScore} at height ${height}.`, "Don't propose: a better-ranked sequencer already did.");
  }
}

/**
 * The prover's free escrow balance is too small.
 *
 * @example
 * ```ts
 * if (e instanceof InsufficientEscrowError) await rollup.deposit(e.needed - e.free);
 * ```
 */
export class InsufficientEscrowError extends FernetError {
  override name = "InsufficientEscrowError";
  constructor(
    readonly prover: string,
    readonly free: bigint,
    readonly needed: bigint,
  ) {
    super(`Free escrow of ${prover} is ${free}, ${needed} is needed.`, "Deposit more (rollup.deposit) or wait until locked bonds are released.");
  }
}

/**
 * Why a quote can't be committed.
 *
 * @example
 * ```ts
 * if (e instanceof InvalidQuoteError && e.problem === "expired") quote = await freshQuote();
 * ```
 */
export type QuoteProblem = "expired" | "bond-too-low" | "bond-too-high" | "reward-share-too-high" | "wrong-block" | "wrong-signer" | "not-quoted-prover";

const QUOTE_HINTS: Record<QuoteProblem, string> = {
  expired: "Ask the sequencer for a fresh quote (validUntil is in the past).",
  "bond-too-low": "The bond must be at least rollup.getConfig().minimumProverBond.",
  "bond-too-high": "The bond must fit 96 bits (at most 2^96 - 1 base units).",
  "reward-share-too-high": "proverRewardBps must be at most 10,000.",
  "wrong-block": "The quote must be for the current best proposal (getHeightState(height).record.blockHash).",
  "wrong-signer": "The quote must be signed by the winning proposer for this chain and rollup (rollup.signQuote).",
  "not-quoted-prover": "Send commitProver from quote.prover's signer.",
};

/**
 * A quote the rollup would refuse.
 *
 * @example
 * ```ts
 * if (e instanceof InvalidQuoteError && e.problem === "expired") await askForANewQuote();
 * ```
 */
export class InvalidQuoteError extends FernetError {
  override name = "InvalidQuoteError";
  constructor(
    readonly problem: QuoteProblem,
    message: string,
  ) {
    super(message, QUOTE_HINTS[problem]);
  }
}

/**
 * A header that counts more txs than the rollup accepts.
 *
 * @example
 * ```ts
 * if (e instanceof TooManyTxsError) console.log(`split the block: at most ${e.max} txs`);
 * ```
 */
export class TooManyTxsError extends FernetError {
  override name = "TooManyTxsError";
  constructor(
    readonly txCount: bigint,
    readonly max: bigint,
  ) {
    super(`The header counts ${txCount} txs; the rollup takes at most ${max}.`, "Split the txs over more blocks.");
  }
}

/**
 * Only the best proposer may reveal (or sign for) a height.
 *
 * @example
 * ```ts
 * if (e instanceof NotProposerError) console.log(`the proposer is ${e.proposer}`);
 * ```
 */
export class NotProposerError extends FernetError {
  override name = "NotProposerError";
  constructor(
    readonly caller: string,
    readonly proposer: string,
  ) {
    super(`${caller} is not the best proposer ${proposer}.`, "Reveal from the signer that made the best proposal.");
  }
}

/**
 * The data or header given does not match what the rollup stores for the height.
 *
 * @example
 * ```ts
 * if (e instanceof BlockMismatchError) console.log(e.field, e.expected, e.actual);
 * ```
 */
export class BlockMismatchError extends FernetError {
  override name = "BlockMismatchError";
  constructor(
    readonly field: "dataHash" | "blockHash",
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `The ${field} ${actual} is not the best proposal's ${expected}.`,
      field === "dataHash" ? "Reveal exactly the data the header committed to (encodeBlockData)." : "Use the header of the best proposal (its BlockProposed event).",
    );
  }
}

/**
 * Nothing to settle: the height is not in backup for the fault this call punishes, or already settled.
 *
 * @example
 * ```ts
 * if (e instanceof NothingToSettleError) console.log(BackupReason[e.actual]);
 * ```
 */
export class NothingToSettleError extends FernetError {
  override name = "NothingToSettleError";
  constructor(
    readonly height: bigint,
    readonly expected: BackupReason,
    readonly actual: BackupReason,
    readonly settled: boolean,
  ) {
    super(
      settled ? `Height ${height} is already settled.` : `Height ${height} is not in backup for ${BackupReason[expected]} (reason: ${BackupReason[actual]}).`,
      "Read getHeightState(height).backupReason and call the settlement that matches it.",
    );
  }
}

/**
 * The account has nothing to claim.
 *
 * @example
 * ```ts
 * if (!(e instanceof NothingToClaimError)) throw e;
 * ```
 */
export class NothingToClaimError extends FernetError {
  override name = "NothingToClaimError";
  constructor(readonly account: string) {
    super(`${account} has no rewards to claim.`, "Rewards accrue when a block you proposed, proved or submitted is finalized (rollup.rewardsOf).");
  }
}

/**
 * The token allowance or balance is too small for the transfer a write makes.
 *
 * @example
 * ```ts
 * if (e instanceof InsufficientTokensError && e.kind === "allowance") await token.approve(e.spender, e.needed);
 * ```
 */
export class InsufficientTokensError extends FernetError {
  override name = "InsufficientTokensError";
  constructor(
    readonly kind: "allowance" | "balance",
    readonly owner: string,
    readonly spender: string,
    readonly available: bigint,
    readonly needed: bigint,
  ) {
    super(
      kind === "allowance" ? `${owner} allows ${spender} only ${available} of the ${needed} tokens needed.` : `${owner} holds ${available} tokens, ${needed} are needed.`,
      kind === "allowance" ? "Approve the contract first (TokenClient.approve or ensureAllowance)." : "Get more tokens to the account first.",
    );
  }
}

/**
 * A registry write the key's status does not allow.
 *
 * @example
 * ```ts
 * if (e instanceof SequencerStatusError) console.log(SequencerStatus[e.status]);
 * ```
 */
export class SequencerStatusError extends FernetError {
  override name = "SequencerStatusError";
  constructor(
    readonly action: string,
    readonly sequencer: string,
    readonly status: SequencerStatus,
    details: string,
  ) {
    super(`Can't ${action} ${sequencer}: its status is ${SequencerStatus[status]}.`, details);
  }
}

/**
 * The account may not act for this sequencer (needs the key or its withdrawer).
 *
 * @example
 * ```ts
 * if (e instanceof NotAuthorisedError) console.log(e.caller);
 * ```
 */
export class NotAuthorisedError extends FernetError {
  override name = "NotAuthorisedError";
  constructor(
    readonly action: string,
    readonly caller: string,
    readonly allowed: readonly string[],
  ) {
    super(`${caller} may not ${action}.`, `Send it from ${allowed.join(" or ")}.`);
  }
}

/**
 * The network the runner is connected to is not the deployment's.
 *
 * @example
 * ```ts
 * if (e instanceof ChainMismatchError) console.log(`expected chain ${e.expected}, got ${e.actual}`);
 * ```
 */
export class ChainMismatchError extends FernetError {
  override name = "ChainMismatchError";
  constructor(
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super(`The deployment is on chain ${expected}, the provider is on chain ${actual}.`, "Point the provider's RPC URL at the deployment's network, or load that network's deployments/<network>.json.");
  }
}

/**
 * No contract code at one or more deployment addresses.
 *
 * @example
 * ```ts
 * if (e instanceof NoCodeError) console.log(e.missing); // [{ name: "rollup", address: "0x..." }]
 * ```
 */
export class NoCodeError extends FernetError {
  override name = "NoCodeError";
  constructor(readonly missing: readonly { name: string; address: string }[]) {
    super(
      `No contract code at ${missing.map((m) => `${m.name} (${m.address})`).join(", ")}.`,
      "The node may have restarted since the deployment (hardhat node forgets it): deploy again (npm run deploy -- --network <network>) or fix the addresses.",
    );
  }
}

/**
 * The deployment's contracts are not wired to each other: a contract points at another address than
 * the deployment names for that role (e.g. the rollup's registry is not the deployment's registry).
 *
 * @example
 * ```ts
 * if (e instanceof WiringMismatchError) for (const m of e.mismatches) console.log(`${m.contract}.${m.field}: ${m.actual}, not ${m.expected}`);
 * ```
 */
export class WiringMismatchError extends FernetError {
  override name = "WiringMismatchError";
  constructor(readonly mismatches: readonly { contract: string; field: string; expected: string; actual: string }[]) {
    super(
      `The deployment's contracts are not wired to each other: ${mismatches.map((m) => `${m.contract}.${m.field} is ${m.actual}, the deployment names ${m.expected}`).join("; ")}.`,
      "The file mixes addresses of different deployments: take them all from one deployments/<network>.json (or deploy again).",
    );
  }
}

/**
 * The deployment object or file is not usable.
 *
 * @example
 * ```ts
 * await connect("deployments/nowhere.json", provider); // rejects with InvalidDeploymentError
 * ```
 */
export class InvalidDeploymentError extends FernetError {
  override name = "InvalidDeploymentError";
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`Invalid deployment: ${problem}.`, "Pass a deployments/<network>.json path or object (written by npm run deploy), or { chainId?, contracts: { registry, rollup, token, ... } }.", options);
  }
}
