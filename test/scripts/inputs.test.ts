import { expect } from "chai";
import { ethers } from "hardhat";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL } from "../../sdk/src/config";
import { deploySystem } from "../../scripts/lib/deploy";
import { checkAstriaChain, checkDeployInputs, checkSequencers, DeployInputError, intOption } from "../../scripts/lib/inputs";

/** The DeployInputError a promise or call rejects with. */
async function inputError(run: () => unknown): Promise<DeployInputError> {
  try {
    await run();
  } catch (error) {
    expect(error).to.be.instanceOf(DeployInputError);
    return error as DeployInputError;
  }
  throw new Error("expected a DeployInputError");
}

describe("Deployment inputs are checked before the first transaction", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "fernet-inputs-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
    return path;
  };

  it("names the variable for a malformed or code-less token, and a token that is not an ERC-20", async () => {
    const [deployer] = await ethers.getSigners();
    const p = ethers.provider;
    expect((await inputError(() => checkDeployInputs({ TOKEN_ADDRESS: "0x1234" }, p, deployer.address))).variable).to.equal("TOKEN_ADDRESS");
    const noCode = await inputError(() => checkDeployInputs({ TOKEN_ADDRESS: ethers.Wallet.createRandom().address }, p, deployer.address));
    expect(noCode.shortMessage).to.match(/no contract is deployed/);
    const verifier = await ethers.deployContract("MockProofVerifier");
    const notErc20 = await inputError(() => checkDeployInputs({ TOKEN_ADDRESS: (verifier.target as string) }, p, deployer.address));
    expect(notErc20.shortMessage).to.match(/does not answer totalSupply\(\) as an ERC-20/);
    const before = await p.getTransactionCount(deployer.address);
    const token = await ethers.deployContract("FernetToken", ["T", "T", deployer.address]);
    const ok = await checkDeployInputs({ TOKEN_ADDRESS: token.target as string }, p, deployer.address);
    expect(ok.token).to.equal(token.target);
    expect(await p.getTransactionCount(deployer.address)).to.equal(before + 1); // only the token's own deployment
  });

  it("refuses a verifier that does not answer IProofVerifier, accepts one that does", async () => {
    const [deployer] = await ethers.getSigners();
    const token = await ethers.deployContract("FernetToken", ["T", "T", deployer.address]);
    const bad = await inputError(() => checkDeployInputs({ VERIFIER_ADDRESS: token.target as string }, ethers.provider, deployer.address));
    expect([bad.variable, bad.shortMessage]).to.deep.equal(["VERIFIER_ADDRESS", `VERIFIER_ADDRESS: ${token.target} does not answer IProofVerifier.verify(bytes,bytes32)`]);
    const verifier = await ethers.deployContract("MockProofVerifier");
    expect((await checkDeployInputs({ VERIFIER_ADDRESS: verifier.target as string }, ethers.provider, deployer.address)).verifier).to.equal(verifier.target);
  });

  it("checks the preset, the treasury and the genesis values", async () => {
    const [deployer] = await ethers.getSigners();
    const p = ethers.provider;
    expect((await inputError(() => checkDeployInputs({ FERNET_PRESET: "moon" }, p, deployer.address))).variable).to.equal("FERNET_PRESET");
    expect((await inputError(() => checkDeployInputs({ TREASURY: "treasury" }, p, deployer.address))).variable).to.equal("TREASURY");
    expect((await inputError(() => checkDeployInputs({ GENESIS_SEED: "0x12" }, p, deployer.address))).variable).to.equal("GENESIS_SEED");
    expect((await inputError(() => checkDeployInputs({ GENESIS_ARCHIVE: "zz" }, p, deployer.address))).variable).to.equal("GENESIS_ARCHIVE");
    const ok = await checkDeployInputs({ FERNET_PRESET: "mainnet-like", GENESIS_SEED: ethers.ZeroHash }, p, deployer.address);
    expect([ok.preset.name, ok.genesisSeed]).to.deep.equal(["mainnet-like", ethers.ZeroHash]);
  });

  it("reads a complete Astria chain file and names what is missing or wrong in a broken one", () => {
    const good = {
      chainId: "astria-local",
      activeFromHeight: 1,
      rollupId: ethers.ZeroHash,
      startHeight: 1,
      validators: [
        { signer: ethers.Wallet.createRandom().address, votingPower: 10 },
        { signer: ethers.Wallet.createRandom().address, votingPower: "5" },
      ],
    };
    expect(checkAstriaChain(file("good.json", good)).validators.map((v) => v.votingPower)).to.deep.equal([10n, 5n]);
    const cases: Array<[string, unknown, RegExp]> = [
      ["not-json.json", "{", /not valid JSON/],
      ["array.json", [], /must hold a JSON object/],
      ["chain.json", { ...good, chainId: "" }, /"chainId"/],
      ["height.json", { ...good, activeFromHeight: -1 }, /"activeFromHeight"/],
      ["start.json", { ...good, activeFromHeight: 5, startHeight: 4 }, /below "activeFromHeight"/],
      ["rollup.json", { ...good, rollupId: "0x01" }, /"rollupId"/],
      ["none.json", { ...good, validators: [] }, /non-empty array/],
      ["signer.json", { ...good, validators: [{ signer: "me", votingPower: 1 }] }, /validators\[0\].signer/],
      ["twice.json", { ...good, validators: [good.validators[0], good.validators[0]] }, /appears twice/],
      ["power.json", { ...good, validators: [{ ...good.validators[0], votingPower: 0 }] }, /must be positive/],
    ];
    for (const [name, content, message] of cases) {
      let error: unknown;
      try {
        checkAstriaChain(file(name, content));
      } catch (e) {
        error = e;
      }
      expect(error, name).to.be.instanceOf(DeployInputError);
      expect((error as DeployInputError).variable).to.equal("ASTRIA_CHAIN");
      expect((error as DeployInputError).shortMessage, name).to.match(message);
    }
  });

  it("reads an initial sequencer set and refuses duplicates, bad addresses and stakes the deployer can't pay", async () => {
    const [deployer, a, b] = await ethers.getSigners();
    const set = checkSequencers(file("seqs.json", [{ sequencer: a.address }, { sequencer: b.address, withdrawer: deployer.address }]));
    expect(set).to.deep.equal([
      { sequencer: a.address, withdrawer: a.address },
      { sequencer: b.address, withdrawer: deployer.address },
    ]);
    for (const [content, message] of [
      [{}, /JSON array/],
      [[{ sequencer: "x" }], /\[0\].sequencer/],
      [[{ sequencer: a.address }, { sequencer: a.address }], /appears twice/],
      [[{ sequencer: a.address, withdrawer: 7 }], /withdrawer/],
    ] as Array<[unknown, RegExp]>) {
      let error: unknown;
      try {
        checkSequencers(file("bad-seqs.json", content));
      } catch (e) {
        error = e;
      }
      expect((error as DeployInputError).shortMessage).to.match(message);
    }
    const token = await ethers.deployContract("FernetToken", ["T", "T", deployer.address]);
    const poor = await inputError(() =>
      checkDeployInputs({ TOKEN_ADDRESS: token.target as string, INITIAL_SEQUENCERS: file("two.json", [{ sequencer: a.address }, { sequencer: b.address }]) }, ethers.provider, deployer.address),
    );
    expect(poor.variable).to.equal("INITIAL_SEQUENCERS");
  });

  it("registers an initial set from the deployer in the hook, with the rollup's address still right", async () => {
    const [deployer, a, b] = await ethers.getSigners();
    const stakes = LOCAL.registry.stake * 2n;
    const d = await deploySystem({
      preset: LOCAL,
      deployer,
      hookTransactions: 4,
      beforeRollup: async (registry, token) => {
        await (await token.mint(deployer.address, stakes)).wait();
        await (await token.approve(await registry.getAddress(), stakes)).wait();
        for (const s of [a, b]) await (await registry.register(s.address, s.address)).wait();
      },
    });
    expect(await d.registry.isSlasher(await d.rollup.getAddress())).to.equal(true);
    expect(await d.registry.sequencerCount()).to.equal(2n);
  });

  it("checks integer options: a default, a range, no words", () => {
    expect(intOption({}, "DEMO_BLOCKS", 5, 1, 10)).to.equal(5);
    expect(intOption({ DEMO_BLOCKS: "7" }, "DEMO_BLOCKS", 5, 1, 10)).to.equal(7);
    expect(() => intOption({ DEMO_BLOCKS: "-1" }, "DEMO_BLOCKS", 5, 1, 10)).to.throw(DeployInputError, "DEMO_BLOCKS: -1 is out of range");
    expect(() => intOption({ DEMO_BLOCKS: "five" }, "DEMO_BLOCKS", 5, 1, 10)).to.throw(DeployInputError, 'DEMO_BLOCKS: "five" is not an integer');
  });
});
