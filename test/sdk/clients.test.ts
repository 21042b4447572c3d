import { expect } from "chai";
import { ethers } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { hexlify, keccak256, randomBytes, toUtf8Bytes, Wallet, ZeroAddress, ZeroHash } from "ethers";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import {
  AstriaBondError,
  AstriaLightClientClient,
  AstriaSlasherClient,
  BackupReason,
  BlockMismatchError,
  buildHeader,
  ChainMismatchError,
  CONTRACT_ERROR_HINTS,
  CONTRACT_ERROR_NAMES,
  connect,
  ConfirmationStage,
  ContractRevertError,
  decodeRevertData,
  decodeSequencerPage,
  Eligibility,
  eligibilityOf,
  encodeBlockData,
  FernetError,
  InsufficientEscrowError,
  InsufficientTokensError,
  InvalidDeploymentError,
  InvalidQuoteError,
  isContractError,
  leaderSchedule,
  mockProof,
  NoCodeError,
  NoSignerError,
  NotAuthorisedError,
  NotEligibleError,
  NothingToSettleError,
  NotProposerError,
  Phase,
  publicInputsHash,
  rankBySeed,
  readEvents,
  type Reorg,
  RegistryClient,
  RollupClient,
  scoreOf,
  ScoreBeatenError,
  sendWrite,
  TooManyTxsError,
  TransactionDroppedError,
  SequencerStatus,
  SequencerStatusError,
  TokenClient,
  txConfirmation,
  txsRoot,
  UnknownEventError,
  walk,
  watchEvents,
  WrongHeightError,
  WrongParentError,
  WrongPhaseError,
  WiringMismatchError,
  blockHash,
} from "../../sdk/src";
import { AstriaSlasher__factory } from "../../typechain-types";
import { headerDigest } from "../../sdk/src/astria";
import { load, TOKEN } from "../helpers/fixtures";
import { deadlines, deployWorld, makeQuote, ranked, toRoundStart, type World } from "../helpers/rollup";
import { honest } from "../astria/helpers/scenarios";
import { rejection } from "../helpers/errors";


async function world() {
  return deployWorld();
}

function clientsOf(w: World, runner: ConstructorParameters<typeof RollupClient>[1]) {
  return {
    rollup: new RollupClient(w.rollup.target as string, runner),
    registry: new RegistryClient(w.registry.target as string, runner),
    token: new TokenClient(w.token.target as string, runner),
  };
}

async function proposal(w: World, height = 1n) {
  const txHashes = [hexlify(randomBytes(32)), hexlify(randomBytes(32)), hexlify(randomBytes(32))];
  const data = encodeBlockData(txHashes);
  const header = buildHeader({ height, parentArchive: await w.rollup.archive(), archive: hexlify(randomBytes(32)), txHashes, data });
  return { header, data, txHashes };
}

