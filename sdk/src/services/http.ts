/**
 * A small JSON-over-HTTP server on `node:http` (no framework): exact `METHOD /path` routes (a
 * trailing `:param` segment is captured), JSON bodies up to 64 KiB, JSON answers, and errors as
 * `{"error": code, "message": text}` with a 4xx/5xx status. Used by the prover's quote endpoint and
 * the sequencer's mempool.
 *
 * @example
 * ```ts
 * const server = await startJsonServer({ host: "127.0.0.1", port: 0, log, routes: { "GET /health": async () => ({ status: 200, body: { ok: true } }) } });
 * console.log(server.url); await server.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FernetError } from "../errors";
import { describeError, type Logger } from "./log";

/** Largest accepted request body. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A handler's answer. */
export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A route handler: the parsed body (`undefined` for GET), the captured `:param` and the query string. */
export type JsonHandler = (request: { body: unknown; param?: string; query?: URLSearchParams }) => Promise<JsonResponse>;

/**
 * A refusal with an HTTP status and a stable machine-readable `code`.
 *
 * @example
 * ```ts
 * throw new HttpError(409, "wrong-height", "Height 7 is not the pending height 5.");
 * ```
 */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A running server. */
export interface JsonServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, "body-too-large", `The body is over ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Starts the server; resolves once it listens.
 *
 * @example
 * ```ts
 * const { url } = await startJsonServer({ host: "127.0.0.1", port: 8080, routes, log });
 * ```
 */
export async function startJsonServer(options: {
  readonly host: string;
  readonly port: number;
  readonly routes: Readonly<Record<string, JsonHandler>>;
  readonly log: Logger;
}): Promise<JsonServer> {
  const { routes, log } = options;
  const send = (res: ServerResponse, status: number, body: unknown): void => {
    const text = toJson(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const route = (method: string, path: string): { handler: JsonHandler; param?: string } | undefined => {
    const exact = routes[`${method} ${path}`];
    if (exact) return { handler: exact };
    const cut = path.lastIndexOf("/");
    const prefix = path.slice(0, cut + 1);
    const param = decodeURIComponent(path.slice(cut + 1));
    for (const [key, handler] of Object.entries(routes)) {
      const [m, p] = key.split(" ");
      if (m === method && p.endsWith("/:param") && p.slice(0, -":param".length) === prefix && param !== "") return { handler, param };
    }
    return undefined;
  };
  const server = createServer((req, res) => {
    void (async () => {
      const parsed = new URL(req.url ?? "/", "http://localhost");
      const path = parsed.pathname;
      const method = req.method ?? "GET";
      try {
        const found = route(method, path);
        if (!found) throw new HttpError(404, "not-found", `No route ${method} ${path}.`);
        let body: unknown;
        if (method !== "GET") {
          const text = await readBody(req);
          try {
            body = text === "" ? undefined : JSON.parse(text);
          } catch {
            throw new HttpError(400, "bad-json", "The body is not JSON.");
          }
        }
        const answer = await found.handler({ body, param: found.param, query: parsed.searchParams });
        send(res, answer.status, answer.body);
      } catch (error) {
        if (error instanceof HttpError) {
          log.debug("http-refused", { method, path, status: error.status, error: error.code });
          send(res, error.status, { error: error.code, message: error.message });
        } else {
          log.error("http-failed", { method, path, error: describeError(error) });
          send(res, 500, { error: "internal", message: describeError(error) });
        }
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException): void =>
      reject(new FernetError(`Can't listen on ${options.host}:${options.port} (${error.code ?? error.message}).`, "Choose another --port (0 picks a free one) or --host, or stop what holds that port.", { cause: error }));
    server.once("error", failed);
    server.listen(options.port, options.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
