/**
 * Agents built on the SDK: a sequencer agent (rank, propose, sign quotes, reveal) and a prover agent
 * (deposit, commit, prove with a farm, submit before the deadline). They act when called; the caller
 * (a script, a test or a long-running service) decides when.
 *
 * @example
 * ```ts
 * const seq = new SequencerAgent(signer, rollup, registry);
 * if (await seq.shouldPropose(height)) await seq.propose(header, data);
 * ```
 */
import type { Signer } from "ethers";
import { RegistryClient, RollupClient } from "./clients";
import { FernetError } from "./errors";
import { blockHash, type Header } from "./hashing";
import type { Quote } from "./eip712";
import { rankSequencers } from "./ranking";
import { Phase } from "./types";
import { WrongPhaseError } from "./clients/errors";

export { WrongPhaseError } from "./clients/errors";

/**
 * Anything that turns a block into a proof for the verifier in use (the prover farm does).
 *
 * @example
 * ```ts
 * const prover: BlockProver = new ProverFarm({ backend: new MockProofBackend(), workers: 2 });
 * const agent = new ProverAgent(signer, rollupAddress, prover);
 * ```
 */
export interface BlockProver {
  prove(input: { chainId: bigint; rollup: string; header: Header; prover: string; txHashes: readonly string[] }): Promise<{
    proof: string;
  }>;
}

/**
 * A sequencer: ranks itself, proposes when it can win, signs quotes and reveals its data.
 *
 * @example
 * ```ts
 * const sequencer = new SequencerAgent(signer, rollupAddress, registryAddress);
 * if (await sequencer.shouldPropose(height)) await sequencer.propose(header, data);
 * ```
 */
export class SequencerAgent {
  readonly rollup: RollupClient;
  readonly registry: RegistryClient;
  private readonly blocks = new Map<bigint, { header: Header; data: string }>();

  constructor(
    readonly signer: Signer,
    rollupAddress: string,
    registryAddress: string,
  ) {
    this.rollup = new RollupClient(rollupAddress, signer);
    this.registry = new RegistryClient(registryAddress, signer);
  }

  /** Whether proposing for `height` now would beat the current best proposal. */
  async shouldPropose(height: bigint): Promise<boolean> {
    const me = await this.signer.getAddress();
    const state = await this.rollup.getHeightState(height);
    if (state.phase !== Phase.Proposal) return false;
    const ranking = await rankSequencers(this.rollup, this.registry, height);
    const mine = ranking.find((r) => r.sequencer === me);
    return !!mine && mine.score > state.bestScore;
  }

  /** Proposes `header` and remembers its data for the reveal. */
  async propose(header: Header, data: string): Promise<void> {
    await this.rollup.propose(header);
    this.blocks.set(header.height, { header, data });
  }

  /** Signs a quote for the winning block of `height` (must be this agent's). */
  async quote(height: bigint, prover: string, bond: bigint, proverRewardBps: bigint, validFor = 3_600n): Promise<{ quote: Quote; signature: string }> {
    const block = this.blocks.get(height);
    if (!block) throw new FernetError(`No proposal of this agent at height ${height}.`, "Propose first.");
    const latest = await this.signer.provider!.getBlock("latest");
    const quote: Quote = {
      height,
      blockHash: blockHash(block.header),
      prover,
      bond,
      proverRewardBps,
      validUntil: BigInt(latest!.timestamp) + validFor,
    };
    return { quote, signature: await this.rollup.signQuote(this.signer, quote) };
  }

  /** Reveals the data of this agent's block at `height`. */
  async reveal(height: bigint): Promise<void> {
    const block = this.blocks.get(height);
    if (!block) throw new FernetError(`No proposal of this agent at height ${height}.`, "Propose first.");
    await this.rollup.reveal(height, block.data);
  }
}

/**
 * A prover: keeps an escrow, commits to quotes, proves with a {@link BlockProver}, submits in time.
 *
 * @example
 * ```ts
 * const prover = new ProverAgent(signer, rollupAddress, farm);
 * await prover.commit(quote, signature);
 * await prover.proveAndSubmit(header, txHashes);
 * ```
 */
export class ProverAgent {
  readonly rollup: RollupClient;

  constructor(
    readonly signer: Signer,
    rollupAddress: string,
    private readonly farm: BlockProver,
  ) {
    this.rollup = new RollupClient(rollupAddress, signer);
  }

  /** Commits to `quote` (this agent must be the quoted prover). */
  async commit(quote: Quote, signature: string): Promise<void> {
    const state = await this.rollup.getHeightState(quote.height);
    if (state.phase !== Phase.Commitment) throw new WrongPhaseError("commit", state.phase, [Phase.Commitment], quote.height);
    await this.rollup.commitProver(quote, signature);
  }

  /** Proves `header` (with its tx hashes) and returns the proof bound to this prover. */
  async prove(header: Header, txHashes: readonly string[]): Promise<string> {
    const { chainId } = await this.signer.provider!.getNetwork();
    const { proof } = await this.farm.prove({
      chainId,
      rollup: this.rollup.address,
      header,
      prover: await this.signer.getAddress(),
      txHashes,
    });
    return proof;
  }

  /** Proves and submits the pending block; refuses after the proving deadline. */
  async proveAndSubmit(header: Header, txHashes: readonly string[]): Promise<void> {
    const proof = await this.prove(header, txHashes);
    const state = await this.rollup.getHeightState(header.height);
    // Proofs are accepted in the proving phase only: from the commitment deadline, before backup.
    if (state.phase !== Phase.Proving) throw new WrongPhaseError("submit a proof", state.phase, [Phase.Proving], header.height);
    await this.rollup.submitProof(header, proof);
  }

  /** In backup mode: proves a block as this agent and submits it with its data. */
  async submitBackup(header: Header, data: string, txHashes: readonly string[]): Promise<void> {
    const proof = await this.prove(header, txHashes);
    await this.rollup.submitBackupBlock(header, data, proof);
  }
}
