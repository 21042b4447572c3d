/**
 * Fault tests of the Redis farm, with real processes: `fernet farm-worker` children killed with
 * SIGKILL, a redis-server (append-only, fsync always) killed and restarted mid-proof, a broker closed
 * mid-proof and replaced, jobs that always fail or hang.
 */
import { expect } from "chai";
import {
  evaluatePlan,
  FarmClosedError,
  JobFailedError,
  MockProofBackend,
  planProofTree,
  ProverFarm,
  type FarmProof,
  type ProveRequest,
} from "../../src/prover";
import { RedisBroker, type RedisBrokerOptions } from "../../src/prover/redis";
import { inputsHashOf, rejection, requestFor } from "./fixtures";
import { sleep, startRedis, startWorkerProcess, waitFor, type RedisServer, type WorkerProcess } from "./redis-server";

/** Enough hashing per job (a few milliseconds) for a proof to be under way when a fault strikes. */
const FAULT_WORK = 4_000;

function referenceRoot(request: ProveRequest, work: number): string {
  return evaluatePlan(planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) }), work)
    .treeRoot;
}

describe("Redis farm faults (worker processes, redis-server restarts)", function () {
  this.timeout(90_000);

  const queue = `faults-${process.pid}`;
  let server: RedisServer;
  const workers: WorkerProcess[] = [];
  let spawned = 0;
  const farms: ProverFarm[] = [];

  function addWorker(): Promise<WorkerProcess> {
    return startWorkerProcess({ url: server.url, queue, workerId: `proc-${++spawned}` }).then((w) => {
      workers.push(w);
      return w;
    });
  }
  function brokerFor(options: Partial<RedisBrokerOptions> = {}): RedisBroker {
    return new RedisBroker({
      redis: server.url,
      queue,
      workPerJob: FAULT_WORK,
      jobTimeoutMs: 30_000,
      maxAttempts: 3,
      reconcileIntervalMs: 500,
      ...options,
    });
  }
  function farm(options: Partial<RedisBrokerOptions> = {}, broker = brokerFor(options)): ProverFarm {
    const created = new ProverFarm({ backend: new MockProofBackend(), broker });
    farms.push(created);
    return created;
  }

  before(async function () {
    this.timeout(120_000);
    server = await startRedis({ appendOnly: true });
    await Promise.all([addWorker(), addWorker()]);
  });
  afterEach(async () => {
    for (const f of farms.splice(0)) await f.close();
  });
  after(async function () {
    this.timeout(60_000);
    for (const f of farms.splice(0)) await f.close();
    for (const w of workers.splice(0)) await w.stop("SIGKILL");
    await server?.stop();
  });

  it("retries the job of a worker killed with SIGKILL mid-job on another worker: same proof as a clean run", async () => {
    const request = requestFor(16, 201n);
    // base-0's first attempt spins (a stuck prover) so that it is surely mid-job when its worker is killed.
    const broker = brokerFor({ faults: { "base-0": { mode: "hang", times: 1 } } });
    const f = farm({}, broker);
    const completedBy = new Map<string, string>();
    f.events.on("job-completed", (e) => completedBy.set(e.name, e.workerId));
    const proof = f.prove(request);

    let victimId = "";
    await waitFor("a worker to be proving base-0", async () => {
      const busy = (await broker.workers()).find((w) => w.state === "running" && w.current.some((id) => id.endsWith("/base-0")));
      victimId = busy?.workerId ?? "";
      return busy !== undefined;
    });
    const victim = workers.find((w) => w.workerId === victimId) as WorkerProcess;
    await victim.stop("SIGKILL");
    expect(victim.child.signalCode).to.equal("SIGKILL");
    workers.splice(workers.indexOf(victim), 1);
    const replacement = addWorker(); // back to two for the next tests (it boots while the proof goes on)

    const result = await proof;
    expect(result.treeRoot).to.equal(referenceRoot(request, FAULT_WORK));
    expect(result.stats.crashes).to.be.at.least(1);
    expect(result.stats.retries).to.be.at.least(1);
    expect(completedBy.get("base-0")).to.be.a("string").and.not.equal(victimId);
    await replacement;
  });

  it("completes a proof across a redis-server kill and restart (append-only): nothing lost, same tree root", async () => {
    const request = requestFor(64, 202n);
    const f = farm();
    let completed = 0;
    f.events.on("job-completed", () => completed++);
    const proof = f.prove(request);
    await waitFor("10 jobs to complete", () => completed >= 10);
    await server.kill();
    const completedWhileDown = completed;
    await sleep(500);
    await server.restart();

    const result = await proof;
    expect(completedWhileDown).to.be.below(result.stats.jobs);
    expect(result.treeRoot).to.equal(referenceRoot(request, FAULT_WORK));
    expect(result.stats.completed).to.equal(result.stats.jobs);
  });

  it("resumes a proof from Redis with a new broker after the first one is closed mid-proof", async () => {
    const request = requestFor(64, 203n);
    const first = farm();
    let done = 0;
    first.events.on("job-completed", () => done++);
    const interrupted = rejection(first.prove(request));
    await waitFor("12 jobs to complete", () => done >= 12);
    await first.close();
    const doneBefore = done;
    expect(await interrupted).to.be.instanceOf(FarmClosedError);

    const result: FarmProof = await farm().prove(request);
    expect(result.treeRoot).to.equal(referenceRoot(request, FAULT_WORK));
    expect(result.stats.completed).to.equal(result.stats.jobs);
    expect(result.stats.reused).to.be.at.least(doneBefore);
    expect(result.stats.attempts).to.be.at.most(result.stats.jobs - doneBefore);
  });

  it("ends a job that always fails in a JobFailedError naming it after maxAttempts, not a hang", async () => {
    const request = requestFor(4, 204n);
    const f = farm({ maxAttempts: 2, faults: { "base-1": { mode: "throw", times: Infinity } } });
    const retried: string[] = [];
    f.events.on("job-retried", (e) => retried.push(e.name));

    const error = await rejection(f.prove(request));
    expect(error).to.be.instanceOf(JobFailedError);
    expect(error).to.deep.include({ jobName: "base-1", kind: "base", attempts: 2 });
    expect((error as JobFailedError).jobId).to.match(/\/base-1$/);
    expect((error as JobFailedError).failures).to.have.length(2);
    expect((error as JobFailedError).failures.every((f) => f.startsWith("crash: "))).to.equal(true);
    expect((error as Error).message).to.contain("base-1");
    expect(retried).to.deep.equal(["base-1"]);
  });

  it("queues a job that failed in an earlier proof afresh when the block is proved again", async () => {
    const request = requestFor(4, 204n); // the block of the previous test: base-1 is in BullMQ's failed set
    const result = await farm().prove(request);
    expect(result.treeRoot).to.equal(referenceRoot(request, FAULT_WORK));
    expect(result.stats.reused).to.equal(1); // base-0, proved during the failed proof
    expect(result.stats.byKind.base.attempts).to.equal(1); // base-1, queued afresh
  });

  it("times out a stuck job on the worker (its thread is stopped) and retries it", async () => {
    const request = requestFor(6, 205n);
    const f = farm({ jobTimeoutMs: 1_000, faults: { "merge-1-0": { mode: "hang", times: 1 } } });
    const result = await f.prove(request);
    expect(result.treeRoot).to.equal(referenceRoot(request, FAULT_WORK));
    expect(result.stats).to.deep.include({ timeouts: 1, retries: 1, crashes: 0 });
  });

  it("stops a worker process gracefully on SIGTERM: exit code 0 and a 'stopped' log line", async () => {
    const worker = workers.pop() as WorkerProcess;
    expect(await worker.stop("SIGTERM")).to.equal(0);
    const lines = worker
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg: string; level: string });
    expect(lines.map((l) => l.msg)).to.include.members(["ready", "stopping", "stopped"]);
    expect(lines.at(-1)).to.deep.include({ msg: "stopped", level: "info" });
  });
});
