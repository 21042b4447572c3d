/**
 * The demo's readable output: every service logs through a {@link TimelineLogger}, which keeps the
 * entries of the current L1 tick; the driver prints them after the tick, one line each, with the L1
 * time since the height's round start, the phase, the service's short name and what it did (gas of
 * the transaction looked up from its receipt). Debug entries and routine ones (quotes asked, ranks
 * lost) are kept out of the timeline; warnings and errors always show.
 */
import type { Provider } from "ethers";
import type { Logger } from "../../../sdk/src/services/log";

/** One service log entry. */
export interface Entry {
  readonly service: string;
  readonly level: "debug" | "info" | "warn" | "error";
  readonly msg: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Log messages that appear in the timeline (besides every warning and error). */
const SHOWN = new Set([
  "proposed",
  "propose-lost",
  "quote-signed",
  "no-quote",
  "revealed",
  "block-lost",
  "committed",
  "proved",
  "submitted",
  "backup-submitted",
  "deposited",
  "acted",
  "lost-race",
  "binding-posted",
  "header-relayed",
  "evidence-submitted",
  "preconfirmed",
  "astria-top",
  "astria-bonded",
  "astria-evidence",
]);

/** Collects the services' entries; see the module header. */
export class Timeline {
  private pending: Entry[] = [];

  constructor(
    private readonly out: (line: string) => void,
    private readonly provider: Provider,
  ) {}

  /** A logger for one service. */
  logger(service: string): Logger {
    const put = (level: Entry["level"]) => (msg: string, fields: Record<string, unknown> = {}) => {
      const e: Entry = { service, level, msg, fields };
      if (level !== "debug") this.pending.push(e);
    };
    return { debug: put("debug"), info: put("info"), warn: put("warn"), error: put("error") };
  }

  /** A line of the driver's own. */
  say(line: string): void {
    this.out(line);
  }

  /**
   * Prints the entries of the tick just run and forgets them: an entry with a transaction is stamped
   * with its L1 block's time, any other with the latest time seen so far in the tick (from `tickStart`).
   */
  async flush(tickStart: bigint, stampAt: (timestamp: bigint) => string, describe: (e: Entry) => Promise<string | null | undefined>): Promise<void> {
    let latest = tickStart;
    const entries = this.pending;
    this.pending = [];
    for (const e of entries) {
      if (!SHOWN.has(e.msg) && e.level === "info") continue;
      const described = await describe(e);
      if (described === null) continue; // routine: left out of the timeline
      const text = described ?? `${e.msg} ${fieldText(e.fields)}`;
      const receipt = typeof e.fields.tx === "string" ? await this.provider.getTransactionReceipt(e.fields.tx) : null;
      const block = receipt ? await this.provider.getBlock(receipt.blockNumber) : null;
      if (block && BigInt(block.timestamp) > latest) latest = BigInt(block.timestamp);
      const stamp = stampAt(block ? BigInt(block.timestamp) : latest);
      const gas = receipt ? `  [gas ${receipt.gasUsed.toLocaleString("en-US")}]` : "";
      const mark = e.level === "warn" ? "! " : e.level === "error" ? "!!" : "  ";
      this.out(`${stamp} ${mark}${e.service.padEnd(10)} ${text}${gas}`);
    }
  }
}

/** `key=value` pairs of a log entry, short. */
export function fieldText(fields: Readonly<Record<string, unknown>>): string {
  return Object.entries(fields)
    .filter(([k]) => k !== "tx" && k !== "block")
    .map(([k, v]) => `${k}=${short(v)}`)
    .join(" ");
}

/** A value for a line: long hex shortened, bigints as decimals. */
export function short(v: unknown): string {
  if (typeof v === "string" && /^0x[0-9a-fA-F]{40,}$/.test(v)) return `${v.slice(0, 8)}…${v.slice(-4)}`;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "object" && v !== null) return JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

/** Token units as "12.5 FNT". */
export function fnt(units: bigint): string {
  const whole = units / 10n ** 18n;
  const frac = (units % 10n ** 18n) / 10n ** 16n;
  return frac === 0n ? `${whole} FNT` : `${whole}.${frac.toString().padStart(2, "0").replace(/0$/, "")} FNT`;
}

/** A plain text table: header row, a rule, rows; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
