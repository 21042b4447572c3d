/**
 * solc's warnings that the build does not print. solc warns about every `tstore` it compiles; the only
 * ones in this project are inside OpenZeppelin's TransientSlot (its transient re-entrancy guard,
 * cleared at the end of each call: the safe use the warning itself names). That one warning is
 * dropped so users don't see it on every compile; any other warning, and this one anywhere else,
 * still prints.
 */

/** One message of solc's standard JSON output (`errors[]`), the fields read here. */
export interface SolcMessage {
  severity: string;
  message: string;
  sourceLocation?: { file?: string };
}

/** Whether `e` is the transient-storage warning solc gives for OpenZeppelin's TransientSlot. */
export function isOpenZeppelinTransientWarning(e: SolcMessage): boolean {
  return (
    e.severity === "warning" &&
    e.message.startsWith("Transient storage as defined by EIP-1153") &&
    e.sourceLocation?.file === "@openzeppelin/contracts/utils/TransientSlot.sol"
  );
}
