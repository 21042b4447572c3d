/** The one solc warning the build leaves out (scripts/lib/solc.ts), and only that one. */
import { expect } from "chai";
import { isOpenZeppelinTransientWarning } from "../../scripts/lib/solc";

describe("solc warnings the build does not print", () => {
  const transient = {
    severity: "warning",
    message: "Transient storage as defined by EIP-1153 can break the composability of smart contracts: …",
    sourceLocation: { file: "@openzeppelin/contracts/utils/TransientSlot.sol" },
  };

  it("drops the transient-storage warning of OpenZeppelin's TransientSlot", () => {
    expect(isOpenZeppelinTransientWarning(transient)).to.equal(true);
  });

  it("keeps it for any other file, keeps errors and every other warning", () => {
    expect(isOpenZeppelinTransientWarning({ ...transient, sourceLocation: { file: "contracts/core/FernetRollup.sol" } })).to.equal(false);
    expect(isOpenZeppelinTransientWarning({ ...transient, severity: "error" })).to.equal(false);
    expect(isOpenZeppelinTransientWarning({ ...transient, message: "Unused local variable." })).to.equal(false);
    expect(isOpenZeppelinTransientWarning({ severity: "warning", message: transient.message })).to.equal(false);
  });
});
