import { expect } from "chai";
import { ethers } from "hardhat";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LOCAL, getPreset } from "../../sdk/src/config";
import { deployAstria, deploySystem, DEFAULT_GENESIS_ARCHIVE } from "../../scripts/lib/deploy";
import { writeDeployment } from "../../scripts/deploy";
import { localValidatorWallets } from "../../sdk/src/services/astria-local";

describe("Deployment scripts", () => {
  it("deploys the suite with the rollup authorised as the registry's slasher and the preset applied", async () => {
    const [deployer] = await ethers.getSigners();
    const d = await deploySystem({ preset: LOCAL, deployer });
    const rollup = await d.rollup.getAddress();
    expect(await d.registry.isSlasher(rollup)).to.equal(true);
    expect(await d.registry.entryDelay()).to.equal(LOCAL.registry.entryDelay);
    const c = await d.rollup.getConfig();
    expect(c.registry).to.equal(await d.registry.getAddress());
    expect(c.verifier).to.equal(await d.verifier.getAddress());
    expect(c.genesisArchive).to.equal(DEFAULT_GENESIS_ARCHIVE);
    // No public default: a fresh salt per deployment (mixed on chain with the deployment block's RANDAO).
    const again = await deploySystem({ preset: LOCAL, deployer });
    expect(c.genesisSeed).to.not.equal(ethers.ZeroHash);
    expect((await again.rollup.getConfig()).genesisSeed).to.not.equal(c.genesisSeed);
    expect(c.proposalDuration).to.equal(LOCAL.rollup.proposalDuration);
    expect(d.verifierIsMock).to.equal(true);
  });

  it("uses a given token and verifier and applies the mainnet-like preset", async () => {
    const [deployer] = await ethers.getSigners();
    const token = await ethers.deployContract("FernetToken", ["T", "T", deployer.address]);
    const verifier = await ethers.deployContract("MockProofVerifier");
    const preset = getPreset("mainnet-like");
    const d = await deploySystem({ preset, deployer, token: await token.getAddress(), verifier: await verifier.getAddress() });
    expect(await d.token.getAddress()).to.equal(await token.getAddress());
    expect(await d.verifier.getAddress()).to.equal(await verifier.getAddress());
    expect(d.verifierIsMock).to.equal(false);
    expect(await d.registry.exitDelay()).to.equal(7n * 24n * 3600n);
    expect(await d.registry.isSlasher(await d.rollup.getAddress())).to.equal(true);
  });

  it("refuses when the deployer sends a transaction between the registry and the rollup", async () => {
    const [deployer, other] = await ethers.getSigners();
    await expect(
      deploySystem({
        preset: LOCAL,
        deployer,
        beforeRollup: async () => {
          await (await deployer.sendTransaction({ to: other.address, value: 1n })).wait();
        },
      }),
    ).to.be.rejectedWith("sent 1 transaction(s) between the registry and the rollup");
  });

  it("deploys the Astria light client (validators sorted) and the slasher for the rollup", async () => {
    const [deployer] = await ethers.getSigners();
    const d = await deploySystem({ preset: LOCAL, deployer });
    const chain = JSON.parse(readFileSync(join(__dirname, "..", "..", "deployments", "examples", "astria-chain.local.json"), "utf8"));
    const a = await deployAstria({ preset: LOCAL, deployer, rollup: await d.rollup.getAddress(), chain });
    const cfg = await a.slasher.getConfig();
    expect(cfg.rollup).to.equal(await d.rollup.getAddress());
    expect(cfg.lightClient).to.equal(await a.lightClient.getAddress());
    expect(cfg.rollupId).to.equal(chain.rollupId);
    expect(cfg.minimumBond).to.equal(LOCAL.astria.minimumBond);
    expect(cfg.unbondDelay).to.equal(LOCAL.astria.unbondDelay);
    // The example's validators are the local Astria stand-in's public keys, so `fernet astria` runs on it.
    const standIn = localValidatorWallets(chain.validators.length).map((w) => w.address.toLowerCase()).sort();
    expect(chain.validators.map((v: { signer: string }) => v.signer.toLowerCase()).sort()).to.deep.equal(standIn);
  });

  it("writes deployments/<network>.json", () => {
    const path = writeDeployment({
      network: "unit-test",
      chainId: "31337",
      preset: "local",
      deployer: ethers.ZeroAddress,
      deployBlock: 1,
      verifierIsMock: true,
      contracts: { token: ethers.ZeroAddress, registry: ethers.ZeroAddress, verifier: ethers.ZeroAddress, rollup: ethers.ZeroAddress },
    });
    try {
      expect(path.endsWith("deployments/unit-test.json")).to.equal(true);
      expect(JSON.parse(readFileSync(path, "utf8")).preset).to.equal("local");
    } finally {
      rmSync(path);
    }
    expect(existsSync(path)).to.equal(false);
  });
});
