import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Wallet, ZeroHash } from "ethers";
import {
  AstriaQuorumError,
  AstriaSignerMissingError,
  buildAstriaBlock,
  headerDigest,
  signDigest,
  signQuorum,
  validatorSet,
  validatorSetHash,
  validatorSetUpdateDigest,
  type AstriaHeader,
  type Validator,
} from "../../sdk/src/astria";
import { ASTRIA_CHAIN_ID, OTHER_ROLLUPS, ROLLUP_ID, validatorWallets } from "./helpers/world";

const POWER = 10n;
/** `activeUntil` of the current set (`AstriaLightClient.OPEN_RANGE`). */
const OPEN = 2n ** 64n - 1n;

function header(height: bigint, tag = "a"): AstriaHeader {
  return buildAstriaBlock({
    chainId: ASTRIA_CHAIN_ID,
    height,
    time: 1_700_000_000n + height,
    proposerAddress: "0x" + "ab".repeat(20),
    rollups: [
      { rollupId: ROLLUP_ID, txs: [ethers.hexlify(ethers.toUtf8Bytes(`${tag}${height}`))] },
      { rollupId: OTHER_ROLLUPS[1], txs: ["0x01"] },
    ],
  }).header;
}

function makeSet(wallets: Wallet[], powers?: bigint[]): Validator[] {
  return validatorSet(wallets.map((w, i) => ({ signer: w.address, votingPower: powers?.[i] ?? POWER })));
}

async function fixture() {
  const wallets = validatorWallets(4);
  const set = makeSet(wallets);
  const lightClient = await ethers.deployContract("AstriaLightClient", [ASTRIA_CHAIN_ID, set, 1n]);
  const next = validatorWallets(3, "next");
  const nextSet = makeSet(next);
  return { lightClient, wallets, set, next, nextSet };
}

/** Deploy with an explicit set (for constructor checks and weighted sets). */
async function deploy(set: Validator[], chainId = ASTRIA_CHAIN_ID, from = 1n) {
  return ethers.deployContract("AstriaLightClient", [chainId, set, from]);
}

