import { expect } from "chai";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import {
  evaluatePlan,
  InvalidFarmOptionError,
  MockProofBackend,
  planProofTree,
  ProverFarm,
  taskDigest,
  type ProveRequest,
} from "../../src/prover";
import { CorruptResultError, RedisUnavailableError, ResultDigestMismatchError } from "../../src/prover/errors";
import {
  BULL_PREFIX,
  createRedis,
  RedisBroker,
  RedisFarmWorker,
  RedisResultStore,
  type RedisBrokerOptions,
  type StoredResult,
} from "../../src/prover/redis";
import { OTHER_HASH, TEST_WORK, inputsHashOf, rejection, requestFor } from "./fixtures";
import { freePort, sleep, startRedis, waitFor, type RedisServer } from "./redis-server";

/** The tree root the farm must reproduce, computed sequentially on this thread. */
function referenceRoot(request: ProveRequest, work = TEST_WORK): string {
  return evaluatePlan(planProofTree({ txHashes: request.txHashes, publicInputsHash: inputsHashOf(request) }), work)
    .treeRoot;
}

describe("Redis farm (BullMQ)", function () {
  this.timeout(60_000);

  let server: RedisServer;
  let redis: Redis;
  const closers: (() => Promise<void>)[] = [];
  let queues = 0;

  before(async () => {
    server = await startRedis();
    redis = createRedis(server.url);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  after(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** A fresh queue name per test, so tests never see each other's jobs. */
  function queueName(): string {
    return `test-${process.pid}-${++queues}`;
  }
  function broker(queue: string, options: Partial<RedisBrokerOptions> = {}): RedisBroker {
    const created = new RedisBroker({
      redis: server.url,
      queue,
      workPerJob: TEST_WORK,
      jobTimeoutMs: 10_000,
      maxAttempts: 3,
      ...options,
    });
    closers.push(() => created.close());
    return created;
  }
  function farm(created: RedisBroker): ProverFarm {
    const f = new ProverFarm({ backend: new MockProofBackend(), broker: created });
    closers.push(() => f.close());
    return f;
  }
  async function worker(queue: string, workerId: string): Promise<RedisFarmWorker> {
    const created = new RedisFarmWorker({ redis: server.url, queue, workerId, lockDurationMs: 2_000 });
    closers.push(() => created.close());
    await created.start();
    return created;
  }

  describe("prove", () => {
    it("proves a block on two workers with the tree root of the sequential evaluation and the thread farm", async () => {
      const queue = queueName();
      const [a, b] = [await worker(queue, "worker-a"), await worker(queue, "worker-b")];
      const request = requestFor(9, 11n);
      const result = await farm(broker(queue)).prove(request);
      const threads = new ProverFarm({ backend: new MockProofBackend(), workers: 2, workPerJob: TEST_WORK });
      closers.push(() => threads.close());
      const threadResult = await threads.prove(request);

      expect(result.treeRoot).to.equal(referenceRoot(request));
      expect(result.treeRoot).to.equal(threadResult.treeRoot);
      expect(result.proof).to.equal(threadResult.proof);
      expect(a.status().jobs + b.status().jobs).to.equal(result.stats.jobs);
    });

    it("proves with a wall-time job cost: the same tree root, each job taking at least jobCostMs", async () => {
      const queue = queueName();
      await worker(queue, "worker-a");
      await worker(queue, "worker-b");
      const f = farm(broker(queue, { jobCostMs: 20 }));
      const durations: number[] = [];
      f.events.on("job-completed", (e) => durations.push(e.durationMs));
      const request = requestFor(6, 19n);
      const { treeRoot, stats } = await f.prove(request);

      expect(treeRoot).to.equal(referenceRoot(request));
      expect(durations).to.have.length(stats.jobs);
      for (const d of durations) expect(d).to.be.at.least(20);
    });

    it("reports the in-process farm's metrics, per-worker busy time and the workers' statuses", async () => {
      const queue = queueName();
      await worker(queue, "worker-a");
      await worker(queue, "worker-b");
      const created = broker(queue);
      const f = farm(created);
      const completed: string[] = [];
      f.events.on("job-completed", (e) => completed.push(e.workerId));
      const { stats } = await f.prove(requestFor(8, 12n));

      expect(stats).to.deep.include({ jobs: 8, completed: 8, attempts: 8, retries: 0, crashes: 0, reused: 0 });
      expect(stats.byKind.base).to.deep.include({ jobs: 4, completed: 4, attempts: 4 });
      const perWorker = Object.entries(stats.byWorker);
      expect(perWorker.map(([id]) => id)).to.have.members([...new Set(completed)]);
      expect(perWorker.reduce((n, [, w]) => n + w.jobs, 0)).to.equal(8);
      for (const [, w] of perWorker) expect(w.busyMs).to.be.greaterThan(0);
      expect(stats.wallMs).to.be.greaterThan(0);

      // Statuses are published about once a second (statusIntervalMs), not with every job.
      await waitFor("the workers' statuses", async () => (await created.workers()).reduce((n, s) => n + s.jobs, 0) >= 8);
      const statuses = await created.workers();
      expect(statuses.map((s) => s.workerId)).to.deep.equal(["worker-a", "worker-b"]);
      expect(statuses.reduce((n, s) => n + s.jobs, 0)).to.equal(8);
      expect(statuses.every((s) => s.state === "running" && s.queue === queue)).to.equal(true);
    });

    it("reuses stored results: proving the same block again runs no job", async () => {
      const queue = queueName();
      const w = await worker(queue, "worker-a");
      const f = farm(broker(queue));
      const request = requestFor(6, 13n);
      const first = await f.prove(request);
      const second = await f.prove(request);

      expect(second.treeRoot).to.equal(first.treeRoot);
      expect(second.stats).to.deep.include({ jobs: first.stats.jobs, completed: first.stats.jobs, attempts: 0 });
      expect(second.stats.reused).to.equal(first.stats.jobs);
      expect(w.status().jobs).to.equal(first.stats.jobs);
    });

    it("collapses the same job queued by two brokers into one BullMQ job (its id is the content digest)", async () => {
      const queue = queueName();
      const view = new Queue(queue, { connection: { url: server.url }, prefix: BULL_PREFIX });
      closers.push(() => view.close());
      const request = requestFor(8, 14n); // 4 base jobs, ready at once
      const [first, second] = [broker(queue), broker(queue)];
      await Promise.all([first.ready(), second.ready()]);
      const proofs = [farm(first).prove(request), farm(second).prove(request)];
      await waitFor("the base jobs to be queued", async () => (await view.getWaitingCount()) >= 4);
      await sleep(300); // both brokers have long queued theirs: 8 jobs here would mean no collapse
      expect(await view.getWaitingCount()).to.equal(4);

      await worker(queue, "worker-a");
      const [a, b] = await Promise.all(proofs);
      expect(a.treeRoot).to.equal(referenceRoot(request));
      expect(b.treeRoot).to.equal(a.treeRoot);
    });
  });

  describe("stored results", () => {
    const digest = taskDigest("base", [OTHER_HASH, OTHER_HASH], [], TEST_WORK);
    const record: StoredResult = {
      digest,
      kind: "base",
      output: OTHER_HASH,
      workerId: "worker-a",
      attempt: 1,
      busyMs: 1,
      finishedAt: 0,
    };

    it("round-trips a result and keeps the first one written", async () => {
      const results = new RedisResultStore(redis, queueName());
      expect(await results.read(digest, "p/base-0")).to.equal(undefined);
      await results.write(record, 60);
      await results.write({ ...record, workerId: "worker-b" }, 60);
      expect(await results.read(digest, "p/base-0")).to.deep.equal(record);
    });

    it("refuses a result written for another job digest", async () => {
      const results = new RedisResultStore(redis, queueName());
      const other = taskDigest("base", [OTHER_HASH, OTHER_HASH], [], TEST_WORK + 1);
      await redis.set(results.keyOf(digest), JSON.stringify({ ...record, digest: other }));
      const error = await rejection(results.read(digest, "p/base-0"));
      expect(error).to.be.instanceOf(ResultDigestMismatchError);
      expect(error).to.deep.include({ jobId: "p/base-0", expected: digest, actual: other, key: results.keyOf(digest) });
    });

    it("refuses a record that is not a result", async () => {
      const results = new RedisResultStore(redis, queueName());
      await redis.set(results.keyOf(digest), "{not json");
      expect(await rejection(results.read(digest, "p/base-0"))).to.be.instanceOf(CorruptResultError);
      await redis.set(results.keyOf(digest), JSON.stringify({ ...record, output: "0x12" }));
      expect(await rejection(results.read(digest, "p/base-0"))).to.be.instanceOf(CorruptResultError);
    });

    it("fails a proof whose stored result names the wrong digest, naming the job", async () => {
      const queue = queueName();
      await worker(queue, "worker-a");
      const request = requestFor(4, 15n);
      const [tx0, tx1] = request.txHashes;
      const base0 = taskDigest("base", [tx0, tx1], [], TEST_WORK);
      const results = new RedisResultStore(redis, queue);
      await redis.set(results.keyOf(base0), JSON.stringify({ ...record, digest }));

      const error = await rejection(farm(broker(queue)).prove(request));
      expect(error).to.be.instanceOf(ResultDigestMismatchError);
      expect((error as ResultDigestMismatchError).jobId).to.match(/\/base-0$/);
      expect(error).to.deep.include({ expected: base0, actual: digest });
    });
  });

  describe("options", () => {
    it("rejects bad broker and worker options with the option's name", () => {
      const base = { redis: "redis://127.0.0.1:6379", workPerJob: 1, jobTimeoutMs: 1_000, maxAttempts: 1 };
      for (const [options, option] of [
        [{ ...base, redis: "http://127.0.0.1:6379" }, "redis"],
        [{ ...base, queue: "a:b" }, "queue"],
        [{ ...base, maxAttempts: 0 }, "maxAttempts"],
        [{ ...base, resultTtlSeconds: 0 }, "resultTtlSeconds"],
        [{ ...base, jobCostMs: -5 }, "jobCostMs"],
        [{ ...base, jobCostMs: 1_000 }, "jobCostMs"], // not below jobTimeoutMs
      ] as const) {
        expect(() => new RedisBroker(options)).to.throw(InvalidFarmOptionError).with.property("option", option);
      }
      expect(() => new RedisFarmWorker({ redis: base.redis, concurrency: 0 }))
        .to.throw(InvalidFarmOptionError)
        .with.property("option", "concurrency");
      expect(() => new RedisFarmWorker({ redis: base.redis, lockDurationMs: 5 }))
        .to.throw(InvalidFarmOptionError)
        .with.property("option", "lockDurationMs");
    });

    it("refuses farm options that belong to the injected broker", () => {
      const created = broker(queueName());
      expect(() => new ProverFarm({ backend: new MockProofBackend(), broker: created, workPerJob: 5 }))
        .to.throw(InvalidFarmOptionError)
        .with.property("option", "workPerJob");
      expect(() => new ProverFarm({ backend: new MockProofBackend(), broker: created, jobCostMs: 50 }))
        .to.throw(InvalidFarmOptionError)
        .with.property("option", "jobCostMs");
    });

    it("fails with RedisUnavailableError when nothing listens, within connectTimeoutMs", async () => {
      const port = await freePort();
      const created = broker(queueName(), { redis: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 });
      const error = await rejection(farm(created).prove(requestFor(2, 16n)));
      expect(error).to.be.instanceOf(RedisUnavailableError);
      expect(error).to.deep.include({ timeoutMs: 300 });
    });
  });
});
