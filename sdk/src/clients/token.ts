/**
 * Client of the staking/bond/reward ERC-20 (FernetToken locally; any standard ERC-20 elsewhere).
 *
 * @example
 * ```ts
 * const token = new TokenClient(tokenAddress, signer);
 * await token.ensureAllowance(registryAddress, await registry.stakeAmount());
 * ```
 */
import type { ContractRunner, ContractTransactionReceipt, Signer, TypedDataDomain } from "ethers";
import { Signature } from "ethers";
import { decoded } from "../contract-errors";
import { FernetToken__factory, type FernetToken } from "../generated/typechain";
import { InsufficientTokensError } from "./errors";
import { ownerWrite, readEip712Domain, sendWrite, signerOf, type WriteOptions } from "./shared";

/**
 * EIP-2612 permit types.
 *
 * @example
 * ```ts
 * const signature = await owner.signTypedData(domain, PERMIT_TYPES, { owner, spender, value, nonce, deadline });
 * ```
 */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/**
 * Client of the token.
 *
 * @example
 * ```ts
 * const balance = await new TokenClient(address, provider).balanceOf(account);
 * ```
 */
export class TokenClient {
  /** The typechain contract (for calls the client does not wrap). */
  readonly contract: FernetToken;

  constructor(
    readonly address: string,
    readonly runner: ContractRunner,
  ) {
    this.contract = FernetToken__factory.connect(address, runner);
  }

  /** Token name. @example `await token.name()` */
  async name(): Promise<string> {
    return decoded(() => this.contract.name());
  }
  /** Token symbol. @example `await token.symbol()` */
  async symbol(): Promise<string> {
    return decoded(() => this.contract.symbol());
  }
  /** Decimals (18 for FernetToken). @example `await token.decimals()` */
  async decimals(): Promise<number> {
    return Number(await decoded(() => this.contract.decimals()));
  }
  /** Total supply. @example `await token.totalSupply()` */
  async totalSupply(): Promise<bigint> {
    return decoded(() => this.contract.totalSupply());
  }
  /** Balance of `account`. @example `await token.balanceOf(me)` */
  async balanceOf(account: string): Promise<bigint> {
    return decoded(() => this.contract.balanceOf(account));
  }
  /** What `spender` may pull from `owner`. @example `await token.allowance(me, rollupAddress)` */
  async allowance(owner: string, spender: string): Promise<bigint> {
    return decoded(() => this.contract.allowance(owner, spender));
  }
  /** The permit nonce of `owner`. @example `await token.nonces(me)` */
  async nonces(owner: string): Promise<bigint> {
    return decoded(() => this.contract.nonces(owner));
  }
  /** The owner (minter) of FernetToken. @example `await token.owner()` */
  async owner(): Promise<string> {
    return decoded(() => this.contract.owner());
  }
  /** The permit domain separator. @example `await token.domainSeparator()` */
  async domainSeparator(): Promise<string> {
    return decoded(() => this.contract.DOMAIN_SEPARATOR());
  }

  /**
   * Hands the token (and minting) to `newOwner` at once (owner only).
   * @throws {@link NotAuthorisedError} unless the signer is the owner.
   * @example `await token.transferOwnership(multisig)`
   */
  async transferOwnership(newOwner: string, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    return ownerWrite(this.contract, this.runner, this.contract.transferOwnership, [newOwner], "transferOwnership", options);
  }
  /**
   * Leaves the token without an owner: nobody can mint again (owner only).
   * @throws {@link NotAuthorisedError} unless the signer is the owner.
   * @example `await token.renounceOwnership()`
   */
  async renounceOwnership(options?: WriteOptions): Promise<ContractTransactionReceipt> {
    return ownerWrite(this.contract, this.runner, this.contract.renounceOwnership, [], "renounceOwnership", options);
  }

