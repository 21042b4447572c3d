/**
 * The clients' ownership writes (the registry's two-step transfer, the token's one-step one, renouncing)
 * with their NotAuthorisedError checks, and every contract's constants and on-chain EIP-712 domain.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { keccak256, toUtf8Bytes, TypedDataEncoder, ZeroAddress } from "ethers";
import { AstriaLightClientClient, AstriaSlasherClient, connect, FernetError, NotAuthorisedError, readEip712Domain, RegistryClient, RollupClient, TokenClient, WiringMismatchError } from "../../sdk/src";
import { load } from "../helpers/fixtures";
import { deployWorld } from "../helpers/rollup";
import { astriaReady } from "../astria/helpers/scenarios";
import { rejection } from "../helpers/errors";


describe("SDK clients: ownership, constants and EIP-712 domains", () => {
  it("transfers the registry in two steps, each checked against the caller, and renounces it", async () => {
    const w = await load(deployWorld);
    const address = w.registry.target as string;
    const asOwner = new RegistryClient(address, w.deployer);
    const asStranger = new RegistryClient(address, w.stranger);
    expect(await asOwner.owner()).to.equal(w.deployer.address);
    expect(await asOwner.pendingOwner()).to.equal(ZeroAddress);
    expect(await asOwner.slot()).to.equal(12n);
    const notOwner = await rejection(asStranger.transferOwnership(w.stranger.address));
    expect(notOwner).to.be.instanceOf(NotAuthorisedError);
    expect(notOwner).to.deep.include({ action: "transferOwnership", caller: w.stranger.address, allowed: [w.deployer.address] });
    await asOwner.transferOwnership(w.stranger.address);
    expect(await asOwner.pendingOwner()).to.equal(w.stranger.address);
    expect(await asOwner.owner()).to.equal(w.deployer.address); // not before it is accepted
    const notPending = await rejection(asOwner.acceptOwnership());
    expect(notPending).to.be.instanceOf(NotAuthorisedError);
    expect(notPending).to.deep.include({ action: "acceptOwnership", caller: w.deployer.address, allowed: [w.stranger.address] });
    await asStranger.acceptOwnership();
    expect(await asOwner.owner()).to.equal(w.stranger.address);
    expect(await asOwner.pendingOwner()).to.equal(ZeroAddress);
    expect(await rejection(asOwner.renounceOwnership())).to.be.instanceOf(NotAuthorisedError);
    await asStranger.renounceOwnership();
    expect(await asOwner.owner()).to.equal(ZeroAddress);
  });

  it("transfers and renounces the token, and reports its permit domain separator", async () => {
    const w = await load(deployWorld);
    const address = w.token.target as string;
    const asOwner = new TokenClient(address, w.deployer);
    const asStranger = new TokenClient(address, w.stranger);
    expect(await asOwner.domainSeparator()).to.equal(TypedDataEncoder.hashDomain(await asOwner.domain()));
    const e = await rejection(asStranger.transferOwnership(w.stranger.address));
    expect(e).to.be.instanceOf(NotAuthorisedError);
    expect(e).to.deep.include({ action: "transferOwnership", caller: w.stranger.address, allowed: [w.deployer.address] });
    await asOwner.transferOwnership(w.stranger.address);
    expect(await asOwner.owner()).to.equal(w.stranger.address);
    expect(await rejection(asOwner.renounceOwnership())).to.be.instanceOf(NotAuthorisedError);
    await asStranger.renounceOwnership();
    expect(await asOwner.owner()).to.equal(ZeroAddress);
  });

  it("reads the rollup's constants and its EIP-712 domain, equal to the one the SDK builds", async () => {
    const w = await load(deployWorld);
    const rollup = new RollupClient(w.rollup.target as string, ethers.provider);
    expect(await rollup.constants()).to.deep.equal({
      burnAddress: "0x000000000000000000000000000000000000dEaD",
      quoteTypehash: keccak256(toUtf8Bytes("Quote(uint256 height,bytes32 blockHash,address prover,uint256 bond,uint256 proverRewardBps,uint256 validUntil)")),
      maxTxCount: 2n ** 32n,
      maxGenesisDelay: 10n * 365n * 24n * 3600n,
      slot: 12n,
    });
    expect(await rollup.eip712Domain()).to.deep.equal(await rollup.quoteDomain());
    // A domain with other fields (a salt, extensions) is not one this SDK signs for.
    const salted = { fields: "0x1f", name: "FernetRollup", version: "1", chainId: 31337n, verifyingContract: rollup.address };
    const e = await rejection(readEip712Domain(async () => salted));
    expect(e).to.be.instanceOf(FernetError);
    expect((e as Error).message).to.contain("0x1f");
  });

  it("reads the Astria slasher's and light client's constants, and the slasher's EIP-712 domain", async () => {
    const w = await load(astriaReady);
    const slasher = new AstriaSlasherClient(w.slasher.target as string, ethers.provider);
    const c = await slasher.constants();
    expect(c).to.deep.include({ burnAddress: "0x000000000000000000000000000000000000dEaD", maxOptInDelay: 365n * 24n * 3600n, maxUnbondDelay: 365n * 24n * 3600n });
    expect(c.bindingTypehash).to.equal(await w.slasher.BINDING_TYPEHASH());
    expect(c.entryTypehash).to.equal(await w.slasher.ENTRY_TYPEHASH());
    expect(await slasher.eip712Domain()).to.deep.equal(await slasher.domain());
    // connect checks the slasher's wiring too: its rollup and light client.
    const contracts = { registry: w.registry.target as string, rollup: w.rollup.target as string, token: w.token.target as string, verifier: await w.verifier.getAddress(), astriaSlasher: w.slasher.target as string, astriaLightClient: w.lightClient.target as string };
    expect((await connect(contracts, ethers.provider)).astriaSlasher?.address).to.equal(contracts.astriaSlasher);
    const e = await rejection(connect({ ...contracts, astriaLightClient: contracts.token }, ethers.provider));
    expect(e).to.be.instanceOf(WiringMismatchError);
    expect((e as WiringMismatchError).mismatches).to.deep.equal([{ contract: "astriaSlasher", field: "lightClient", expected: contracts.token, actual: contracts.astriaLightClient }]);
    const lc = new AstriaLightClientClient(w.lightClient.target as string, ethers.provider);
    expect(await lc.constants()).to.deep.equal({
      headerTag: keccak256(toUtf8Bytes("astria.lightclient.SequencerBlockHeader.v2")),
      validatorSetTag: keccak256(toUtf8Bytes("astria.lightclient.ValidatorSetUpdate.v1")),
      quorumNumerator: 2n,
      quorumDenominator: 3n,
      openRange: 2n ** 64n - 1n,
    });
  });
});
