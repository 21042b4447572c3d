/**
 * Entry point of one prover worker thread (started by `pool.ts`). It announces itself with
 * `{ type: "ready" }`, then answers each `{ type: "run", task }` with `done` (the job's digest) or
 * `failed`, one job at a time. Injected faults (tests) make it exit, throw or spin forever instead.
 *
 * Not meant to be imported: load it only as a worker thread.
 *
 * @example
 * ```ts
 * // inside pool.ts (through a small ts-node bootstrap when running from TypeScript sources)
 * const worker = new Worker(join(__dirname, "worker.js"));
 * worker.postMessage({ type: "run", task });
 * ```
 */
import { isMainThread, parentPort } from "node:worker_threads";
import { InjectedFaultError, WorkerStartError } from "./errors";
import { INJECTED_EXIT_CODE, runTask, type WorkerReply, type WorkerRequest } from "./work";

const port = parentPort;
if (isMainThread || port === null) {
  throw new WorkerStartError("prover/worker.ts was loaded outside a worker thread.");
}

const reply = (message: WorkerReply): void => port.postMessage(message);

port.on("message", (message: WorkerRequest) => {
  const { task } = message;
  switch (task.fault) {
    case "exit":
      process.exit(INJECTED_EXIT_CODE);
      break;
    case "throw":
      throw new InjectedFaultError(task.jobId);
    case "hang":
      // Spin on purpose, as a stuck prover would: only terminating the thread stops it.
      for (;;);
    default:
      break;
  }
  try {
    const { output, busyMs } = runTask(task);
    reply({ type: "done", jobId: task.jobId, output, busyMs });
  } catch (error) {
    reply({ type: "failed", jobId: task.jobId, message: error instanceof Error ? error.message : String(error) });
  }
});

reply({ type: "ready" });
