/**
 * Decoding of contract reverts into typed SDK errors: a {@link ContractRevertError} names the custom
 * error (typed as the union of every error in the ABIs), carries its arguments in order and by name,
 * and says what to do.
 *
 * @example
 * ```ts
 * try { await client.propose(header); }
 * catch (e) {
 *   if (isContractError(e, "Rollup__ProposalNotBetter")) console.log(e.namedArgs.bestScore);
 * }
 * ```
 */
import { Interface, type InterfaceAbi, type ParamType } from "ethers";
import { FernetError } from "./errors";
import {
  AstriaLightClient__factory,
  AstriaSlasher__factory,
  FernetRollup__factory,
  FernetToken__factory,
  SequencerRegistry__factory,
} from "./generated/typechain";
import type { ContractErrorArgs, ContractErrorName } from "./generated/protocol";
import { CONTRACT_ERROR_HINTS } from "./hints";

export type { ContractErrorArgs, ContractErrorName } from "./generated/protocol";
export { CONTRACT_ERROR_NAMES } from "./generated/protocol";

/**
 * A contract call reverted with a known custom error.
 *
 * @example
 * ```ts
 * if (e instanceof ContractRevertError && e.errorName === "Rollup__WrongPhase") console.log(e.namedArgs);
 * ```
 */
export class ContractRevertError<N extends ContractErrorName = ContractErrorName> extends FernetError {
  override name = "ContractRevertError";
  /** The arguments by name, as in the error's Solidity declaration. */
  readonly namedArgs: ContractErrorArgs[N];

  constructor(
    /** The custom error's name. */
    readonly errorName: N,
    /** The arguments in declaration order. */
    readonly args: readonly unknown[],
    cause: unknown,
    /** The raw revert data. */
    readonly data?: string,
    inputs: readonly ParamType[] = [],
  ) {
    super(
      `Contract reverted with ${errorName}(${args.map((a) => String(a)).join(", ")}).`,
      CONTRACT_ERROR_HINTS[errorName] ?? "See the error's NatSpec in contracts/interfaces.",
      { cause },
    );
    const named: Record<string, unknown> = {};
    inputs.forEach((p, i) => (named[p.name || `arg${i}`] = args[i]));
    this.namedArgs = named as ContractErrorArgs[N];
  }
}

/**
 * A contract call failed for a reason the SDK could not decode (RPC down, out of gas, no code...).
 *
 * @example
 * ```ts
 * decodeContractError(new Error("socket hang up")) instanceof UnknownContractError; // true
 * ```
 */
export class UnknownContractError extends FernetError {
  override name = "UnknownContractError";
  constructor(cause: unknown) {
    super("Contract call failed.", "Check the RPC connection, the signer's ETH balance and the contract address.", {
      cause,
      metaMessages: [`Cause: ${(cause as { shortMessage?: string; message?: string })?.shortMessage ?? (cause as Error)?.message ?? String(cause)}`],
    });
  }
}

/** Every contract of the suite whose custom errors the SDK names. */
const interfaces: Interface[] = [
  FernetRollup__factory.abi,
  SequencerRegistry__factory.abi,
  FernetToken__factory.abi,
  AstriaSlasher__factory.abi,
  AstriaLightClient__factory.abi,
].map((abi) => new Interface(abi as InterfaceAbi));

function revertData(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 8 && cur; i++) {
    const o = cur as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
    if (typeof o.data === "string" && o.data.startsWith("0x") && o.data.length >= 10) return o.data;
    if (o.data && typeof o.data === "object" && typeof (o.data as { data?: unknown }).data === "string") {
      return (o.data as { data: string }).data;
    }
    cur = o.error ?? o.info?.error ?? o.cause;
  }
  return undefined;
}

/**
 * Decodes raw revert data against every ABI of the suite.
 *
 * @example
 * ```ts
 * const e = decodeRevertData("0x..."); // ContractRevertError | undefined
 * ```
 */
export function decodeRevertData(data: string, cause?: unknown): ContractRevertError | undefined {
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) {
        return new ContractRevertError(parsed.name as ContractErrorName, [...parsed.args], cause ?? data, data, parsed.fragment.inputs);
      }
    } catch {
      // not this ABI
    }
  }
  return undefined;
}

/**
 * Turns any error thrown by a contract call into a typed SDK error.
 *
 * @example
 * ```ts
 * try { await rollup.contract.propose(header); } catch (e) { throw decodeContractError(e); }
 * ```
 */
export function decodeContractError(e: unknown): FernetError {
  if (e instanceof FernetError) return e;
  const data = revertData(e);
  return (data && decodeRevertData(data, e)) || new UnknownContractError(e);
}

/**
 * Whether `e` is (or was caused by) a revert with the custom error `name`; narrows its arguments.
 *
 * @example
 * ```ts
 * if (isContractError(e, "Rollup__InsufficientEscrow")) console.log(e.namedArgs.free);
 * ```
 */
export function isContractError<N extends ContractErrorName>(e: unknown, name: N): e is ContractRevertError<N> {
  return e instanceof ContractRevertError && e.errorName === name;
}

/**
 * Runs `fn`, rethrowing failures as typed SDK errors.
 *
 * @example
 * ```ts
 * const tip = await decoded(() => rollup.contract.tip());
 * ```
 */
export async function decoded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw decodeContractError(e);
  }
}
