import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";

/** Gas used by one transaction, from its receipt. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) {
    throw new Error("transaction was dropped");
  }
  return receipt.gasUsed;
}

/** One measured operation: gas with few and with many sequencers already registered. */
export interface GasRow {
  section: string;
  operation: string;
  gas: Map<number, bigint>;
}

/** Collects rows for one population size. */
export class GasSheet {
  readonly rows: GasRow[] = [];

  record(section: string, operation: string, population: number, gas: bigint): void {
    let row = this.rows.find((r) => r.section === section && r.operation === operation);
    if (!row) {
      row = { section, operation, gas: new Map() };
      this.rows.push(row);
    }
    row.gas.set(population, gas);
  }
}

/** A fresh random key (no funds), used as a sequencer address. */
export function randomKey(): string {
  return ethers.Wallet.createRandom().address;
}
