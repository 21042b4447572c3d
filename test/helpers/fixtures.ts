import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";
import { LOCAL, type RegistryConfig } from "../../sdk/src/config";
import type { FernetToken, SequencerRegistry } from "../../typechain-types";

/** One token in base units. */
export const TOKEN = 10n ** 18n;

/** Deploys the token and mints `amount` to each signer. */
export async function deployToken(owner: Signer, holders: Signer[], amount = 1_000_000n * TOKEN): Promise<FernetToken> {
  const token = await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", await owner.getAddress()], owner);
  for (const h of holders) {
    await token.connect(owner).mint(await h.getAddress(), amount);
  }
  return token;
}

/** Deploys a registry with `overrides` on top of the local preset. */
export async function deployRegistry(
  owner: Signer,
  token: string,
  slashers: string[],
  overrides: Partial<RegistryConfig> = {},
): Promise<SequencerRegistry> {
  const cfg = { ...LOCAL.registry, ...overrides };
  return ethers.deployContract(
    "SequencerRegistry",
    [{ token, ...cfg }, await owner.getAddress(), slashers],
    owner,
  ) as unknown as Promise<SequencerRegistry>;
}

/** Timestamp of the latest block. */
export async function now(): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  return BigInt(block!.timestamp);
}

/**
 * `loadFixture`, then pins the next block one second after the fixture's last one. Reverting to a
 * snapshot keeps the wall-clock time that passed since it was taken, which would otherwise push the
 * next block past short phase windows when tests run slowly (coverage, a loaded machine).
 */
export async function load<T>(fixture: () => Promise<T>): Promise<T> {
  const f = await loadFixture(fixture);
  await time.setNextBlockTimestamp((await time.latest()) + 1);
  return f;
}
