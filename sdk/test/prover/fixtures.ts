/**
 * Shared inputs of the prover-farm tests: deterministic tx hashes and work.
 */
import { id, keccak256, toBeHex } from "ethers";

/** Small simulated work: fast tests, still real hashing. */
export const TEST_WORK = 20;

/** `count` distinct, deterministic tx hashes (`salt` varies the set). */
export function txHashesOf(count: number, salt = 0): string[] {
  return Array.from({ length: count }, (_, i) => keccak256(toBeHex((BigInt(salt) << 32n) + BigInt(i), 32)));
}

/** A 32-byte value that is not any fixture tx hash. */
export const OTHER_HASH = id("some other hash");