describe("SDK clients", () => {
  describe("errors", () => {
    it("has a hint for every custom error in the ABIs", () => {
      const missing = CONTRACT_ERROR_NAMES.filter((n) => !CONTRACT_ERROR_HINTS[n]);
      expect(missing).to.deep.equal([]);
      expect(CONTRACT_ERROR_NAMES.length).to.be.greaterThan(100);
    });

    it("decodes reverts with their arguments by name, and walks the cause chain", () => {
      const iface = AstriaSlasher__factory.createInterface();
      const data = iface.encodeErrorResult("Astria__BondTooLow", [5n, 10n]);
      const e = decodeRevertData(data)!;
      expect(isContractError(e, "Astria__BondTooLow")).to.equal(true);
      if (!isContractError(e, "Astria__BondTooLow")) throw new Error("unreachable");
      expect(e.namedArgs).to.deep.equal({ amount: 5n, minimum: 10n });
      expect(e.details).to.equal(CONTRACT_ERROR_HINTS.Astria__BondTooLow);
      const outer = new FernetError("outer", "do it", { cause: e });
      expect(outer.walk()).to.equal(data);
      expect(outer.walk((x) => x instanceof ContractRevertError)).to.equal(e);
      expect(walk(outer, () => false)).to.equal(null);
      expect(decodeRevertData("0xdeadbeef")).to.equal(undefined);
    });

    it("says which write was dropped when its transaction never reached a block (TransactionDroppedError)", async () => {
      let sent = 0;
      const dropped = Object.assign(
        async () => {
          sent++;
          return { wait: async () => null } as never;
        },
        { staticCall: async () => undefined },
      );
      const e = await rejection(sendWrite(dropped, [], "deposit", { simulate: false }));
      expect(sent).to.equal(1);
      expect(e).to.be.instanceOf(TransactionDroppedError);
      expect(e).to.include({ action: "deposit" });
      expect((e as TransactionDroppedError).details).to.match(/Resend/);
    });
  });

  describe("connect", () => {
    it("refuses a deployment whose contracts are not wired to each other, naming each mismatch (WiringMismatchError)", async () => {
      const w = await load(world);
      const contracts = { registry: w.registry.target as string, rollup: w.rollup.target as string, token: w.token.target as string, verifier: w.verifier.target as string };
      const otherToken = await (await ethers.deployContract("FernetToken", ["Other", "OTH", w.deployer.address])).getAddress();
      const otherVerifier = await (await ethers.deployContract("MockProofVerifier")).getAddress();
      const e = (await rejection(connect({ contracts: { ...contracts, token: otherToken, verifier: otherVerifier } }, ethers.provider))) as WiringMismatchError;
      expect(e).to.be.instanceOf(WiringMismatchError);
      expect(e.mismatches).to.deep.equal([
        { contract: "rollup", field: "token", expected: otherToken, actual: contracts.token },
        { contract: "rollup", field: "verifier", expected: otherVerifier, actual: contracts.verifier },
        { contract: "registry", field: "token", expected: otherToken, actual: contracts.token },
      ]);
      expect(e.details).to.contain("one deployments/<network>.json");
      // Checked only when asked (and on by default): off, the same addresses connect.
      expect((await connect({ contracts: { ...contracts, token: otherToken } }, ethers.provider, { checkWiring: false })).token.address).to.equal(otherToken);
      expect((await connect(contracts, ethers.provider)).rollup.address).to.equal(contracts.rollup);
    });

    it("connects from a deployment object, a file and explicit addresses", async () => {
      const { w } = { w: await load(world) };
      const { chainId } = await ethers.provider.getNetwork();
      const contracts = { registry: w.registry.target as string, rollup: w.rollup.target as string, token: w.token.target as string, verifier: w.verifier.target as string };
      const dir = mkdtempSync(join(tmpdir(), "fernet-connect-"));
      try {
        const file = join(dir, "hardhat.json");
        writeFileSync(file, JSON.stringify({ network: "hardhat", chainId: chainId.toString(), contracts }));
        for (const d of [file, { chainId: chainId.toString(), contracts }, contracts]) {
          const fernet = await connect(d, ethers.provider);
          expect(fernet.chainId).to.equal(chainId);
          expect(await fernet.rollup.tip()).to.equal(0n);
          expect(await fernet.registry.sequencerCount()).to.equal(4n);
          expect(fernet.astriaSlasher).to.equal(undefined);
          expect(fernet.withRunner(w.stranger).rollup.runner).to.equal(w.stranger);
        }
        expect(await rejection(connect(join(dir, "missing.json"), ethers.provider))).to.be.instanceOf(InvalidDeploymentError);
        writeFileSync(join(dir, "bad.json"), "{");
        expect(await rejection(connect(join(dir, "bad.json"), ethers.provider))).to.be.instanceOf(InvalidDeploymentError);
        expect(await rejection(connect({ contracts: { ...contracts, rollup: "0x12" } }, ethers.provider))).to.be.instanceOf(InvalidDeploymentError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const wrongChain = (await rejection(connect({ chainId: 1, contracts }, ethers.provider))) as ChainMismatchError;
      expect(wrongChain).to.be.instanceOf(ChainMismatchError);
      expect(wrongChain.expected).to.equal(1n);
      const empty = Wallet.createRandom().address;
      const noCode = (await rejection(connect({ contracts: { ...contracts, rollup: empty } }, ethers.provider))) as NoCodeError;
      expect(noCode).to.be.instanceOf(NoCodeError);
      expect(noCode.missing).to.deep.equal([{ name: "rollup", address: empty }]);
      expect(noCode.details).to.contain("deploy again");
    });
  });

  describe("registry", () => {
    it("reads parameters, slashers, statuses and pages, with the eligibility rule off-chain equal to the contract's", async () => {
      const w = await load(world);
      const { registry } = clientsOf(w, ethers.provider);
      const p = await registry.getParameters();
      expect(p).to.deep.include({ stake: w.regCfg.stake, minimumStake: w.regCfg.minimumStake, entryDelay: w.regCfg.entryDelay, exitDelay: w.regCfg.exitDelay });
      expect(p.token).to.equal(w.token.target);
      expect(await registry.stakeAmount()).to.equal(p.stake);
      expect(await registry.minimumStake()).to.equal(p.minimumStake);
      expect(await registry.entryDelay()).to.equal(p.entryDelay);
      expect(await registry.exitDelay()).to.equal(p.exitDelay);
      expect(await registry.slasherChangeDelay()).to.equal(w.regCfg.slasherChangeDelay);
      expect(await registry.slasherChangeWindow()).to.equal(w.regCfg.slasherChangeWindow);
      expect(await registry.isSlasher(w.rollup.target as string)).to.equal(true);
      expect(await registry.slasherAuthorisedAt(w.rollup.target as string)).to.equal(await w.registry.slasherAuthorisedAt(w.rollup.target));
      expect(await registry.pendingSlasherChange(w.stranger.address)).to.deep.equal({ allowed: false, executableAt: 0n, expiresAt: 0n });
      const [s0, s1] = w.sequencers;
      expect(await registry.sequencerAt(1n)).to.equal(s1.address);
      const info = await registry.getSequencer(s0.address);
      expect(await registry.statusAt(s0.address, info.activeFrom - 1n)).to.equal(SequencerStatus.Queued);
      expect(await registry.wasActiveAt(s0.address, info.activeFrom)).to.equal(true);
      expect(await registry.isExitingOrEjected(s0.address)).to.equal(false);
      // A queued key, an exiting one and a stranger next to active ones.
      await w.token.connect(w.stranger).approve(w.registry.target, ethers.MaxUint256);
      await new RegistryClient(w.registry.target as string, w.stranger).register(w.stranger.address, w.stranger.address);
      await new RegistryClient(w.registry.target as string, s1).initiateExit(s1.address);
      const entries = await registry.listSequencerEntries({ pageSize: 2 });
      expect(entries.map((e) => e.address)).to.deep.equal([...w.sequencers.map((s) => s.address), w.stranger.address]);
      expect(entries[1].status).to.equal(SequencerStatus.Exiting);
      expect(entries[4].status).to.equal(SequencerStatus.Queued);
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      for (const knownAt of [info.activeFrom - 1n, info.activeFrom, now, now + 1_000n, 0n]) {
        for (const e of entries) {
          expect(eligibilityOf(e, knownAt)).to.equal(await registry.eligibility(e.address, knownAt));
          expect(eligibilityOf(e, knownAt) === Eligibility.Eligible).to.equal(await registry.isEligible(e.address, knownAt));
        }
      }
      const unregistered = { ...entries[0], withdrawer: ZeroAddress };
      expect(eligibilityOf(unregistered, now)).to.equal(Eligibility.Unregistered);
      expect(await registry.listSequencers()).to.deep.equal(entries.map((e) => e.address));
    });

    it("decodes pages exactly as the ABI decoder does", async () => {
      const w = await load(world);
      const data = w.registry.interface.encodeFunctionData("getSequencers", [1n, 10n]);
      const raw = await ethers.provider.call({ to: w.registry.target as string, data });
      const generic = w.registry.interface.decodeFunctionResult("getSequencers", raw)[0] as unknown[][];
      const fast = decodeSequencerPage(raw);
      expect(fast.length).to.equal(3);
      fast.forEach((row, i) => {
        expect([row.address, BigInt(row.status), row.withdrawer, row.stake, row.registeredAt, row.activeFrom, row.exitInitiatedAt, row.exitableAt, row.ejectedAt]).to.deep.equal([...generic[i]]);
      });
      expect(decodeSequencerPage(await ethers.provider.call({ to: w.registry.target as string, data: w.registry.interface.encodeFunctionData("getSequencers", [9n, 10n]) }))).to.deep.equal([]);
      expect(() => decodeSequencerPage("0x")).to.throw(FernetError);
    });

    it("refuses writes the registry would revert, with typed errors", async () => {
      const w = await load(world);
      const [s0, s1] = w.sequencers;
      const asS0 = new RegistryClient(w.registry.target as string, s0);
      expect(await rejection(new RegistryClient(w.registry.target as string, ethers.provider).withdraw(s0.address))).to.be.instanceOf(NoSignerError);
      expect(await rejection(asS0.register(s0.address, s0.address))).to.be.instanceOf(SequencerStatusError);
      const fresh = Wallet.createRandom().address;
      const poor = new RegistryClient(w.registry.target as string, w.stranger);
      const noAllowance = (await rejection(poor.register(fresh, fresh))) as InsufficientTokensError;
      expect(noAllowance.kind).to.equal("allowance");
      expect(await rejection(asS0.initiateExit(s1.address))).to.be.instanceOf(NotAuthorisedError);
      expect(await rejection(asS0.initiateExit(fresh))).to.be.instanceOf(SequencerStatusError);
      await asS0.initiateExit(s0.address);
      expect(await rejection(asS0.initiateExit(s0.address))).to.be.instanceOf(SequencerStatusError);
      const early = (await rejection(asS0.withdraw(s0.address))) as SequencerStatusError;
      expect(early.details).to.contain("Wait until exitableAt");
      expect(await rejection(asS0.withdraw(s1.address))).to.be.instanceOf(SequencerStatusError);
      // Owner-only and slasher-only calls are simulated: the contract's error comes back typed.
      const notSlasher = (await rejection(asS0.slash(s1.address, 1n, 0n))) as ContractRevertError;
      expect(notSlasher.errorName).to.equal("Registry__NotSlasher");
      expect(((await rejection(asS0.queueSlasherChange(fresh, true))) as ContractRevertError).errorName).to.equal("OwnableUnauthorizedAccount");
      expect(((await rejection(asS0.executeSlasherChange(fresh))) as ContractRevertError).errorName).to.equal("Registry__NoPendingSlasherChange");
      const owner = new RegistryClient(w.registry.target as string, w.deployer);
      await owner.queueSlasherChange(fresh, true);
      expect((await owner.pendingSlasherChange(fresh)).allowed).to.equal(true);
      await owner.cancelSlasherChange(fresh);
      expect((await owner.pendingSlasherChange(fresh)).executableAt).to.equal(0n);
      await time.increase(w.regCfg.exitDelay);
      await asS0.withdraw(s0.address);
      expect(await asS0.statusOf(s0.address)).to.equal(SequencerStatus.None);
    });
  });

  describe("token", () => {
    it("reads, approves, transfers and permits, and checks balances first", async () => {
      const w = await load(world);
      const owner = new TokenClient(w.token.target as string, w.deployer);
      expect(await owner.name()).to.equal("Fernet Token");
      expect(await owner.symbol()).to.equal("FNT");
      expect(await owner.decimals()).to.equal(18);
      expect(await owner.owner()).to.equal(w.deployer.address);
      const supply = await owner.totalSupply();
      await owner.mint(w.stranger.address, 5n);
      expect(await owner.totalSupply()).to.equal(supply + 5n);
      const s = new TokenClient(w.token.target as string, w.stranger);
      const before = await s.balanceOf(w.stranger.address);
      const tooMuch = (await rejection(s.transfer(w.deployer.address, before + 1n))) as InsufficientTokensError;
      expect(tooMuch.kind).to.equal("balance");
      await s.transfer(w.deployer.address, 5n);
      expect(await s.balanceOf(w.stranger.address)).to.equal(before - 5n);
      expect(await s.ensureAllowance(w.deployer.address, 7n)).to.not.equal(undefined);
      expect(await s.ensureAllowance(w.deployer.address, 7n)).to.equal(undefined);
      expect(await s.allowance(w.stranger.address, w.deployer.address)).to.equal(7n);
      expect(await rejection(owner.transferFrom(w.stranger.address, w.deployer.address, 8n))).to.be.instanceOf(InsufficientTokensError);
      await owner.transferFrom(w.stranger.address, w.deployer.address, 7n);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const permit = await owner.signPermit(w.stranger, w.provers[2].address, 9n, deadline);
      expect(await s.nonces(w.stranger.address)).to.equal(0n);
      await owner.permit(permit);
      expect(await s.allowance(w.stranger.address, w.provers[2].address)).to.equal(9n);
      expect(((await rejection(owner.permit(permit))) as ContractRevertError).errorName).to.equal("ERC2612InvalidSigner");
    });
  });

  describe("rollup", () => {
    it("reads config, chain state, seeds, scores and the hashing views, equal to the SDK's own", async () => {
      const w = await load(world);
      const { rollup } = clientsOf(w, ethers.provider);
      const c = await rollup.getConfig();
      expect(c).to.deep.include({ registry: w.registry.target, token: w.token.target, lookahead: w.cfg.lookahead, blockReward: w.cfg.blockReward });
      expect((await rollup.registry()).address).to.equal(w.registry.target);
      expect((await rollup.token()).address).to.equal(w.token.target);
      expect(await rollup.pendingHeight()).to.equal(1n);
      expect(await rollup.archive()).to.equal(c.genesisArchive);
      expect(await rollup.genesisTime()).to.equal((await rollup.deployedAt()) + c.genesisDelay);
      const seed = await rollup.seed(1n);
      expect(await rollup.seedKnownAt(1n)).to.be.greaterThan(0n);
      for (const s of w.sequencers) expect(await rollup.score(1n, s.address)).to.equal(scoreOf(seed, s.address));
      const rnd = await rollup.randomnessOf(1n);
      expect(rnd.knownAt).to.equal(0n); // round 1's snapshot is taken at its proposal deadline
      const txs = [1, 2, 3, 4, 5].map((i) => keccak256(toUtf8Bytes(`t${i}`)));
      for (let n = 0; n <= txs.length; n++) expect(await rollup.txsRootOf(txs.slice(0, n))).to.equal(txsRoot(txs.slice(0, n)));
      const b = await proposal(w);
      expect(await rollup.publicInputsHash(b.header, w.provers[0].address)).to.equal(publicInputsHash(w.chainId, rollup.address, b.header, w.provers[0].address));
      const quote = { height: 1n, blockHash: blockHash(b.header), prover: w.provers[0].address, bond: 1n, proverRewardBps: 2n, validUntil: 3n };
      expect(await rollup.quoteDigest(quote)).to.equal(await rollup.localQuoteDigest(quote));
      expect(await rollup.rewardPool()).to.equal(1_000n * TOKEN);
      expect(await rollup.totalBurned()).to.equal(0n);
      expect(await rollup.rewardsOf(w.stranger.address)).to.equal(0n);
      expect(await rollup.signalRoundOf(1n)).to.equal(await w.rollup.signalRoundOf(1n));
      expect(await rollup.signalCount(0n, ZeroHash)).to.equal(0n);
      expect(await rollup.passedPayload(0n)).to.equal(ZeroHash);
      expect(await rejection(rollup.seed(w.cfg.lookahead + 5n))).to.satisfy((e: unknown) => isContractError(e, "Rollup__SeedUnknown"));
    });

    it("checks every round write before sending, then runs a round, history, events and confirmations", async () => {
      const w = await load(world);
      const [best, second] = await ranked(w, 1n);
      const asBest = new RollupClient(w.rollup.target as string, best);
      const asSecond = new RollupClient(w.rollup.target as string, second);
      const asProver = new RollupClient(w.rollup.target as string, w.provers[0]);
      const asStranger = new RollupClient(w.rollup.target as string, w.stranger);
      const b = await proposal(w);
      const notStarted = (await rejection(asBest.propose(b.header))) as WrongPhaseError;
      expect(notStarted).to.be.instanceOf(WrongPhaseError);
      expect(notStarted.phase).to.equal(Phase.NotStarted);
      await toRoundStart(w);
      const fromBlock = await ethers.provider.getBlockNumber();
      expect(await rejection(asBest.propose({ ...b.header, height: 2n }))).to.be.instanceOf(WrongHeightError);
      expect(await rejection(asBest.propose({ ...b.header, parentArchive: ZeroHash }))).to.be.instanceOf(WrongParentError);
      const tooMany = await rejection(asBest.propose({ ...b.header, txCount: 2n ** 32n + 1n }));
      expect(tooMany).to.be.instanceOf(TooManyTxsError);
      expect(tooMany).to.include({ txCount: 2n ** 32n + 1n, max: 2n ** 32n });
      const stranger = (await rejection(asStranger.propose(b.header))) as NotEligibleError;
      expect(stranger.reason).to.equal(Eligibility.Unregistered);
      await asBest.propose(b.header);
      const beaten = (await rejection(asSecond.propose((await proposal(w)).header))) as ScoreBeatenError;
      expect(beaten).to.be.instanceOf(ScoreBeatenError);
      expect(beaten.bestScore).to.equal(scoreOf((await asBest.getHeightState(1n)).seed, best.address));
      expect(await rejection(asSecond.reveal(1n, b.data))).to.be.instanceOf(NotProposerError);
      expect(await rejection(asBest.reveal(1n, "0x1234"))).to.be.instanceOf(BlockMismatchError);
      const q = await makeQuote(w, best, b.header, w.provers[0].address);
      expect(await rejection(asProver.commitProver(q.quote, q.signature))).to.be.instanceOf(WrongPhaseError);
      await time.increaseTo((await deadlines(w)).proposal);
      const problem = async (quote: typeof q.quote, signature = q.signature, client = asProver) =>
        ((await rejection(client.commitProver(quote, signature))) as InvalidQuoteError).problem;
      expect(await problem(q.quote, q.signature, asStranger)).to.equal("not-quoted-prover");
      expect(await problem({ ...q.quote, blockHash: ZeroHash })).to.equal("wrong-block");
      expect(await problem({ ...q.quote, validUntil: 1n })).to.equal("expired");
      expect(await problem({ ...q.quote, bond: 1n })).to.equal("bond-too-low");
      expect(await problem({ ...q.quote, bond: 2n ** 96n })).to.equal("bond-too-high");
      expect(await problem({ ...q.quote, proverRewardBps: 10_001n })).to.equal("reward-share-too-high");
      expect(await problem(q.quote, await asSecond.signQuote(second, q.quote))).to.equal("wrong-signer");
      expect(await problem(q.quote, "0x1234")).to.equal("wrong-signer");
      const huge = await makeQuote(w, best, b.header, w.provers[0].address, { bond: 20_000n * TOKEN });
      const escrow = (await rejection(asProver.commitProver(huge.quote, huge.signature))) as InsufficientEscrowError;
      expect(escrow).to.be.instanceOf(InsufficientEscrowError);
      expect(escrow.free).to.equal(10_000n * TOKEN);
      await asProver.commitProver(q.quote, q.signature);
      expect(await rejection(asProver.commitProver(q.quote, q.signature))).to.be.instanceOf(WrongPhaseError);
      expect((await asProver.escrowOf(w.provers[0].address)).locked).to.equal(q.quote.bond);
      const locked = (await rejection(asProver.withdrawEscrow(10_000n * TOKEN))) as InsufficientEscrowError;
      expect(locked.free).to.equal(10_000n * TOKEN - q.quote.bond);
      await asBest.reveal(1n, b.data);
      const proof = mockProof(publicInputsHash(w.chainId, asBest.address, b.header, w.provers[0].address));
      expect(await rejection(asStranger.submitProof(b.header, proof))).to.be.instanceOf(WrongPhaseError);
      await time.increaseTo((await deadlines(w)).commitment);
      expect(await rejection(asStranger.submitProof((await proposal(w)).header, proof))).to.be.instanceOf(BlockMismatchError);
      expect(await rejection(asStranger.submitBackupBlock(b.header, b.data, proof))).to.be.instanceOf(WrongPhaseError);
      await asStranger.submitProof(b.header, proof);
      expect(await asStranger.tip()).to.equal(1n);
      const [record] = await asStranger.getBlocks(1n, 1n);
      expect(record.canonicalBlockHash).to.equal(blockHash(b.header));
      expect(await txConfirmation(asStranger, 1n, b.txHashes[1])).to.equal(ConfirmationStage.L1Finalized);
      // Rewards and escrow.
      const rewards = await asProver.rewardsOf(w.provers[0].address);
      expect(rewards).to.be.greaterThan(0n);
      await asProver.claimRewards(w.provers[0].address);
      await asProver.withdrawEscrow(1n);
      expect((await asProver.escrowOf(w.provers[0].address)).total).to.equal(10_000n * TOKEN - 1n);
      await asStranger.fundRewards(0n, { skipChecks: true }).catch((e: unknown) => expect(isContractError(e, "Rollup__ZeroAmount")).to.equal(true));
      expect(await rejection(new RollupClient(w.rollup.target as string, Wallet.createRandom().connect(ethers.provider)).fundRewards(1n))).to.be.instanceOf(InsufficientTokensError);
      await w.token.connect(w.stranger).approve(w.rollup.target, ethers.MaxUint256);
      await asStranger.fundRewards(3n);
      await asStranger.deposit(4n);
      expect((await asStranger.escrowOf(w.stranger.address)).total).to.equal(4n);
      // Typed events over the range, with their L1 positions.
      const events = await readEvents("rollup", asStranger, { fromBlock, names: ["BlockProposed", "ProverCommitted", "BlockFinalized"] });
      expect(events.map((e) => e.name)).to.deep.equal(["BlockProposed", "ProverCommitted", "BlockFinalized"]);
      const [first] = events;
      if (first.name !== "BlockProposed") throw new Error(`expected BlockProposed first, got ${first.name}`);
      expect(first.args.header.txsRoot).to.equal(b.header.txsRoot); // args narrowed by the name, no cast

      expect(events[0].transactionHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(events[2].blockNumber).to.be.greaterThan(events[0].blockNumber);
      expect(await rejection(readEvents("rollup", asStranger, { names: ["Nope" as "BlockProposed"] }))).to.be.instanceOf(UnknownEventError);
      const registryEvents = await readEvents("registry", { address: w.registry.target as string, runner: ethers.provider }, { names: ["SequencerRegistered"] });
      expect(registryEvents.length).to.equal(4);
    });

    it("checks settlements and pokes, and settles a missed reveal", async () => {
      const w = await load(world);
      const [best] = await ranked(w, 1n);
      const asStranger = new RollupClient(w.rollup.target as string, w.stranger);
      for (const settle of [() => asStranger.slashProver(1n), () => asStranger.penaliseMissedReveal(1n), () => asStranger.penaliseMissedCommitment(1n)]) {
        expect(await rejection(settle())).to.be.instanceOf(NothingToSettleError);
      }
      expect(((await rejection(asStranger.poke())) as ContractRevertError).errorName).to.equal("Rollup__NoSnapshotDue");
      await toRoundStart(w);
      const b = await proposal(w);
      await new RollupClient(w.rollup.target as string, best).propose(b.header);
      await time.increaseTo((await deadlines(w)).proposal);
      await asStranger.poke().catch(() => undefined); // due once per round: the commitment below may take it too
      const q = await makeQuote(w, best, b.header, w.provers[0].address);
      await new RollupClient(w.rollup.target as string, w.provers[0]).commitProver(q.quote, q.signature);
      await time.increaseTo((await deadlines(w)).reveal);
      await mine();
      const state = await asStranger.getHeightState(1n);
      expect([state.phase, state.backupReason]).to.deep.equal([Phase.Backup, BackupReason.NoReveal]);
      const wrong = (await rejection(asStranger.slashProver(1n))) as NothingToSettleError;
      expect(wrong.actual).to.equal(BackupReason.NoReveal);
      await asStranger.penaliseMissedReveal(1n);
      expect((await rejection(asStranger.penaliseMissedReveal(1n))) as NothingToSettleError).to.have.property("settled", true);
      const backup = await proposal(w);
      const proof = mockProof(publicInputsHash(w.chainId, asStranger.address, backup.header, w.stranger.address));
      expect(await rejection(asStranger.submitBackupBlock(backup.header, "0x12", proof))).to.be.instanceOf(BlockMismatchError);
      await asStranger.submitBackupBlock(backup.header, backup.data, proof);
      expect((await asStranger.getBlock(1n)).backupSubmitter).to.equal(w.stranger.address);
    });
  });

  describe("ranking, leaders and live events", () => {
    it("ranks in pure code exactly as the contract scores, and schedules the leaders ahead", async () => {
      const w = await load(world);
      const { rollup, registry } = clientsOf(w, ethers.provider);
      const seed = await rollup.seed(1n);
      const keys = Array.from({ length: 50 }, () => Wallet.createRandom().address);
      const ranking = rankBySeed(seed, keys);
      for (let i = 1; i < ranking.length; i++) expect(ranking[i - 1].score >= ranking[i].score).to.equal(true);
      for (const r of ranking.slice(0, 5)) expect(r.score).to.equal(await rollup.score(1n, r.sequencer));
      const schedule = await leaderSchedule(rollup, registry);
      expect(schedule.map((s) => s.height)).to.deep.equal([1n, 2n]);
      const expected = await ranked(w, 1n);
      expect(schedule[0].leader!.sequencer).to.equal(expected[0].address);
      expect(schedule[0].next!.sequencer).to.equal(expected[1].address);
      expect(schedule[0]).to.deep.include({ known: true, eligible: 4, currentProposer: ZeroAddress });
      const longer = await leaderSchedule(rollup, registry, { lookahead: 4 });
      expect(longer[3]).to.deep.include({ height: 4n, known: false, eligible: 0 });
    });

    it("notices a reorg of delivered blocks, says which left the chain, and delivers the new chain's events", async () => {
      const w = await load(world);
      const provider = ethers.provider;
      const stop = new AbortController();
      const reorgs: Reorg[] = [];
      const seen: { value: bigint; blockNumber: number }[] = [];
      const source = { address: w.token.target as string, runner: { provider } };
      const snapshot = await provider.send("evm_snapshot", []);
      const watcher = (async () => {
        for await (const ev of watchEvents("token", source, { names: ["Transfer"], pollingInterval: 20, signal: stop.signal, onReorg: (r) => reorgs.push(r) })) {
          seen.push({ value: ev.args.value, blockNumber: ev.blockNumber });
          if (seen.length === 2) stop.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      const first = (await (await w.token.connect(w.stranger).transfer(w.deployer.address, 11n)).wait())!.blockNumber;
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(seen).to.deep.equal([{ value: 11n, blockNumber: first }]);
      // The block of that transfer leaves the chain; another transfer takes its number.
      await provider.send("evm_revert", [snapshot]);
      const second = (await (await w.token.connect(w.stranger).transfer(w.deployer.address, 12n)).wait())!.blockNumber;
      expect(second).to.equal(first);
      const timeout = setTimeout(() => stop.abort(), 5_000);
      await watcher;
      clearTimeout(timeout);
      expect(seen).to.deep.equal([
        { value: 11n, blockNumber: first },
        { value: 12n, blockNumber: first },
      ]);
      expect(reorgs).to.deep.equal([{ fromBlock: first, toBlock: first }]);
    });

    it("after a reorg, reads again only from the fork: events before it are not delivered twice", async () => {
      const w = await load(world);
      const provider = ethers.provider;
      const stop = new AbortController();
      const reorgs: Reorg[] = [];
      const errors: string[] = [];
      const seen: bigint[] = [];
      const source = { address: w.token.target as string, runner: { provider } };
      const watcher = (async () => {
        for await (const ev of watchEvents("token", source, { names: ["Transfer"], pollingInterval: 20, signal: stop.signal, onReorg: (r) => reorgs.push(r), onError: (e) => errors.push(String(e)) })) {
          seen.push(ev.args.value);
          if (seen.length === 4) stop.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      const send = async (value: bigint) => (await (await w.token.connect(w.stranger).transfer(w.deployer.address, value)).wait())!.blockNumber;
      const a = await send(1n);
      const snapshot = await provider.send("evm_snapshot", []);
      await mine(2); // blocks without events between
      const b = await send(2n);
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(seen).to.deep.equal([1n, 2n]);
      await provider.send("evm_revert", [snapshot]); // back to block a
      await send(3n);
      await send(4n);
      const timeout = setTimeout(() => stop.abort(), 5_000);
      await watcher;
      clearTimeout(timeout);
      expect(seen, `reorgs ${JSON.stringify(reorgs)}, errors ${errors.join(" | ")}, blocks a=${a} b=${b}`).to.deep.equal([1n, 2n, 3n, 4n]);
      expect(reorgs).to.have.length(1);
      expect(reorgs[0]).to.deep.equal({ fromBlock: a + 1, toBlock: reorgs[0].toBlock });
      expect(reorgs[0].toBlock).to.be.at.least(b);
    });

    it("never skips blocks a stale or lying head names before they exist (the range is read again)", async () => {
      const w = await load(world);
      let lie = 0; // how many of the next getBlockNumber answers claim 5 blocks that do not exist yet
      const provider = new Proxy(ethers.provider, {
        get(target, prop, receiver) {
          if (prop === "getBlockNumber") {
            return async () => {
              const n = await target.getBlockNumber();
              return lie > 0 ? (lie--, n + 5) : n;
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const stop = new AbortController();
      const seen: bigint[] = [];
      const source = { address: w.token.target as string, runner: { provider } };
      const watcher = (async () => {
        for await (const ev of watchEvents("token", source, { names: ["Transfer"], pollingInterval: 20, signal: stop.signal })) {
          seen.push(ev.args.value);
          if (seen.length === 3) stop.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      lie = 3;
      for (let i = 0; i < 100 && lie > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lie).to.equal(0);
      for (const value of [1n, 2n, 3n]) await (await w.token.connect(w.stranger).transfer(w.deployer.address, value)).wait();
      const timeout = setTimeout(() => stop.abort(), 5_000);
      await watcher;
      clearTimeout(timeout);
      expect(seen).to.deep.equal([1n, 2n, 3n]);
    });

    it("watches events live through RPC failures, with a confirmation depth", async () => {
      const w = await load(world);
      let failures = 0;
      const provider = new Proxy(ethers.provider, {
        get(target, prop, receiver) {
          if (prop === "getLogs") {
            return async (...args: unknown[]) => {
              if (failures < 2) {
                failures++;
                throw new Error("connection reset");
              }
              return (target.getLogs as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
      const stop = new AbortController();
      const errors: number[] = [];
      const source = { address: w.token.target as string, runner: { provider } };
      const seen: { value: bigint; blockNumber: number; logIndex: number }[] = [];
      const watcher = (async () => {
        for await (const ev of watchEvents("token", source, { names: ["Transfer"], confirmations: 2, pollingInterval: 20, signal: stop.signal, onError: (_e, n) => errors.push(n) })) {
          seen.push({ value: ev.args.value, blockNumber: ev.blockNumber, logIndex: ev.logIndex });
          if (seen.length === 2) stop.abort();
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      await w.token.connect(w.stranger).transfer(w.deployer.address, 11n);
      await w.token.connect(w.stranger).transfer(w.deployer.address, 12n);
      await new Promise((r) => setTimeout(r, 150));
      expect(seen).to.deep.equal([]); // not 2 confirmations deep yet
      await mine(2);
      await watcher;
      expect(seen.map((s) => s.value)).to.deep.equal([11n, 12n]);
      expect(errors).to.deep.equal([1, 2]);
    });
  });

  describe("Astria", () => {
    it("wraps the slasher's bonds, bindings and evidence and the light client's lookups", async () => {
      const { w, signed } = await load(honest);
      const slasher = new AstriaSlasherClient(w.slasher.target as string, w.reporter);
      const lc = new AstriaLightClientClient(w.lightClient.target as string, ethers.provider);
      const cfg = await slasher.getConfig();
      expect(cfg.rollup).to.equal(w.rollup.target);
      expect(cfg.lightClient).to.equal(w.lightClient.target);
      expect((await slasher.token()).address).to.equal(w.token.target);
      const bond = await slasher.bondOf(w.seqA.address);
      expect(bond.amount).to.be.greaterThanOrEqual(cfg.minimumBond);
      expect(await slasher.isInForce(w.seqA.address, 3n)).to.equal(true);
      expect(await slasher.totalBonded()).to.be.greaterThan(0n);
      const record = await slasher.bindingAt(3n);
      expect(record).to.deep.include({ posted: true, slashed: false, astriaStart: signed!.binding.astriaStart, astriaEnd: signed!.binding.astriaEnd });
      expect(await slasher.lastBoundHeight()).to.equal(3n);
      expect(await slasher.expectedAstriaStart()).to.equal(signed!.binding.astriaEnd);
      expect(await slasher.bindingDigest(signed!.binding)).to.be.a("string");
      expect(await slasher.entriesRoot(signed!.entries)).to.equal(signed!.binding.entriesRoot);
      expect(await slasher.entryHash(signed!.entries[0])).to.match(/^0x/);
      // Evidence: two different signed bindings for one height.
      const other = { ...signed!.binding, entriesRoot: keccak256("0x01") };
      const sigB = await new AstriaSlasherClient(w.slasher.target as string, w.seqA).signBinding(w.seqA, other);
      const same = (await rejection(slasher.proveDoubleBinding(signed!.binding, signed!.signature, signed!.binding, signed!.signature))) as ContractRevertError;
      expect(same.errorName).to.equal("Astria__SameBinding");
      await slasher.proveDoubleBinding(signed!.binding, signed!.signature, other, sigB);
      expect((await slasher.bindingAt(3n)).slashed).to.equal(true);
      for (const evidence of [
        () => slasher.proveWrongBlockHash(signed!.binding, signed!.signature),
        () => slasher.proveMissingBinding(3n),
      ]) {
        expect(await rejection(evidence())).to.be.instanceOf(ContractRevertError);
      }
      // Bond checks.
      const asStranger = new AstriaSlasherClient(w.slasher.target as string, w.stranger);
      expect(await rejection(asStranger.bond(w.seqB.address, cfg.minimumBond))).to.be.instanceOf(AstriaBondError);
      expect(await rejection(asStranger.bond(w.stranger.address, 1n))).to.be.instanceOf(AstriaBondError);
      expect(await rejection(asStranger.requestUnbond())).to.be.instanceOf(AstriaBondError);
      expect(await rejection(asStranger.withdraw(w.stranger.address))).to.be.instanceOf(AstriaBondError);
      // Light client.
      expect(await lc.astriaChainId()).to.equal("astria-local");
      const latest = await lc.latestHeight();
      expect(latest).to.be.greaterThan(0n);
      const h = await lc.getHeader(latest);
      expect(await lc.findHeader(latest)).to.deep.equal(h);
      expect(await lc.findHeader(latest + 100n)).to.equal(undefined);
      expect(((await rejection(lc.getHeader(latest + 100n))) as ContractRevertError).errorName).to.equal("AstriaLightClient__UnknownHeight");
      const set = await lc.currentValidatorSet();
      expect(await lc.hashValidatorSet(w.validators)).to.equal(set.setHash);
      expect(await lc.validatorSetUpdateDigest(w.validators, set.activeFromHeight + 100n)).to.match(/^0x/);
      const header = { chainId: "astria-local", height: latest + 1n, time: 1n, dataHash: ZeroHash, proposerAddress: "0x" + "00".repeat(20), rollupTransactionsRoot: ZeroHash };
      expect(await lc.headerDigest(header, set.setId)).to.equal(headerDigest(header, set.setId));
      expect(await lc.firstHeight()).to.be.lessThanOrEqual(set.activeFromHeight);
      expect((await lc.validatorSetAt(set.setId)).setHash).to.equal(set.setHash);
      const asReporter = new AstriaLightClientClient(w.lightClient.target as string, w.reporter);
      expect(((await rejection(asReporter.submitHeader(header, set.setId, w.validators, []))) as ContractRevertError).errorName).to.equal("AstriaLightClient__InsufficientVotingPower");
      expect(((await rejection(asReporter.submitHeader(header, set.setId + 5n, w.validators, []))) as ContractRevertError).errorName).to.equal("AstriaLightClient__UnknownValidatorSet");
      expect(await rejection(asReporter.updateValidatorSet(w.validators, w.validators, set.activeFromHeight + 1n, []))).to.be.instanceOf(ContractRevertError);
      const fernet = await connect({ registry: w.registry.target as string, rollup: w.rollup.target as string, token: w.token.target as string, astriaSlasher: w.slasher.target as string, astriaLightClient: w.lightClient.target as string }, ethers.provider);
      const schedule = await leaderSchedule(fernet.rollup, fernet.registry, { slasher: fernet.astriaSlasher, lookahead: 1 });
      expect(schedule[0].known ? schedule[0].astria : { bonded: false, inForce: false }).to.have.keys("bonded", "inForce");
    });
  });
});