  /**
   * Approves `spender` for `amount`.
   * @example `await token.approve(rollupAddress, 10n ** 21n)`
   */
  async approve(spender: string, amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "approve");
    return sendWrite(this.contract.approve, [spender, amount], "approve", options);
  }

  /**
   * Approves `spender` for `amount` unless it already may pull that much; returns the receipt if it sent one.
   * @example `await token.ensureAllowance(registryAddress, stake)`
   */
  async ensureAllowance(spender: string, amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt | undefined> {
    const me = await signerOf(this.runner, "approve").getAddress();
    if ((await this.allowance(me, spender)) >= amount) return undefined;
    return this.approve(spender, amount, options);
  }

  /**
   * Transfers `amount` to `to`; checks the balance first.
   * @throws {@link InsufficientTokensError}
   * @example `await token.transfer(prover, 100n)`
   */
  async transfer(to: string, amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "transfer").getAddress();
    if (!options?.skipChecks) await this.requireBalance(me, me, amount);
    return sendWrite(this.contract.transfer, [to, amount], "transfer", options);
  }

  /**
   * Moves `amount` from `from` (which approved the sender) to `to`.
   * @throws {@link InsufficientTokensError}
   * @example `await token.transferFrom(owner, me, 1n)`
   */
  async transferFrom(from: string, to: string, amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    const me = await signerOf(this.runner, "transferFrom").getAddress();
    if (!options?.skipChecks) await this.requireTokens(from, me, amount);
    return sendWrite(this.contract.transferFrom, [from, to, amount], "transferFrom", options);
  }

  /**
   * Mints `amount` to `to` (FernetToken's owner only: local deployments).
   * @example `await token.mint(alice, 10n ** 21n)`
   */
  async mint(to: string, amount: bigint, options?: WriteOptions): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "mint");
    return sendWrite(this.contract.mint, [to, amount], "mint", options);
  }

  /** The token's EIP-712 domain (for permits). @example `await token.domain()` */
  async domain(): Promise<TypedDataDomain> {
    return readEip712Domain(() => this.contract.eip712Domain());
  }

  /**
   * Signs an EIP-2612 permit with `owner` (no transaction); pass the result to {@link TokenClient.permit}.
   * @example `const p = await token.signPermit(ownerSigner, rollupAddress, amount, deadline)`
   */
  async signPermit(owner: Signer, spender: string, value: bigint, deadline: bigint): Promise<{ owner: string; spender: string; value: bigint; deadline: bigint; v: number; r: string; s: string }> {
    const ownerAddress = await owner.getAddress();
    const nonce = await this.nonces(ownerAddress);
    const sig = Signature.from(await owner.signTypedData(await this.domain(), PERMIT_TYPES, { owner: ownerAddress, spender, value, nonce, deadline }));
    return { owner: ownerAddress, spender, value, deadline, v: sig.v, r: sig.r, s: sig.s };
  }

  /**
   * Submits a signed permit (anyone may send it).
   * @example `await token.permit(await token.signPermit(owner, spender, value, deadline))`
   */
  async permit(
    p: { owner: string; spender: string; value: bigint; deadline: bigint; v: number; r: string; s: string },
    options?: WriteOptions,
  ): Promise<ContractTransactionReceipt> {
    signerOf(this.runner, "permit");
    return sendWrite(this.contract.permit, [p.owner, p.spender, p.value, p.deadline, p.v, p.r, p.s], "permit", options);
  }

  /**
   * Throws unless `owner` holds `amount` and allows `spender` to pull it.
   * @throws {@link InsufficientTokensError}
   * @example `await token.requireTokens(me, rollupAddress, bond)`
   */
  async requireTokens(owner: string, spender: string, amount: bigint): Promise<void> {
    const [balance, allowance] = await Promise.all([this.balanceOf(owner), this.allowance(owner, spender)]);
    if (balance < amount) throw new InsufficientTokensError("balance", owner, spender, balance, amount);
    if (allowance < amount) throw new InsufficientTokensError("allowance", owner, spender, allowance, amount);
  }

  private async requireBalance(owner: string, spender: string, amount: bigint): Promise<void> {
    const balance = await this.balanceOf(owner);
    if (balance < amount) throw new InsufficientTokensError("balance", owner, spender, balance, amount);
  }
}
