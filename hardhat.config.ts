import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_COMPILE_SOLIDITY_RUN_SOLCJS } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";
import { isOpenZeppelinTransientWarning, type SolcMessage } from "./scripts/lib/solc";

/**
 * The one compiler this project uses. It ships inside the `solc` npm package (soljson.js), so
 * compiling never downloads anything: Hardhat's own download (HH502 offline) is bypassed below.
 */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(
      `Only solc ${SOLC_VERSION} is available offline (from the pinned 'solc' npm package); ` +
        `a contract asked for ${args.solcVersion}.`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

/** solc's transient-storage warning for OpenZeppelin's TransientSlot is not printed (see scripts/lib/solc.ts). */
subtask(TASK_COMPILE_SOLIDITY_RUN_SOLCJS).setAction(async (args, _hre, runSuper) => {
  const output = (await runSuper(args)) as { errors?: SolcMessage[] };
  output.errors = output.errors?.filter((e) => !isOpenZeppelinTransientWarning(e));
  return output;
});

/** Set by `npm run coverage`: instrumented code may exceed EIP-170's 24 KiB, in coverage runs only. */
const COVERAGE = process.env.SOLIDITY_COVERAGE === "true";

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
  },
  networks: {
    hardhat: {
      allowUnlimitedContractSize: COVERAGE,
    },
    localhost: {
      url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545",
    },
    ...(process.env.RPC_URL
      ? {
          remote: {
            url: process.env.RPC_URL,
            accounts: process.env.DEPLOYER_PRIVATE_KEY ? [process.env.DEPLOYER_PRIVATE_KEY] : [],
          },
        }
      : {}),
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    offline: true,
    currency: "USD",
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  mocha: {
    timeout: 600_000,
  },
};

export default config;
