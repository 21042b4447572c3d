/**
 * Deployment of the whole suite, shared by `scripts/deploy.ts`, the demo and the gas benchmark.
 *
 * Order: token (unless one is given) -> registry -> [beforeRollup hook] -> mock verifier (unless a
 * verifier is given) -> rollup. The registry authorises the rollup as slasher from deployment, at its
 * CREATE address predicted from the deployer's nonce; the deployer must send no other transaction
 * between the registry and the rollup (the hook may use other accounts). Early seeds are known at
 * the rollup's deployment, so sequencers meant to propose the first `lookahead` heights register in
 * the hook and wait the entry delay there.
 */
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { hexlify, keccak256, randomBytes, toUtf8Bytes } from "ethers";
import type { AstriaConfig, Preset } from "../../sdk/src/config";
import { validatorSet } from "../../sdk/src/astria";
import type {
  AstriaLightClient,
  AstriaSlasher,
  FernetRollup,
  FernetToken,
  IProofVerifier,
  SequencerRegistry,
} from "../../typechain-types";

export interface DeployOptions {
  preset: Preset;
  deployer: Signer;
  /** Existing ERC-20 to use; a FernetToken is deployed if absent. */
  token?: string;
  /** Existing verifier; the NOT SOUND MockProofVerifier is deployed if absent. */
  verifier?: string;
  /** Receives slashed funds; zero (default) burns them. */
  treasury?: string;
  genesisArchive?: string;
  genesisSeed?: string;
  /** Runs after the registry is deployed and before the rollup (register sequencers here). */
  beforeRollup?: (registry: SequencerRegistry, token: FernetToken) => Promise<void>;
  /** How many transactions `beforeRollup` sends from the deployer (counted in the rollup's address). */
  hookTransactions?: number;
}

export interface Deployed {
  token: FernetToken;
  registry: SequencerRegistry;
  verifier: IProofVerifier;
  verifierIsMock: boolean;
  rollup: FernetRollup;
  deployBlock: number;
}

/** Default genesis archive (public, fixed: documented in the README). */
export const DEFAULT_GENESIS_ARCHIVE = keccak256(toUtf8Bytes("fernet.genesis.archive"));

/** Deploys the suite; see the module comment for the order and the slasher wiring. */
export async function deploySystem(opts: DeployOptions): Promise<Deployed> {
  const { preset, deployer } = opts;
  const from = await deployer.getAddress();
  const firstBlock = await ethers.provider.getBlockNumber();
  const token = (
    opts.token
      ? await ethers.getContractAt("FernetToken", opts.token, deployer)
      : await ethers.deployContract("FernetToken", ["Fernet Token", "FNT", from], deployer)
  ) as unknown as FernetToken;
  if (!opts.token) await token.waitForDeployment();

  const nonce = await ethers.provider.getTransactionCount(from, "pending");
  const hookTransactions = opts.hookTransactions ?? 0;
  const rollupNonce = nonce + hookTransactions + (opts.verifier ? 1 : 2);
  const predictedRollup = ethers.getCreateAddress({ from, nonce: rollupNonce });
  const registry = (await ethers.deployContract(
    "SequencerRegistry",
    [{ token: await token.getAddress(), ...preset.registry }, from, [predictedRollup]],
    deployer,
  )) as unknown as SequencerRegistry;
  await registry.waitForDeployment();

  if (opts.beforeRollup) await opts.beforeRollup(registry, token);

  const afterHook = await ethers.provider.getTransactionCount(from, "pending");
  if (afterHook !== nonce + 1 + hookTransactions) {
    throw new Error(
      `The deployer sent ${afterHook - nonce - 1} transaction(s) between the registry and the rollup ` +
        `(expected ${hookTransactions}); the registry's slasher address would be wrong. Use other accounts ` +
        "in beforeRollup, or declare them in hookTransactions.",
    );
  }
  let verifierAddress = opts.verifier;
  if (!verifierAddress) {
    const mock = await ethers.deployContract("MockProofVerifier", deployer);
    await mock.waitForDeployment();
    verifierAddress = await mock.getAddress();
  }
  const rollup = (await ethers.deployContract(
    "FernetRollup",
    [
      {
        token: await token.getAddress(),
        registry: await registry.getAddress(),
        verifier: verifierAddress,
        treasury: opts.treasury ?? ethers.ZeroAddress,
        genesisArchive: opts.genesisArchive ?? DEFAULT_GENESIS_ARCHIVE,
        // A fresh salt unless one is given; the contract mixes it with the deployment block's RANDAO.
        genesisSeed: opts.genesisSeed ?? hexlify(randomBytes(32)),
        ...preset.rollup,
      },
    ],
    deployer,
  )) as unknown as FernetRollup;
  await rollup.waitForDeployment();
  if ((await rollup.getAddress()) !== predictedRollup) {
    throw new Error(`Rollup deployed at ${await rollup.getAddress()}, registry expects ${predictedRollup}.`);
  }
  const verifier = (await ethers.getContractAt("IProofVerifier", verifierAddress, deployer)) as unknown as IProofVerifier;
  return { token, registry, verifier, verifierIsMock: !opts.verifier, rollup, deployBlock: firstBlock + 1 };
}

/** The Astria chain the slasher watches: its light client's genesis set and this L2's rollup id. */
export interface AstriaChainSpec {
  /** Astria's CometBFT chain id (e.g. "astria"). */
  chainId: string;
  /** Validators (ECDSA stand-in keys for Astria's Ed25519 keys) and voting powers. */
  validators: Array<{ signer: string; votingPower: number | bigint }>;
  /** First Astria height this validator set signs. */
  activeFromHeight: number | bigint;
  /** This L2's rollup id on Astria (bytes32). */
  rollupId: string;
  /** First Astria height the L2 takes its top-of-block from. */
  startHeight: number | bigint;
}

export interface DeployedAstria {
  lightClient: AstriaLightClient;
  slasher: AstriaSlasher;
}

/** Deploys the Astria light client (stand-in keys) and the equivocation slasher for `rollup`. */
export async function deployAstria(opts: {
  preset: Preset;
  deployer: Signer;
  rollup: string;
  chain: AstriaChainSpec;
  treasury?: string;
  /** Values that replace the preset's Astria values. */
  overrides?: Partial<AstriaConfig>;
}): Promise<DeployedAstria> {
  const lightClient = (await ethers.deployContract(
    "AstriaLightClient",
    [
      opts.chain.chainId,
      // The light client wants its set sorted by signer address (ascending, no duplicates).
      validatorSet(opts.chain.validators.map((v) => ({ signer: v.signer, votingPower: BigInt(v.votingPower) }))),
      BigInt(opts.chain.activeFromHeight),
    ],
    opts.deployer,
  )) as unknown as AstriaLightClient;
  await lightClient.waitForDeployment();
  const slasher = (await ethers.deployContract(
    "AstriaSlasher",
    [
      {
        rollup: opts.rollup,
        lightClient: await lightClient.getAddress(),
        treasury: opts.treasury ?? ethers.ZeroAddress,
        rollupId: opts.chain.rollupId,
        astriaStartHeight: BigInt(opts.chain.startHeight),
        ...opts.preset.astria,
        ...opts.overrides,
      },
    ],
    opts.deployer,
  )) as unknown as AstriaSlasher;
  await slasher.waitForDeployment();
  return { lightClient, slasher };
}
