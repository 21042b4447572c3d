/**
 * EIP-712 prover quotes: the typed data a winning sequencer signs for a prover.
 *
 * @example
 * ```ts
 * const domain = quoteDomain(chainId, rollupAddress);
 * const signature = await signQuote(sequencerSigner, domain, quote);
 * ```
 */
import { TypedDataEncoder, type Signer, type TypedDataDomain } from "ethers";

/**
 * A prover quote, as `IFernetRollup.Quote`.
 *
 * @example
 * ```ts
 * const quote: Quote = { height, blockHash: blockHash(header), prover, bond, proverRewardBps: 2_000n, validUntil };
 * ```
 */
export interface Quote {
  height: bigint;
  blockHash: string;
  prover: string;
  bond: bigint;
  proverRewardBps: bigint;
  validUntil: bigint;
}

/**
 * The EIP-712 types of a quote.
 *
 * @example
 * ```ts
 * const digest = TypedDataEncoder.hash(quoteDomain(chainId, rollup), QUOTE_TYPES, quote);
 * ```
 */
export const QUOTE_TYPES = {
  Quote: [
    { name: "height", type: "uint256" },
    { name: "blockHash", type: "bytes32" },
    { name: "prover", type: "address" },
    { name: "bond", type: "uint256" },
    { name: "proverRewardBps", type: "uint256" },
    { name: "validUntil", type: "uint256" },
  ],
};

/**
 * The rollup's EIP-712 domain: binds the chain and the contract, so quotes can't be replayed elsewhere.
 *
 * @example
 * ```ts
 * const domain = quoteDomain(31337n, rollup.address);
 * ```
 */
export function quoteDomain(chainId: bigint, rollup: string): TypedDataDomain {
  return { name: "FernetRollup", version: "1", chainId, verifyingContract: rollup };
}

/**
 * The digest the sequencer signs (equals `FernetRollup.quoteDigest`).
 *
 * @example
 * ```ts
 * quoteDigest(domain, quote) === (await rollup.quoteDigest(quote)); // true
 * ```
 */
export function quoteDigest(domain: TypedDataDomain, quote: Quote): string {
  return TypedDataEncoder.hash(domain, QUOTE_TYPES, quote);
}

/**
 * Signs `quote` with `signer` (the winning sequencer).
 *
 * @example
 * ```ts
 * const signature = await signQuote(proposer, quoteDomain(chainId, rollup.address), quote);
 * await asProver.rollup.commitProver(quote, signature);
 * ```
 */
export async function signQuote(signer: Signer, domain: TypedDataDomain, quote: Quote): Promise<string> {
  return signer.signTypedData(domain, QUOTE_TYPES, quote);
}
