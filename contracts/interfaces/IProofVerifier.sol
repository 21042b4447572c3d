// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title IProofVerifier
 * @notice The rollup's pluggable proof verifier, chosen at deployment. A real verifier (for example an
 *         UltraHonk verifier generated for the rollup circuit) implements this unchanged.
 */
interface IProofVerifier {
    /**
     * @notice Whether `proof` proves the statement committed to by `publicInputsHash`.
     * @param proof The proof bytes.
     * @param publicInputsHash keccak256 of the ABI-encoded public inputs (see FernetLib.publicInputsHash).
     * @return valid True if the proof verifies.
     */
    function verify(bytes calldata proof, bytes32 publicInputsHash) external view returns (bool valid);
}
