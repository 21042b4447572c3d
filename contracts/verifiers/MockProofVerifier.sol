// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IProofVerifier} from "../interfaces/IProofVerifier.sol";

/**
 * @title MockProofVerifier — STUB, NOT SOUND
 * @notice A stand-in for a real zero-knowledge verifier, for local deployments, tests and the demo.
 *         It checks no computation: anyone can make a "proof" for any public inputs. It only makes sure
 *         a proof is bound to exactly one set of public inputs, so the rollup's binding rules (chain,
 *         contract, height, archives, txs root, data hash, prover) are exercised for real.
 * @dev Accepts exactly the 32 bytes `keccak256(abi.encode(MOCK_PROOF_DOMAIN, publicInputsHash))`.
 *      NEVER deploy it where the proof is meant to protect anything.
 */
contract MockProofVerifier is IProofVerifier {
    /// @notice Domain tag of mock proofs.
    bytes32 public constant MOCK_PROOF_DOMAIN = keccak256("fernet.MockProofVerifier.v1");

    /// @notice Length of a mock proof in bytes.
    uint256 public constant MOCK_PROOF_LENGTH = 32;

    /// @inheritdoc IProofVerifier
    function verify(bytes calldata proof, bytes32 publicInputsHash) external pure override returns (bool) {
        return proof.length == MOCK_PROOF_LENGTH && bytes32(proof) == mockProof(publicInputsHash);
    }

    /**
     * @notice The one proof this stub accepts for `publicInputsHash`.
     * @param publicInputsHash The public-inputs commitment.
     * @return The mock proof (as bytes32).
     */
    function mockProof(bytes32 publicInputsHash) public pure returns (bytes32) {
        return keccak256(abi.encode(MOCK_PROOF_DOMAIN, publicInputsHash));
    }
}
