/**
 * The prover farm beyond one machine: BullMQ on Redis (DESIGN §11). A {@link RedisBroker} (in the
 * prover node) queues a block's proof jobs as their inputs become ready; {@link RedisFarmWorker}s
 * (`fernet farm-worker --redis <url>`, on this or other machines) prove them and store the results
 * under each job's content digest. Import it from `prover/redis`; the thread farm (`prover`) does
 * not load BullMQ.
 *
 * ```
 * ProverFarm ── PlanRunner = RedisBroker ──► BullMQ queue "fernet-proofs" (Redis) ◄── RedisFarmWorker × N
 *                  │  results: fernet-farm:<queue>:result:<digest> ◄───────────────────── (SET NX)
 *                  └─ QueueEvents: active / completed / retried / failed ──► FarmMetrics
 * ```
 *
 * @example
 * ```ts
 * import { MockProofBackend, ProverFarm } from "./sdk/src/prover";
 * import { RedisBroker } from "./sdk/src/prover/redis";
 *
 * const broker = new RedisBroker({ redis: "redis://10.0.0.5:6379", workPerJob: 10_000, jobTimeoutMs: 60_000,
 *   maxAttempts: 3 });
 * const farm = new ProverFarm({ backend: new MockProofBackend(), broker });
 * const { proof, stats } = await farm.prove(request); // with `fernet farm-worker` processes running
 * await farm.close();
 * ```
 */
export { RedisBroker, REDIS_BROKER_DEFAULTS, type RedisBrokerOptions } from "./broker";
export {
  bullConnection,
  connectionOptions,
  createRedis,
  jobData,
  JOB_DATA_VERSION,
  redactUrl,
  taskOf,
  type JobSettings,
  type QueuedTask,
  type RedisConnection,
  type RedisJobData,
} from "./protocol";
export {
  BULL_PREFIX,
  checkQueueName,
  DEFAULT_QUEUE,
  DEFAULT_RESULT_TTL_SECONDS,
  FARM_KEY_PREFIX,
  RedisResultStore,
  type StoredResult,
  type WorkerStatus,
} from "./results";
export {
  RedisFarmWorker,
  REDIS_WORKER_DEFAULTS,
  type RedisFarmWorkerOptions,
  type RedisWorkerEventMap,
  type WorkerJobDoneEvent,
  type WorkerJobFailedEvent,
} from "./worker";
