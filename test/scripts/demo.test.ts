/**
 * The demo end to end, small (3 sequencers, 1 happy round, 1 thread per farm), on the in-process
 * network: every story runs and its outcome is asserted here from chain state, independently of the
 * demo's own checks; the checks themselves refuse a height where the outcome did not happen; bad
 * options are refused by name. The chain is restored afterwards (evm_revert), so no other test sees
 * the demo's deployment or its L1 time.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { runDemo, type DemoResult } from "../../scripts/lib/demo/run";
import { STORIES, STORY_NAMES, storiesOption, UPGRADE_PAYLOAD } from "../../scripts/lib/demo/stories";
import { DeployInputError } from "../../scripts/lib/inputs";
import { BackupReason, Finalization } from "../../sdk/src/types";
import { decodeBlockData } from "../../sdk/src/blockdata";

describe("npm run demo (end to end, small)", function () {
  this.timeout(300_000);
  let snapshot: string;
  let result: DemoResult;
  const lines: string[] = [];

  before(async () => {
    snapshot = await ethers.provider.send("evm_snapshot", []);
    result = await runDemo({ sequencers: 3, happy: 1, txs: 2, workers: 1, workPerJob: 10, stories: [...STORY_NAMES] }, (l) => lines.push(l));
  });

  after(async () => {
    await ethers.provider.send("evm_revert", [snapshot]);
  });

  const story = (name: string) => result.stories.find((s) => s.name === name)!;
  const rollup = () => result.world.fernet.rollup;
  const c = () => rollup().contract;
  const from = () => result.world.fernet.deployment.deployBlock;

  it("runs every story in order and reports each outcome as found", () => {
    expect(result.stories.map((s) => s.name)).to.deep.equal([...STORY_NAMES]);
    for (const s of result.stories) expect(s.outcome.ok, `${s.name}: ${s.outcome.fact}`).to.equal(true);
    expect(result.ok).to.equal(true);
    expect(lines.some((l) => l.includes("all expected outcomes happened"))).to.equal(true);
  });

  it("happy round: the height is proven by the prover that committed to it", async () => {
    const [h] = story("happy").heights;
    expect((await rollup().getBlock(h)).finalization).to.equal(Finalization.Proven);
    const fin = await c().queryFilter(c().filters.BlockFinalized(h), from());
    const committed = await c().queryFilter(c().filters.ProverCommitted(h), from());
    expect(fin[0].args.submitter).to.equal(committed[0].args.prover);
  });

  it("no proposal: no BlockProposed, and a backup block by the backup prover", async () => {
    const [h] = story("no-proposal").heights;
    expect(await c().queryFilter(c().filters.BlockProposed(h), from())).to.have.length(0);
    expect((await rollup().getBlock(h)).finalization).to.equal(Finalization.Backup);
    expect((await c().queryFilter(c().filters.BlockFinalized(h), from()))[0].args.submitter).to.equal(result.world.provers[0].address);
  });

  it("withheld proof: the committed prover is slashed once, by the watcher, and the height ends in backup", async () => {
    const [h] = story("withheld-proof").heights;
    const slashed = await c().queryFilter(c().filters.ProverSlashed(h), from());
    expect(slashed).to.have.length(1);
    expect(slashed[0].args.prover).to.equal(result.world.provers[1].address);
    expect(slashed[0].args.reporter).to.equal(result.world.watcher.address);
    expect((await rollup().getBlock(h)).finalization).to.equal(Finalization.Backup);
  });

  it("missed reveal: the winner is penalised (NoReveal) by the watcher, and the height ends in backup", async () => {
    const [h] = story("missed-reveal").heights;
    const pen = await c().queryFilter(c().filters.ProposerPenalised(h), from());
    expect(pen).to.have.length(1);
    expect(pen[0].args.reason).to.equal(BigInt(BackupReason.NoReveal));
    expect(pen[0].args.reporter).to.equal(result.world.watcher.address);
    const proposed = await c().queryFilter(c().filters.BlockProposed(h), from());
    expect(proposed.map((e) => e.args.proposer)).to.include(pen[0].args.proposer);
    expect((await rollup().getBlock(h)).finalization).to.equal(Finalization.Backup);
  });

  it("upgrade signal: every header of the story signals the payload (none before), and it passes with the quorum", async () => {
    const passed = await c().queryFilter(c().filters.PayloadPassed(undefined, UPGRADE_PAYLOAD), from());
    expect(passed).to.have.length(1);
    expect(passed[0].args.signals).to.equal((await rollup().getConfig()).signalQuorum);
    const heights = story("upgrade-signal").heights;
    for (const h of heights) {
      for (const e of await c().queryFilter(c().filters.BlockProposed(h), from())) expect(e.args.header.signal).to.equal(UPGRADE_PAYLOAD);
    }
    // Before the story, no header signalled.
    for (const e of await c().queryFilter(c().filters.BlockProposed(story("happy").heights[0]), from())) expect(e.args.header.signal).to.equal(ethers.ZeroHash);
  });

  it("a user's tx, sent over HTTP to the sequencers, reaches the proven stage in a happy height", () => {
    const [h] = story("happy").heights;
    const report = result.heights.find((r) => r.height === h)!;
    expect(report.userTx?.stages).to.include.members(["BestProposal", "ProverCommitted", "DataAvailable"]);
    expect(report.userTx!.stages.at(-1)).to.be.oneOf(["Proven", "L1Finalized"]);
  });

  it("Astria-backed block: the bonded leader's binding is posted and not slashed; the user's preconfirmed tx is at the promised position", async () => {
    const heights = story("astria-preconfirmed").heights;
    const h = heights[heights.length - 1];
    const pre = result.heights.find((r) => r.height === h)!.astriaTxs!.preconfirmation!;
    const slasher = result.world.fernet.astriaSlasher!;
    const record = await slasher.bindingAt(h);
    expect(record.posted).to.equal(true);
    expect(record.slashed).to.equal(false);
    const posted = await slasher.contract.queryFilter(slasher.contract.filters.BindingPosted(h), from());
    expect(posted.map((e) => e.args.sequencer)).to.deep.equal([pre.sequencer]);
    expect(posted[0].args.digest).to.equal(pre.bindingDigest);
    expect(await slasher.isInForce(pre.sequencer, h)).to.equal(true);
    const revealed = await c().queryFilter(c().filters.BlockRevealed(h), from());
    expect(decodeBlockData(revealed[0].args.data).txHashes[Number(pre.l2Position)].toLowerCase()).to.equal(pre.txHash.toLowerCase());
    expect((await rollup().getBlock(h)).finalization).to.equal(Finalization.Proven);
    // The heights before it waited for the bonds: none of them was backed (nothing to bind).
    for (const w of heights.slice(0, -1)) expect((await slasher.bindingAt(w)).posted).to.equal(false);
  });

  it("reordered top-of-block: the leader's Astria bond is slashed once, from the watcher's TxMismatch evidence", async () => {
    const heights = story("astria-reorder").heights;
    const h = heights[heights.length - 1];
    const slasher = result.world.fernet.astriaSlasher!;
    const sc = slasher.contract;
    const slashed = await sc.queryFilter(sc.filters.Slashed(h), from());
    expect(slashed).to.have.length(1);
    expect(slashed[0].args.offence).to.equal(3n); // TxMismatch
    expect(slashed[0].args.reporter).to.equal(result.world.watcher.address);
    const { minimumBond, penalty } = await slasher.getConfig();
    expect((await slasher.bondOf(slashed[0].args.sequencer)).amount).to.equal(minimumBond - penalty);
    expect((await slasher.bindingAt(h)).slashed).to.equal(true);
  });

  it("no tx is in two canonical blocks: sequencers drop txs that another's proven block included", async () => {
    const seen = new Set<string>();
    let included = 0;
    for (const ev of await c().queryFilter(c().filters.BlockRevealed(), from())) {
      if ((await rollup().getBlock(ev.args.height)).finalization !== Finalization.Proven) continue;
      for (const t of decodeBlockData(ev.args.data).txHashes) {
        expect(seen.has(t), `tx ${t} included twice`).to.equal(false);
        seen.add(t);
        included++;
      }
    }
    expect(included).to.be.greaterThan(0);
  });

  it("each story's check refuses a height where its outcome did not happen", async () => {
    const [happyHeight] = story("happy").heights;
    for (const name of ["no-proposal", "withheld-proof", "missed-reveal"] as const) {
      const outcome = await STORIES[name].check(result.world, [happyHeight]);
      expect(outcome.ok, name).to.equal(false);
    }
    const backed = story("astria-preconfirmed").heights.at(-1)!;
    expect((await STORIES["astria-reorder"].check(result.world, [backed])).ok).to.equal(false);
    expect((await STORIES["astria-preconfirmed"].check(result.world, [happyHeight])).ok).to.equal(false);
    const [backupHeight] = story("no-proposal").heights;
    expect((await STORIES.happy.check(result.world, [backupHeight])).ok).to.equal(false);
  });

  it("DEMO_STORIES takes a subset of the stories and refuses unknown names by variable", () => {
    expect(storiesOption({})).to.deep.equal([...STORY_NAMES]);
    expect(storiesOption({ DEMO_STORIES: "happy, upgrade-signal" })).to.deep.equal(["happy", "upgrade-signal"]);
    expect(() => storiesOption({ DEMO_STORIES: "happy,fireworks" })).to.throw(DeployInputError, /DEMO_STORIES: "fireworks" is not a story/);
    expect(() => storiesOption({ DEMO_STORIES: " , " })).to.throw(DeployInputError, /DEMO_STORIES: no story named/);
  });
});
