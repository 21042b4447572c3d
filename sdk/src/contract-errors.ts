/**
 * Decoding of contract reverts into typed SDK errors.
 *
 * @example
 * ```ts
 * try { await client.propose(header); }
 * catch (e) { if (e instanceof ContractRevertError && e.errorName === "Rollup__ProposalNotBetter") ... }
 * ```
 */
import { Interface, type InterfaceAbi } from "ethers";
import { FernetError } from "./errors";
import {
  AstriaLightClient__factory,
  AstriaSlasher__factory,
  FernetRollup__factory,
  FernetToken__factory,
  SequencerRegistry__factory,
} from "../../typechain-types";

/** What to do about each protocol error, by name. */
const HINTS: Record<string, string> = {
  Rollup__WrongPhase: "Read getHeightState(height) first and act only in the phase the action needs.",
  Rollup__NotEligible: "The sequencer must have been Active when the seed became known, and not be exiting.",
  Rollup__ProposalNotBetter: "A better-scored proposal exists; rank with rankSequencers() before proposing.",
  Rollup__WrongParent: "Build the header on top of rollup.archive().",
  Rollup__WrongHeight: "Only the pending height (tip + 1) can be acted on.",
  Rollup__InvalidQuoteSigner: "The quote must be signed by the winning proposer for this chain and rollup.",
  Rollup__InsufficientEscrow: "Deposit more into the prover escrow (deposit) or free locked bonds.",
  Rollup__QuoteExpired: "Ask the sequencer for a fresh quote.",
  Rollup__InvalidProof: "The proof must commit to publicInputsHash(header, committed prover).",
  Rollup__NothingToClaim: "Nothing has accrued to this account yet.",
  Registry__ExitDelayNotPassed: "Wait until exitableAt (getSequencer) before withdrawing.",
  Registry__AlreadyRegistered: "A key registers again only after withdrawing its previous stake.",
  ERC20InsufficientAllowance: "Approve (or permit) the contract to pull the tokens first.",
  ERC20InsufficientBalance: "The account holds fewer tokens than needed.",
};

/** A contract call reverted with a known custom error. */
export class ContractRevertError extends FernetError {
  override name = "ContractRevertError";
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    cause: unknown,
  ) {
    super(
      `Contract reverted with ${errorName}(${args.map((a) => String(a)).join(", ")}).`,
      HINTS[errorName] ?? "See the error's NatSpec in contracts/interfaces.",
      { cause },
    );
  }
}

/** A contract call failed for a reason the SDK could not decode. */
export class UnknownContractError extends FernetError {
  override name = "UnknownContractError";
  constructor(cause: unknown) {
    super("Contract call failed.", "Check the RPC connection, the signer's ETH balance and the contract address.", {
      cause,
    });
  }
}

/** Every contract of the suite whose custom errors the SDK names. */
const interfaces: Interface[] = [
  FernetRollup__factory.abi,
  SequencerRegistry__factory.abi,
  FernetToken__factory.abi,
  AstriaSlasher__factory.abi,
  AstriaLightClient__factory.abi,
].map((abi) => new Interface(abi as InterfaceAbi));

function revertData(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur; i++) {
    const o = cur as { data?: unknown; error?: unknown; info?: { error?: unknown } };
    if (typeof o.data === "string" && o.data.startsWith("0x")) return o.data;
    cur = o.error ?? o.info?.error;
  }
  return undefined;
}

/** Turns any error thrown by a contract call into a typed SDK error. */
export function decodeContractError(e: unknown): FernetError {
  if (e instanceof FernetError) return e;
  const data = revertData(e);
  if (data) {
    for (const iface of interfaces) {
      try {
        const parsed = iface.parseError(data);
        if (parsed) return new ContractRevertError(parsed.name, [...parsed.args], e);
      } catch {
        // not this ABI
      }
    }
  }
  return new UnknownContractError(e);
}

/** Runs `fn`, rethrowing failures as typed SDK errors. */
export async function decoded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw decodeContractError(e);
  }
}