describe("AstriaLightClient", () => {
  describe("constructor", () => {
    it("stores the chain id and the genesis set, and publishes the set", async () => {
      const { lightClient, set } = await loadFixture(fixture);
      expect(await lightClient.astriaChainId()).to.equal(ASTRIA_CHAIN_ID);
      const [setId, setHash, activeFrom] = await lightClient.currentValidatorSet();
      expect([setId, setHash, activeFrom]).to.deep.equal([0n, validatorSetHash(set), 1n]);
      expect(await lightClient.hashValidatorSet(set)).to.equal(validatorSetHash(set));
      expect(await lightClient.latestHeight()).to.equal(0n);
      await expect(lightClient.deploymentTransaction())
        .to.emit(lightClient, "ValidatorSetUpdated")
        .withArgs(0n, 1n, validatorSetHash(set), 4n * POWER, set.map((v) => [v.signer, v.votingPower]));
    });

    it("refuses an empty chain id, height zero and an empty set", async () => {
      const { lightClient, set } = await loadFixture(fixture);
      await expect(deploy(set, "")).to.be.revertedWithCustomError(lightClient, "AstriaLightClient__EmptyChainId");
      await expect(deploy(set, ASTRIA_CHAIN_ID, 0n)).to.be.revertedWithCustomError(
        lightClient,
        "AstriaLightClient__ZeroHeight",
      );
      await expect(deploy([])).to.be.revertedWithCustomError(lightClient, "AstriaLightClient__EmptyValidatorSet");
    });

    it("refuses a validator with a zero signer or zero power", async () => {
      const { lightClient, set } = await loadFixture(fixture);
      await expect(deploy([{ signer: ethers.ZeroAddress, votingPower: 1n }, ...set]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidValidator")
        .withArgs(0n, ethers.ZeroAddress, 1n);
      await expect(deploy([set[0], { signer: set[1].signer, votingPower: 0n }]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidValidator")
        .withArgs(1n, set[1].signer, 0n);
    });

    it("refuses validators out of order or repeated", async () => {
      const { lightClient, set } = await loadFixture(fixture);
      await expect(deploy([set[1], set[0]]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__ValidatorsNotSorted")
        .withArgs(1n, set[1].signer, set[0].signer);
      await expect(deploy([set[0], set[0]]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__ValidatorsNotSorted")
        .withArgs(1n, set[0].signer, set[0].signer);
    });
  });

  describe("submitHeader", () => {
    it("finalizes a header signed by more than 2/3 of the voting power", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      const h = header(5n);
      const sigs = signQuorum(wallets, set, headerDigest(h, 0n));
      expect(sigs.length).to.equal(3);
      await expect(lightClient.submitHeader(h, 0n, set, sigs))
        .to.emit(lightClient, "HeaderFinalized")
        .withArgs(5n, 0n, h.time, h.rollupTransactionsRoot, h.dataHash, h.proposerAddress, 3n * POWER, 4n * POWER);
      const [found, stored] = await lightClient.findHeader(5n);
      expect(found).to.equal(true);
      expect(stored.height).to.equal(5n);
      expect(stored.time).to.equal(h.time);
      expect(stored.proposerAddress).to.equal(h.proposerAddress);
      expect(stored.dataHash).to.equal(h.dataHash);
      expect(stored.rollupTransactionsRoot).to.equal(h.rollupTransactionsRoot);
      expect((await lightClient.getHeader(5n)).rollupTransactionsRoot).to.equal(h.rollupTransactionsRoot);
      expect(await lightClient.latestHeight()).to.equal(5n);
    });

    it("signs the same digest as the SDK", async () => {
      const { lightClient } = await loadFixture(fixture);
      const h = header(9n);
      expect(await lightClient.headerDigest(h, 0n)).to.equal(headerDigest(h, 0n));
    });

    it("refuses exactly 2/3 of the voting power", async () => {
      const { lightClient } = await loadFixture(fixture);
      const wallets = validatorWallets(3);
      const set = makeSet(wallets);
      const client = await deploy(set);
      const h = header(2n);
      const sigs = signDigest(wallets, set, headerDigest(h, 0n), [0, 2]);
      await expect(client.submitHeader(h, 0n, set, sigs))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InsufficientVotingPower")
        .withArgs(2n * POWER, 3n * POWER);
      await client.submitHeader(h, 0n, set, signDigest(wallets, set, headerDigest(h, 0n), [0, 1, 2]));
    });

    it("counts voting power, not heads: one validator with 70% is a quorum", async () => {
      const wallets = validatorWallets(4, "weighted");
      const set = makeSet(wallets, [70n, 10n, 10n, 10n]);
      const client = await deploy(set);
      const heavy = set.findIndex((v) => v.votingPower === 70n);
      const h = header(3n);
      await expect(client.submitHeader(h, 0n, set, signDigest(wallets, set, headerDigest(h, 0n), [heavy]))).to.emit(
        client,
        "HeaderFinalized",
      );
      const light = [0, 1, 2, 3].filter((i) => i !== heavy);
      await expect(client.submitHeader(header(4n), 0n, set, signDigest(wallets, set, headerDigest(header(4n), 0n), light)))
        .to.be.revertedWithCustomError(client, "AstriaLightClient__InsufficientVotingPower")
        .withArgs(30n, 100n);
    });

    it("accepts headers out of order and keeps the highest as latest", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      for (const height of [7n, 3n]) {
        const h = header(height);
        await lightClient.submitHeader(h, 0n, set, signQuorum(wallets, set, headerDigest(h, 0n)));
      }
      expect(await lightClient.latestHeight()).to.equal(7n);
      expect((await lightClient.findHeader(3n))[0]).to.equal(true);
    });

    it("refuses a header of another Astria chain", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      const h = { ...header(5n), chainId: "other-chain" };
      await expect(lightClient.submitHeader(h, 0n, set, signQuorum(wallets, set, headerDigest(h, 0n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__WrongChainId")
        .withArgs(ASTRIA_CHAIN_ID, "other-chain");
    });

    it("refuses a second header at a height, equal or conflicting (replay)", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      const h = header(5n);
      const sigs = signQuorum(wallets, set, headerDigest(h, 0n));
      await lightClient.submitHeader(h, 0n, set, sigs);
      await expect(lightClient.submitHeader(h, 0n, set, sigs))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__HeaderAlreadyFinalized")
        .withArgs(5n);
      const fork = header(5n, "fork");
      await expect(lightClient.submitHeader(fork, 0n, set, signQuorum(wallets, set, headerDigest(fork, 0n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__HeaderAlreadyFinalized")
        .withArgs(5n);
    });

    it("refuses a validator set that is not the one the header names", async () => {
      const { lightClient, set, next, nextSet } = await loadFixture(fixture);
      const h = header(5n);
      await expect(lightClient.submitHeader(h, 0n, nextSet, signQuorum(next, nextSet, headerDigest(h, 0n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__ValidatorSetMismatch")
        .withArgs(validatorSetHash(set), validatorSetHash(nextSet));
    });

    it("refuses signature positions out of range or not strictly ascending", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      const h = header(5n);
      const digest = headerDigest(h, 0n);
      const sigs = signDigest(wallets, set, digest, [0, 1, 2]);
      await expect(lightClient.submitHeader(h, 0n, set, [...sigs, { index: 4n, signature: sigs[0].signature }]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__SignerIndexOutOfRange")
        .withArgs(4n, 4n);
      await expect(lightClient.submitHeader(h, 0n, set, [sigs[0], sigs[1], sigs[1], sigs[2]]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__SignersNotAscending")
        .withArgs(1n, 1n);
      await expect(lightClient.submitHeader(h, 0n, set, [sigs[1], sigs[0], sigs[2]]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__SignersNotAscending")
        .withArgs(1n, 0n);
    });

    it("refuses a forged, a replayed and a malformed signature, naming the position", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      const h = header(5n);
      const digest = headerDigest(h, 0n);
      const sigs = signDigest(wallets, set, digest, [0, 1, 2]);
      const intruder = Wallet.createRandom();
      const forged = { index: 2n, signature: intruder.signingKey.sign(digest).serialized };
      await expect(lightClient.submitHeader(h, 0n, set, [sigs[0], sigs[1], forged]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidSignature")
        .withArgs(2n, intruder.address, set[2].signer);
      const other = signDigest(wallets, set, headerDigest(header(6n), 0n), [1]);
      const signerOfOther = ethers.recoverAddress(digest, other[0].signature);
      await expect(lightClient.submitHeader(h, 0n, set, [sigs[0], other[0], sigs[2]]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidSignature")
        .withArgs(1n, signerOfOther, set[1].signer);
      await expect(lightClient.submitHeader(h, 0n, set, [{ index: 0n, signature: "0x1234" }, sigs[1], sigs[2]]))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidSignature")
        .withArgs(0n, ethers.ZeroAddress, set[0].signer);
    });
  });

  describe("views", () => {
    it("report an unknown height as not found, or revert with its height", async () => {
      const { lightClient } = await loadFixture(fixture);
      const [found, h] = await lightClient.findHeader(42n);
      expect(found).to.equal(false);
      expect(h.rollupTransactionsRoot).to.equal(ZeroHash);
      await expect(lightClient.getHeader(42n))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__UnknownHeight")
        .withArgs(42n);
    });
  });

  describe("updateValidatorSet", () => {
    async function handedOver() {
      const f = await fixture();
      const h = header(5n);
      await f.lightClient.submitHeader(h, 0n, f.set, signQuorum(f.wallets, f.set, headerDigest(h, 0n)));
      const digest = validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 10n, f.nextSet);
      const sigs = signQuorum(f.wallets, f.set, digest);
      const tx = await f.lightClient.updateValidatorSet(f.set, f.nextSet, 10n, sigs);
      return { ...f, tx, sigs };
    }

    it("hands over to a new set signed by more than 2/3 of the current one", async () => {
      const { lightClient, nextSet, tx } = await loadFixture(handedOver);
      await expect(tx)
        .to.emit(lightClient, "ValidatorSetUpdated")
        .withArgs(1n, 10n, validatorSetHash(nextSet), 3n * POWER, nextSet.map((v) => [v.signer, v.votingPower]));
      expect(await lightClient.currentValidatorSet()).to.deep.equal([1n, validatorSetHash(nextSet), 10n]);
    });

    it("signs the same digest as the SDK", async () => {
      const { lightClient, nextSet } = await loadFixture(fixture);
      expect(await lightClient.validatorSetUpdateDigest(nextSet, 10n)).to.equal(
        validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 10n, nextSet),
      );
    });

    it("then takes headers of each set only inside its own range, naming their set", async () => {
      const { lightClient, wallets, set, next, nextSet } = await loadFixture(handedOver);
      expect(await lightClient.validatorSetAt(0n)).to.deep.equal([validatorSetHash(set), 1n, 10n]);
      expect(await lightClient.validatorSetAt(1n)).to.deep.equal([validatorSetHash(nextSet), 10n, OPEN]);
      const h = header(10n);
      await expect(lightClient.submitHeader(h, 0n, set, signQuorum(wallets, set, headerDigest(h, 0n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__HeightOutsideSet")
        .withArgs(10n, 0n, 1n, 10n);
      await expect(lightClient.submitHeader(h, 1n, set, signQuorum(wallets, set, headerDigest(h, 1n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__ValidatorSetMismatch")
        .withArgs(validatorSetHash(nextSet), validatorSetHash(set));
      await expect(lightClient.submitHeader(h, 1n, nextSet, signQuorum(next, nextSet, headerDigest(h, 1n))))
        .to.emit(lightClient, "HeaderFinalized")
        .withArgs(10n, 1n, h.time, h.rollupTransactionsRoot, h.dataHash, h.proposerAddress, 3n * POWER, 3n * POWER);
      const early = header(9n);
      await expect(lightClient.submitHeader(early, 1n, nextSet, signQuorum(next, nextSet, headerDigest(early, 1n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__HeightOutsideSet")
        .withArgs(9n, 1n, 10n, OPEN);
      await expect(lightClient.submitHeader(early, 2n, nextSet, signQuorum(next, nextSet, headerDigest(early, 2n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__UnknownValidatorSet")
        .withArgs(2n, 1n);
      await expect(lightClient.validatorSetAt(2n))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__UnknownValidatorSet")
        .withArgs(2n, 1n);
    });

    it("relays the old set's last headers after a hand-over relayed first (they stay provable)", async () => {
      const { lightClient, wallets, set, next, nextSet } = await loadFixture(handedOver);
      const h = header(12n);
      await lightClient.submitHeader(h, 1n, nextSet, signQuorum(next, nextSet, headerDigest(h, 1n)));
      // Astria 6..9 were final under set 0 but not relayed before the hand-over: they still are, in any order.
      for (const height of [9n, 6n, 8n, 7n]) {
        const old = header(height);
        await expect(lightClient.submitHeader(old, 0n, set, signQuorum(wallets, set, headerDigest(old, 0n))))
          .to.emit(lightClient, "HeaderFinalized")
          .withArgs(height, 0n, old.time, old.rollupTransactionsRoot, old.dataHash, old.proposerAddress, 3n * POWER, 4n * POWER);
      }
      expect(await lightClient.latestHeight()).to.equal(12n);
      expect((await lightClient.getHeader(7n)).rollupTransactionsRoot).to.equal(header(7n).rollupTransactionsRoot);
      // Below the client's first height, nothing is ever final.
      const fresh = await deploy(set, ASTRIA_CHAIN_ID, 20n);
      expect(await fresh.firstHeight()).to.equal(20n);
      const below = header(19n);
      await expect(fresh.submitHeader(below, 0n, set, signQuorum(wallets, set, headerDigest(below, 0n))))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__HeightOutsideSet")
        .withArgs(19n, 0n, 20n, OPEN);
    });

    it("cannot be blocked by relaying first a header signed after the hand-over by a next set sharing more than 2/3", async () => {
      const { lightClient, wallets, set } = await loadFixture(fixture);
      // The next set keeps three of the four current validators (75% of the current power) and adds one.
      const shared = validatorWallets(4).slice(0, 3);
      const nextWallets = [...shared, ...validatorWallets(1, "newcomer")];
      const nextSet = makeSet(nextWallets);
      const after = header(10n);
      // The shared validators sign Astria 10, under the next set (its digest names set 1).
      const signedByNext = signQuorum(nextWallets, nextSet, headerDigest(after, 1n));
      // Relayed before the hand-over, it is refused under either set: it cannot raise latestHeight.
      await expect(lightClient.submitHeader(after, 1n, nextSet, signedByNext))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__UnknownValidatorSet")
        .withArgs(1n, 0n);
      const asCurrent = signedByNext.map((sig) => ({
        index: BigInt(set.findIndex((v) => v.signer === nextSet[Number(sig.index)].signer)),
        signature: sig.signature,
      }));
      asCurrent.sort((a, b) => (a.index < b.index ? -1 : 1));
      const recovered = ethers.recoverAddress(headerDigest(after, 0n), asCurrent[0].signature);
      await expect(lightClient.submitHeader(after, 0n, set, asCurrent))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidSignature")
        .withArgs(asCurrent[0].index, recovered, set[Number(asCurrent[0].index)].signer);
      expect(await lightClient.latestHeight()).to.equal(0n);
      // The genuine hand-over goes through, then the header does.
      const handOver = signQuorum(wallets, set, validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 10n, nextSet));
      await expect(lightClient.updateValidatorSet(set, nextSet, 10n, handOver)).to.emit(lightClient, "ValidatorSetUpdated");
      await expect(lightClient.submitHeader(after, 1n, nextSet, signedByNext)).to.emit(lightClient, "HeaderFinalized");
      expect(await lightClient.latestHeight()).to.equal(10n);
    });

    it("refuses a replayed hand-over: its signatures were for the previous set id", async () => {
      const { lightClient, set, nextSet, sigs } = await loadFixture(handedOver);
      await expect(lightClient.updateValidatorSet(set, nextSet, 11n, sigs)).to.be.revertedWithCustomError(
        lightClient,
        "AstriaLightClient__ValidatorSetMismatch",
      );
      const digest = validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 2n, 11n, nextSet);
      const recovered = ethers.recoverAddress(digest, sigs[0].signature);
      await expect(lightClient.updateValidatorSet(nextSet, nextSet, 11n, sigs))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidSignature")
        .withArgs(0n, recovered, nextSet[0].signer);
    });

    it("refuses a first height that does not lie above every final height and the current set's", async () => {
      const { lightClient, wallets, set, nextSet } = await loadFixture(fixture);
      const h = header(5n);
      await lightClient.submitHeader(h, 0n, set, signQuorum(wallets, set, headerDigest(h, 0n)));
      const sigs = signQuorum(wallets, set, validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 5n, nextSet));
      await expect(lightClient.updateValidatorSet(set, nextSet, 5n, sigs))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidActiveFromHeight")
        .withArgs(5n, 6n);
      const fresh = await deploy(set, ASTRIA_CHAIN_ID, 20n);
      await expect(fresh.updateValidatorSet(set, nextSet, 20n, sigs))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InvalidActiveFromHeight")
        .withArgs(20n, 21n);
    });

    it("refuses a hand-over without a quorum of the current set", async () => {
      const { lightClient, wallets, set, nextSet } = await loadFixture(fixture);
      const digest = validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 10n, nextSet);
      await expect(lightClient.updateValidatorSet(set, nextSet, 10n, signDigest(wallets, set, digest, [0, 1])))
        .to.be.revertedWithCustomError(lightClient, "AstriaLightClient__InsufficientVotingPower")
        .withArgs(2n * POWER, 4n * POWER);
    });

    it("refuses a malformed new set", async () => {
      const { lightClient, wallets, set, nextSet } = await loadFixture(fixture);
      const empty: Validator[] = [];
      await expect(
        lightClient.updateValidatorSet(
          set,
          empty,
          10n,
          signQuorum(wallets, set, validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 10n, empty)),
        ),
      ).to.be.revertedWithCustomError(lightClient, "AstriaLightClient__EmptyValidatorSet");
      const reversed = [...nextSet].reverse();
      await expect(
        lightClient.updateValidatorSet(
          set,
          reversed,
          10n,
          signQuorum(wallets, set, validatorSetUpdateDigest(ASTRIA_CHAIN_ID, 1n, 10n, reversed)),
        ),
      ).to.be.revertedWithCustomError(lightClient, "AstriaLightClient__ValidatorsNotSorted");
    });
  });

  describe("SDK quorum helpers", () => {
    it("throw typed errors without a quorum or without a validator's wallet", () => {
      const wallets = validatorWallets(3);
      const set = makeSet(wallets);
      expect(() => signQuorum(wallets.slice(0, 2), set, ZeroHash)).to.throw(AstriaQuorumError);
      expect(() => signDigest(wallets.slice(0, 1), set, ZeroHash, [0, 1, 2])).to.throw(AstriaSignerMissingError);
    });
  });
});
