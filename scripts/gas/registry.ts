import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { LOCAL } from "../../sdk/src/config";
import { GasSheet, gasOf, randomKey } from "./common";

const SECTION = "SequencerRegistry";

/**
 * Measures register, initiateExit, withdraw and slash with `population` sequencers registered first.
 * The measured key is always the next one after the population, so cold/warm storage is the same
 * whatever the population: any difference would come from the population itself.
 */
export async function benchRegistry(sheet: GasSheet, population: number): Promise<void> {
  const [deployer, slasher] = await ethers.getSigners();
  const token = await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", deployer.address]);
  const registry = await ethers.deployContract("SequencerRegistry", [
    { token: await token.getAddress(), ...LOCAL.registry },
    deployer.address,
    [slasher.address],
  ]);
  const stake = LOCAL.registry.stake;
  await token.mint(deployer.address, stake * BigInt(population + 3));
  await token.approve(await registry.getAddress(), ethers.MaxUint256);
  for (let i = 0; i < population; i++) {
    await registry.register(randomKey(), deployer.address);
  }

  const a = randomKey();
  const b = randomKey();
  sheet.record(SECTION, "register", population, await gasOf(registry.register(a, deployer.address)));
  await registry.register(b, deployer.address);
  await time.increase(LOCAL.registry.entryDelay);
  sheet.record(SECTION, "slash (stays above minimum)", population, await gasOf(registry.connect(slasher).slash(b, 1n, ethers.MaxUint256)));
  sheet.record(
    SECTION,
    "slash (ejects)",
    population,
    await gasOf(registry.connect(slasher).slash(b, stake, ethers.MaxUint256)),
  );
  sheet.record(SECTION, "initiateExit", population, await gasOf(registry.initiateExit(a)));
  await time.increase(LOCAL.registry.exitDelay);
  sheet.record(SECTION, "withdraw", population, await gasOf(registry.withdraw(a)));
}
