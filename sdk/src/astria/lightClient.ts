/**
 * The digests and signatures of `AstriaLightClient` (ECDSA stand-in keys for Astria's Ed25519 validators):
 * header digests, validator-set hashes and set-change digests, and quorum signing.
 *
 * @example
 * ```ts
 * const set = validatorSet(wallets.map((w) => ({ signer: w.address, votingPower: 10n })));
 * const sigs = signQuorum(wallets, set, headerDigest(block.header, 0n)); // signed by set 0 (genesis)
 * await lightClient.submitHeader(block.header, 0n, set, sigs);
 * ```
 */
import { AbiCoder, keccak256, toUtf8Bytes, type BaseWallet } from "ethers";
import type { AstriaHeader } from "./block";
import { AstriaQuorumError, AstriaSignerMissingError } from "./errors";

const coder = AbiCoder.defaultAbiCoder();

/**
 * `AstriaLightClient.HEADER_TAG` (v2: the digest names the signing set).
 *
 * @example
 * ```ts
 * console.log(HEADER_TAG); // domain tag of header digests
 * ```
 */
export const HEADER_TAG = keccak256(toUtf8Bytes("astria.lightclient.SequencerBlockHeader.v2"));
/**
 * `AstriaLightClient.VALIDATOR_SET_TAG`.
 *
 * @example
 * ```ts
 * console.log(VALIDATOR_SET_TAG); // domain tag of validator-set updates
 * ```
 */
export const VALIDATOR_SET_TAG = keccak256(toUtf8Bytes("astria.lightclient.ValidatorSetUpdate.v1"));

/**
 * One validator: stand-in ECDSA signer and voting power.
 *
 * @example
 * ```ts
 * const v: Validator = { signer: wallet.address, votingPower: 10n };
 * ```
 */
export interface Validator {
  signer: string;
  votingPower: bigint;
}

/**
 * `IAstriaValidatorLightClient.ValidatorSignature`.
 *
 * @example
 * ```ts
 * const [first]: ValidatorSignature[] = signQuorum(wallets, set, digest);
 * ```
 */
export interface ValidatorSignature {
  index: bigint;
  signature: string;
}

/**
 * A validator set sorted as the light client requires (strictly ascending signer).
 *
 * @example
 * ```ts
 * const set = validatorSet([{ signer: b.address, votingPower: 1n }, { signer: a.address, votingPower: 2n }]); // canonical order
 * ```
 */
export function validatorSet(validators: readonly Validator[]): Validator[] {
  return [...validators].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
}

/**
 * `keccak256(abi.encode(validators))`: how the light client identifies a set.
 *
 * @example
 * ```ts
 * validatorSetHash(set) === (await lightClient.currentValidatorSet()).setHash;
 * ```
 */
export function validatorSetHash(validators: readonly Validator[]): string {
  return keccak256(
    coder.encode(["tuple(address,uint64)[]"], [validators.map((v) => [v.signer, v.votingPower])]),
  );
}

/**
 * The digest the validators of set `setId` sign for `header` (`AstriaLightClient.headerDigest`). It names
 * the set, so the light client accepts the header only under that set and inside its height range.
 *
 * @example
 * ```ts
 * const [setId] = await lightClient.currentValidatorSet();
 * const sigs = signQuorum(wallets, set, headerDigest(header, setId));
 * ```
 *
 * @example
 * ```ts
 * const signatures = signQuorum(wallets, set, headerDigest(block.header, 0n));
 * ```
 */
export function headerDigest(header: AstriaHeader, setId: bigint): string {
  return keccak256(
    coder.encode(
      ["bytes32", "bytes32", "uint64", "uint64", "uint64", "bytes32", "bytes20", "bytes32"],
      [
        HEADER_TAG,
        keccak256(toUtf8Bytes(header.chainId)),
        setId,
        header.height,
        header.time,
        header.dataHash,
        header.proposerAddress,
        header.rollupTransactionsRoot,
      ],
    ),
  );
}

/**
 * The digest the current set signs to hand over to `newValidators` (`validatorSetUpdateDigest`).
 *
 * @example
 * ```ts
 * const digest = validatorSetUpdateDigest("astria-local", 1n, 200n, nextSet);
 * const signatures = signQuorum(wallets, currentSet, digest);
 * ```
 */
export function validatorSetUpdateDigest(
  chainId: string,
  newSetId: bigint,
  activeFromHeight: bigint,
  newValidators: readonly Validator[],
): string {
  return keccak256(
    coder.encode(
      ["bytes32", "bytes32", "uint64", "uint64", "bytes32"],
      [VALIDATOR_SET_TAG, keccak256(toUtf8Bytes(chainId)), newSetId, activeFromHeight, validatorSetHash(newValidators)],
    ),
  );
}

/**
 * Signs `digest` directly (no Ethereum message prefix) with the validator at each position of `indices`.
 *
 * @throws {@link AstriaSignerMissingError} when no wallet is given for one of those validators.
 *
 * @example
 * ```ts
 * const signatures = signDigest(wallets, set, digest, [0, 2]); // validators 0 and 2 only
 * ```
 */
export function signDigest(
  wallets: readonly BaseWallet[],
  set: readonly Validator[],
  digest: string,
  indices: readonly number[],
): ValidatorSignature[] {
  const byAddress = new Map(wallets.map((w) => [w.address.toLowerCase(), w]));
  return [...indices]
    .sort((a, b) => a - b)
    .map((i) => {
      const wallet = byAddress.get(set[i].signer.toLowerCase());
      if (!wallet) throw new AstriaSignerMissingError(set[i].signer);
      return { index: BigInt(i), signature: wallet.signingKey.sign(digest).serialized };
    });
}

/**
 * Signs `digest` with the fewest validators, in set order, whose power exceeds 2/3 of the total.
 *
 * @throws {@link AstriaQuorumError} when the wallets given cannot reach the quorum.
 *
 * @example
 * ```ts
 * const signatures = signQuorum(wallets, set, headerDigest(header, setId));
 * ```
 */
export function signQuorum(wallets: readonly BaseWallet[], set: readonly Validator[], digest: string): ValidatorSignature[] {
  const total = set.reduce((sum, v) => sum + v.votingPower, 0n);
  const have = new Set(wallets.map((w) => w.address.toLowerCase()));
  const indices: number[] = [];
  let signed = 0n;
  for (let i = 0; i < set.length && signed * 3n <= total * 2n; i++) {
    if (!have.has(set[i].signer.toLowerCase())) continue;
    indices.push(i);
    signed += set[i].votingPower;
  }
  if (signed * 3n <= total * 2n) throw new AstriaQuorumError(signed, total);
  return signDigest(wallets, set, digest, indices);
}
