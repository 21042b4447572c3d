/**
 * What every client shares: sending a write (checks, then a simulation, then the transaction) and
 * reading the sender of a runner.
 *
 * @example
 * ```ts
 * const receipt = await sendWrite(contract.deposit, [amount], "deposit", options);
 * ```
 */
import type { ContractRunner, ContractTransactionReceipt, ContractTransactionResponse, Overrides, Signer } from "ethers";
import { decoded } from "../contract-errors";
import { FernetError } from "../errors";
import { NoSignerError, NotAuthorisedError } from "./errors";

/**
 * Options of every write.
 *
 * @example
 * ```ts
 * await rollup.propose(header, { simulate: false, overrides: { gasLimit: 500_000n } });
 * ```
 */
export interface WriteOptions {
  /** Run the call with `eth_call` before sending it, so a revert costs no gas (default true). */
  simulate?: boolean;
  /** Skip the SDK's own checks (phase, eligibility, balances...) and let the contract decide (default false). */
  skipChecks?: boolean;
  /** ethers transaction overrides (gas, fees, nonce). */
  overrides?: Overrides;
}

/**
 * A typechain write method (called, or simulated with `staticCall`).
 *
 * @example
 * ```ts
 * const receipt = await sendWrite(registry.contract.withdraw as WriteMethod, [key], "withdraw");
 * ```
 */
export interface WriteMethod {
  (...args: any[]): Promise<ContractTransactionResponse>; // eslint-disable-line @typescript-eslint/no-explicit-any
  staticCall(...args: any[]): Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The transaction was dropped or replaced before it was mined.
 *
 * @example
 * ```ts
 * if (e instanceof TransactionDroppedError) await resend();
 * ```
 */
export class TransactionDroppedError extends FernetError {
  override name = "TransactionDroppedError";
  constructor(readonly action: string) {
    super(`The ${action} transaction was dropped before it was mined.`, "Resend it (check the nonce and the fee).");
  }
}

/**
 * Simulates (unless disabled), sends and waits for one write; any failure becomes a typed error.
 *
 * @example
 * ```ts
 * await sendWrite(rollup.contract.poke, [], "poke");
 * ```
 */
export async function sendWrite(
  method: WriteMethod,
  args: readonly unknown[],
  action: string,
  options: WriteOptions = {},
): Promise<ContractTransactionReceipt> {
  const call = options.overrides ? [...args, options.overrides] : [...args];
  if (options.simulate !== false) await decoded(() => method.staticCall(...call));
  const receipt = await decoded(async () => (await method(...call)).wait());
  if (!receipt) throw new TransactionDroppedError(action);
  return receipt;
}

/**
 * The signer of a runner, or a typed error saying a write needs one.
 *
 * @example
 * ```ts
 * const signer = signerOf(client.runner, "propose");
 * ```
 */
export function signerOf(runner: ContractRunner | null | undefined, action: string): Signer {
  const s = runner as Signer | null | undefined;
  if (!s || typeof s.getAddress !== "function" || typeof s.sendTransaction !== "function") throw new NoSignerError(action);
  return s;
}

/**
 * Timestamp of the latest L1 block (what the SDK's checks compare deadlines with).
 *
 * @example
 * ```ts
 * const now = await latestTimestamp(provider);
 * ```
 */
export async function latestTimestamp(runner: ContractRunner | null | undefined): Promise<bigint> {
  const provider = runner?.provider;
  if (!provider) throw new FernetError("The runner has no provider.", "Connect the signer to a provider (wallet.connect(provider)).");
  const block = await decoded(() => provider.getBlock("latest"));
  return BigInt(block?.timestamp ?? 0);
}

/**
 * An OpenZeppelin `Ownable` contract as typechain exposes it (`Ownable2Step` adds `pendingOwner`).
 *
 * @example
 * ```ts
 * const c: OwnableContract = registry.contract;
 * ```
 */
export interface OwnableContract {
  owner(): Promise<string>;
  transferOwnership: WriteMethod;
  renounceOwnership: WriteMethod;
}

/**
 * Sends an owner-only write after checking that the runner's signer is the owner.
 * @throws {@link NotAuthorisedError} when it is not; {@link NoSignerError} without a signer.
 * @example
 * ```ts
 * await ownerWrite(registry.contract, registry.runner, registry.contract.transferOwnership, [next], "transferOwnership");
 * ```
 */
export async function ownerWrite(
  contract: OwnableContract,
  runner: ContractRunner,
  method: WriteMethod,
  args: readonly unknown[],
  action: string,
  options: WriteOptions = {},
): Promise<ContractTransactionReceipt> {
  const me = await signerOf(runner, action).getAddress();
  if (!options.skipChecks) {
    const owner = await decoded(() => contract.owner());
    if (owner.toLowerCase() !== me.toLowerCase()) throw new NotAuthorisedError(action, me, [owner]);
  }
  return sendWrite(method, args, action, options);
}

/**
 * A contract's EIP-712 domain (ERC-5267 `eip712Domain()`), in the shape ethers signs with.
 *
 * @example
 * ```ts
 * const domain: Eip712Domain = await fernet.rollup.eip712Domain();
 * ```
 */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/**
 * Reads and checks an ERC-5267 domain (`fields` must be 0x0f: name, version, chain id, contract).
 * @example
 * ```ts
 * const domain = await readEip712Domain(() => rollup.contract.eip712Domain());
 * ```
 */
export async function readEip712Domain(read: () => Promise<{ fields: string; name: string; version: string; chainId: bigint; verifyingContract: string }>): Promise<Eip712Domain> {
  const d = await decoded(read);
  if (d.fields !== "0x0f") throw new FernetError(`Unexpected EIP-712 domain fields ${d.fields}.`, "The contract is not the one this SDK version knows.");
  return { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract };
}
