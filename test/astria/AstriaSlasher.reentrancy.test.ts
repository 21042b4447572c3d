import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";
import { LOCAL } from "../../sdk/src/config";
import { deployAstria, deploySystem } from "../../scripts/lib/deploy";
import { ASTRIA_CHAIN_ID, ROLLUP_ID, SLASHER, TOKEN, validatorWallets } from "./helpers/world";

/** The slasher on a rollup whose token calls back into a target from inside a transfer. */
async function fixture() {
  const [deployer, seq] = await ethers.getSigners();
  const token = await ethers.deployContract("ReentrantToken");
  const { rollup } = await deploySystem({ preset: LOCAL, deployer, token: await token.getAddress() });
  const validators = validatorWallets(4).map((w) => ({ signer: w.address, votingPower: 1n }));
  const { slasher } = await deployAstria({
    preset: LOCAL,
    deployer,
    rollup: await rollup.getAddress(),
    chain: { chainId: ASTRIA_CHAIN_ID, validators, activeFromHeight: 1n, rollupId: ROLLUP_ID, startHeight: SLASHER.astriaStartHeight },
  });
  await token.mint(seq.address, 10_000n * TOKEN);
  await token.connect(seq).approve(await slasher.getAddress(), ethers.MaxUint256);
  await slasher.connect(seq).bond(seq.address, SLASHER.minimumBond);
  return { token, slasher, seq };
}

describe("AstriaSlasher: re-entrancy", () => {
  it("refuses every bond, withdrawal and evidence call re-entered from a token transfer", async () => {
    const { token, slasher, seq } = await loadFixture(fixture);
    const binding = {
      l2Height: 0n,
      blockHash: ZeroHash,
      astriaStart: 0n,
      astriaEnd: 0n,
      entryCount: 0n,
      entriesRoot: ZeroHash,
    };
    const entry = { entry: { astriaHeight: 0n, rollupTxsRoot: ZeroHash, txCount: 0n, offset: 0n }, index: 0n, proof: [] };
    const leaf = { rollupId: ZeroHash, txsRoot: ZeroHash, index: 0n, treeSize: 0n, proof: [] };
    const astriaTx = { data: "0x", index: 0n, proof: [] };
    const header = {
      height: 0n,
      parentArchive: ZeroHash,
      archive: ZeroHash,
      txsRoot: ZeroHash,
      txCount: 0n,
      dataHash: ZeroHash,
      signal: ZeroHash,
    };
    const calls: Array<[string, unknown[]]> = [
      ["bond", [seq.address, 1n]],
      ["withdraw", [seq.address]],
      ["proveDoubleBinding", [binding, "0x", binding, "0x"]],
      ["proveWrongBlockHash", [binding, "0x"]],
      ["proveRootMismatch", [0n, entry, leaf]],
      ["proveRollupAbsent", [0n, entry, []]],
      ["proveSkippedBlock", [0n, 0n, leaf, []]],
      ["proveCountMismatch", [0n, entry, astriaTx, 0n]],
      ["proveTxMismatch", [0n, entry, leaf, astriaTx, { header, txHash: ZeroHash, proof: [] }]],
      ["proveMissingBinding", [0n]],
      ["proveRangeOmission", [0n, 0n, leaf]],
      ["proveAbandonedHeight", [0n]],
    ];
    const guard = slasher.interface.getError("ReentrancyGuardReentrantCall")!.selector;
    const iface = new ethers.Interface(slasher.interface.fragments);
    for (const [name, args] of calls) {
      await token.arm(await slasher.getAddress(), iface.encodeFunctionData(name, args));
      await slasher.connect(seq).bond(seq.address, 1n);
      expect(await token.lastReentrySucceeded(), name).to.equal(false);
      expect(await token.lastReentryError(), name).to.equal(guard);
    }
    expect(await token.reentryAttempts()).to.equal(BigInt(calls.length));
    expect(await slasher.totalBonded()).to.equal(SLASHER.minimumBond + BigInt(calls.length));
  });
});
