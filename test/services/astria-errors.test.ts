/**
 * The typed errors of the Astria half of the services, each with its arguments: malformed JSON, an
 * unreachable endpoint, a binding refused by the local stand-in, an Astria range not covered, and
 * an Astria duty asked of a sequencer without the Astria option. No chain needed.
 */
import { expect } from "chai";
import { ZeroHash, type TypedDataDomain } from "ethers";
import { AstriaRangeError, topOfBlock } from "../../sdk/src/astria";
import { FernetError } from "../../sdk/src/errors";
import type { Fernet } from "../../sdk/src/clients";
import {
  AstriaBindingRejectedError,
  AstriaHttpClient,
  AstriaJsonError,
  AstriaUnreachableError,
  LocalAstria,
  localValidatorWallets,
  signedBlockFromJson,
} from "../../sdk/src/services/astria-local";
import { AstriaNotDeployedError } from "../../sdk/src/services/errors";
import type { Logger } from "../../sdk/src/services/log";
import { SequencerService } from "../../sdk/src/services/sequencer";

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ROLLUP = `0x${"ab".repeat(32)}`;
const domain: TypedDataDomain = { name: "FernetAstriaSlasher", version: "1", chainId: 31337n, verifyingContract: `0x${"11".repeat(20)}` };

async function caught<T>(f: () => T | Promise<T>): Promise<unknown> {
  try {
    await f();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("Astria services: typed errors", () => {
  const astria = new LocalAstria({ chainId: "astria-local", rollupId: ROLLUP, wallets: localValidatorWallets(4), domain, log: silent });

  it("AstriaJsonError names the field of a malformed tx or block", async () => {
    const bad = await caught(() => astria.submitTx("0x1234", "0x01"));
    expect(bad).to.be.instanceOf(AstriaJsonError);
    expect((bad as AstriaJsonError).shortMessage).to.equal('Astria JSON: "rollupId" must be 32 bytes of 0x-hex (got "0x1234").');
    expect(await caught(() => astria.submitTx(ROLLUP, "0x"))).to.be.instanceOf(AstriaJsonError);
    expect(await caught(() => signedBlockFromJson({}))).to.be.instanceOf(AstriaJsonError);
  });

  it("AstriaUnreachableError carries the URL", async () => {
    const e = await caught(() => new AstriaHttpClient("http://127.0.0.1:9", 2_000).info());
    expect(e).to.be.instanceOf(AstriaUnreachableError);
    expect((e as AstriaUnreachableError).url).to.equal("http://127.0.0.1:9");
    expect((e as AstriaUnreachableError).shortMessage).to.match(/^The Astria endpoint http:\/\/127\.0\.0\.1:9 is unreachable \(/);
  });

  it("AstriaBindingRejectedError says which check a handed-over binding failed", async () => {
    const binding = { l2Height: 3n, blockHash: ZeroHash, astriaStart: 1n, astriaEnd: 2n, entryCount: 1n, entriesRoot: ZeroHash };
    const count = await caught(() => astria.submitBinding({ binding, entries: [], signature: "0x" }));
    expect(count).to.be.instanceOf(AstriaBindingRejectedError);
    expect((count as FernetError).shortMessage).to.equal("Binding refused: entryCount 1 but 0 entries.");
    const root = await caught(() => astria.submitBinding({ binding: { ...binding, entryCount: 0n, entriesRoot: `0x${"01".repeat(32)}` }, entries: [], signature: "0x" }));
    expect((root as FernetError).shortMessage).to.equal("Binding refused: entriesRoot does not match the entries.");
  });

  it("AstriaRangeError carries the range the blocks do not cover", async () => {
    const e = await caught(() => topOfBlock([], ROLLUP, 5n, 7n));
    expect(e).to.be.instanceOf(AstriaRangeError);
    expect((e as AstriaRangeError).astriaStart).to.equal(5n);
    expect((e as AstriaRangeError).astriaEnd).to.equal(7n);
    expect((e as AstriaRangeError).details).to.equal("Got 0 blocks.");
  });

  it("AstriaNotDeployedError: a sequencer without the Astria option can't bond", async () => {
    const seq = new SequencerService({ fernet: {} as Fernet, address: `0x${"22".repeat(20)}`, signer: localValidatorWallets(1)[0], provers: [], log: silent });
    const e = await caught(() => seq.ensureAstriaBond(1n));
    expect(e).to.be.instanceOf(AstriaNotDeployedError);
    expect((e as FernetError).shortMessage).to.equal("The deployment has no Astria option (--astria).");
  });
});
