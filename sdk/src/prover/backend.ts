/**
 * Turns a finished proof tree into the proof bytes the rollup's `IProofVerifier` accepts. The farm
 * is agnostic of the verifier in use: it calls its {@link ProofBackend} once the root job is done.
 *
 * The shipped {@link MockProofBackend} serves the **NOT SOUND** `MockProofVerifier` stub; a real
 * proving backend (e.g. one producing UltraHonk proofs for the rollup circuit) implements the same
 * interface and replaces it without changes to the farm.
 *
 * @example
 * ```ts
 * const farm = new ProverFarm({ backend: new MockProofBackend(), workers: 2 });
 * const { proof, publicInputsHash } = await farm.prove(request);
 * await rollup.submitProof(headerTuple(header), proof); // accepted by MockProofVerifier only
 * ```
 */
import { mockProof, publicInputsHash, type Header } from "../hashing";

/**
 * What a backend receives: the statement (public inputs) and the farm's tree root.
 *
 * @example
 * ```ts
 * const proof = await backend.prove({ chainId, rollup, header, prover, publicInputsHash, treeRoot });
 * ```
 */
export interface ProofBackendInput {
  readonly chainId: bigint;
  /** The rollup contract's address. */
  readonly rollup: string;
  readonly header: Header;
  /** The prover the proof is bound to. */
  readonly prover: string;
  /** `publicInputsHash(chainId, rollup, header, prover)`, as the rollup computes it. */
  readonly publicInputsHash: string;
  /** Output of the tree's root job. */
  readonly treeRoot: string;
}

/**
 * Produces the final proof for a verifier.
 *
 * @example
 * ```ts
 * class HonkBackend implements ProofBackend {
 *   readonly name = "ultrahonk";
 *   readonly sound = true;
 *   async prove(input: ProofBackendInput): Promise<string> { ... }
 * }
 * ```
 */
export interface ProofBackend {
  /** Human-readable name, shown in logs and benchmarks. */
  readonly name: string;
  /** Whether its proofs are sound (false for stubs that anyone can forge). */
  readonly sound: boolean;
  /** The proof bytes (0x-prefixed hex) for `IProofVerifier.verify(proof, publicInputsHash)`. */
  prove(input: ProofBackendInput): Promise<string>;
}

/**
 * Backend of the **NOT SOUND** `MockProofVerifier` stub: returns `mockProof(publicInputsHash(...))`,
 * the one 32-byte "proof" that stub accepts for these public inputs. It proves nothing (anyone can
 * compute it) and only exercises the binding of proofs to chain, rollup, header and prover.
 * Never use it where a proof is meant to protect anything.
 *
 * @example
 * ```ts
 * const proof = await new MockProofBackend().prove(input);
 * assert.equal(await mockVerifier.verify(proof, input.publicInputsHash), true);
 * ```
 */
export class MockProofBackend implements ProofBackend {
  readonly name = "mock (NOT SOUND: for MockProofVerifier only)";
  readonly sound = false;

  async prove(input: ProofBackendInput): Promise<string> {
    return mockProof(publicInputsHash(input.chainId, input.rollup, input.header, input.prover));
  }
}
