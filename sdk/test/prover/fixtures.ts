/**
 * Shared inputs of the prover-farm tests: deterministic tx hashes, headers and prove requests.
 */
import { getAddress, id, keccak256, toBeHex } from "ethers";
import { buildHeader, publicInputsHash } from "../../src/hashing";
import type { ProveRequest } from "../../src/prover";

/** Chain id of the in-process Hardhat network. */
export const CHAIN_ID = 31337n;
/** A fixed rollup address (requests only; not a deployed contract). */
export const ROLLUP = getAddress("0x00000000000000000000000000000000000f3e70");
/** A fixed prover address. */
export const PROVER = getAddress("0x0000000000000000000000000000000000000b0b");
/** Small simulated work: fast tests, still real hashing. */
export const TEST_WORK = 20;

/** `count` distinct, deterministic tx hashes (`salt` varies the set). */
export function txHashesOf(count: number, salt = 0): string[] {
  return Array.from({ length: count }, (_, i) => keccak256(toBeHex((BigInt(salt) << 32n) + BigInt(i), 32)));
}

/** A consistent prove request for a block of `count` txs at `height`. */
export function requestFor(count: number, height = 1n, prover = PROVER): ProveRequest {
  const txHashes = txHashesOf(count, Number(height));
  const header = buildHeader({
    height,
    parentArchive: id(`archive-${height - 1n}`),
    archive: id(`archive-${height}`),
    txHashes,
    data: toBeHex(height, 32),
  });
  return { chainId: CHAIN_ID, rollup: ROLLUP, header, prover, txHashes };
}

/** The public-inputs hash of a request, as the rollup computes it. */
export function inputsHashOf(request: ProveRequest): string {
  return publicInputsHash(request.chainId, request.rollup, request.header, request.prover);
}

/** A 32-byte value that is not any fixture tx hash. */
export const OTHER_HASH = id("some other hash");

/** The error `promise` rejects with; throws if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

/** Waits (by event-loop ticks, not by time) until `condition` holds; the suite's timeout catches a hang. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
