/**
 * Block data (what `reveal` publishes): the ABI encoding of the block's ordered tx hashes and an
 * opaque payload (`abi.encode(bytes32[] txHashes, bytes payload)`). Its keccak256 is the header's
 * `dataHash`; the tx hashes give the header's `txsRoot`.
 *
 * @example
 * ```ts
 * const data = encodeBlockData(txHashes, "0x");
 * const { txHashes: again } = decodeBlockData(data);
 * ```
 */
import { AbiCoder } from "ethers";
import { FernetError } from "./errors";

const coder = AbiCoder.defaultAbiCoder();

/**
 * Revealed block data that does not decode.
 *
 * @example
 * ```ts
 * try { decodeBlockData("0x12"); } catch (e) { if (e instanceof BlockDataError) console.log(e.details); }
 * ```
 */
export class BlockDataError extends FernetError {
  override name = "BlockDataError";
  constructor(cause: unknown) {
    super("Block data does not decode as (bytes32[] txHashes, bytes payload).", "Build it with encodeBlockData().", { cause });
  }
}

/**
 * Encodes block data.
 *
 * @example
 * ```ts
 * const data = encodeBlockData(txHashes, "0x");
 * await rollup.reveal(height, data);
 * ```
 */
export function encodeBlockData(txHashes: readonly string[], payload = "0x"): string {
  return coder.encode(["bytes32[]", "bytes"], [txHashes, payload]);
}

/**
 * Decodes block data. @throws {@link BlockDataError}
 *
 * @example
 * ```ts
 * const { txHashes, payload } = decodeBlockData(revealEvent.args.data);
 * ```
 */
export function decodeBlockData(data: string): { txHashes: string[]; payload: string } {
  try {
    const [txHashes, payload] = coder.decode(["bytes32[]", "bytes"], data);
    return { txHashes: [...(txHashes as string[])], payload: payload as string };
  } catch (e) {
    throw new BlockDataError(e);
  }
}
