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

/** A prover quote, as `IFernetRollup.Quote`. */
export interface Quote {
  height: bigint;
  blockHash: string;
  prover: string;
  bond: bigint;
  proverRewardBps: bigint;
  validUntil: bigint;
}

/** The EIP-712 types of a quote. */
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

/** The rollup's EIP-712 domain: binds the chain and the contract, so quotes can't be replayed elsewhere. */
export function quoteDomain(chainId: bigint, rollup: string): TypedDataDomain {
  return { name: "FernetRollup", version: "1", chainId, verifyingContract: rollup };
}

/** The digest the sequencer signs (equals `FernetRollup.quoteDigest`). */
export function quoteDigest(domain: TypedDataDomain, quote: Quote): string {
  return TypedDataEncoder.hash(domain, QUOTE_TYPES, quote);
}

/** Signs `quote` with `signer` (the winning sequencer). */
export async function signQuote(signer: Signer, domain: TypedDataDomain, quote: Quote): Promise<string> {
  return signer.signTypedData(domain, QUOTE_TYPES, quote);
}
