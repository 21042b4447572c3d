// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAstriaSlasher} from "../interfaces/IAstriaSlasher.sol";
import {IFernetRollup} from "../interfaces/IFernetRollup.sol";
import {AstriaBindingLib} from "./AstriaBindingLib.sol";
import {AstriaMerkle} from "./AstriaMerkle.sol";
import {TxMerkle} from "./TxMerkle.sol";
import {FernetLib} from "./FernetLib.sol";

/**
 * @title AstriaEvidenceLib
 * @notice The Astria slasher's evidence checks that need no chain state: each takes what the slasher read
 *         (a posted binding's root and count, a light-client root, the won block's hash, the round start)
 *         and the caller's proofs, and reverts with the named `IAstriaSlasher` error unless the proofs
 *         show what they claim. The slasher reads the state, calls these checks, and slashes.
 *
 * Absence in a sorted list (`isGap`) is one algorithm for both sorted lists the evidence meets: the
 * leaves of Astria's `rollup_transactions_root` (keyed by rollup id) and the entries of a binding (keyed
 * by Astria height). A key is absent when the list is empty, when the first element is above it, when
 * the last is below it, or when two adjacent elements enclose it.
 */
library AstriaEvidenceLib {
    /**
     * @notice An element of a sorted list, already proven to sit at `index` of a list of `size` elements.
     * @dev For a rollup leaf `size` is the tree size its proof was verified at (RFC 6962 proofs at
     *      `(0, n)` and `(n - 1, n)` show the first and the last leaf whatever `n` was claimed); for an
     *      entry it is the binding's entry count.
     */
    struct Neighbour {
        uint256 key;
        uint256 index;
        uint256 size;
    }

    /// @notice The most neighbours an absence proof uses: two adjacent elements around the key.
    uint256 internal constant MAX_NEIGHBOURS = 2;

    // ------------------------------------------------------------------ sorted lists

    /**
     * @notice Whether `around` proves `key` absent from a list sorted by strictly ascending key: no
     *         elements (`listEmpty`), the first element above the key, the last one below it, or two
     *         adjacent elements (same size, consecutive indices) around it.
     * @param key The key shown absent.
     * @param around The proven neighbours: none, one, or two in ascending order.
     * @param listEmpty Whether the list is known to be empty (only used without neighbours).
     */
    function isGap(uint256 key, Neighbour[] memory around, bool listEmpty) internal pure returns (bool) {
        if (around.length == 0) {
            return listEmpty;
        }
        Neighbour memory first = around[0];
        if (around.length == 1) {
            return (first.index == 0 && first.key > key) || (first.index + 1 == first.size && first.key < key);
        }
        if (around.length > MAX_NEIGHBOURS) {
            return false;
        }
        Neighbour memory second = around[1];
        return first.size == second.size && second.index == first.index + 1 && first.key < key && key < second.key;
    }

    // ------------------------------------------------------------------ entries of a posted binding

    /**
     * @notice Reverts unless `proof` shows its entry at its index of a posted binding.
     * @param l2Height The binding's height (for the error).
     * @param root The binding's `entriesRoot`.
     * @param count The binding's `entryCount`.
     * @param proof The entry with its proof.
     */
    function checkEntry(uint256 l2Height, bytes32 root, uint256 count, IAstriaSlasher.EntryProof calldata proof)
        internal
        pure
    {
        bytes32 leaf = AstriaBindingLib.entryHash(proof.entry);
        if (!TxMerkle.verify(root, leaf, proof.index, count, proof.proof)) {
            revert IAstriaSlasher.Astria__InvalidEntryProof(l2Height, proof.index);
        }
    }

    /**
     * @notice Reverts unless `bracket` shows that a posted binding has no entry at `astriaHeight`: no
     *         entries at all, the first entry above it, the last entry below it, or two adjacent entries
     *         around it (entries are ascending, checked at posting).
     * @param l2Height The binding's height.
     * @param root The binding's `entriesRoot`.
     * @param count The binding's `entryCount`.
     * @param astriaHeight The Astria height shown to have no entry.
     * @param bracket The entries around it, each with its proof.
     */
    function checkNoEntry(
        uint256 l2Height,
        bytes32 root,
        uint256 count,
        uint64 astriaHeight,
        IAstriaSlasher.EntryProof[] calldata bracket
    ) internal pure {
        Neighbour[] memory around = new Neighbour[](bracket.length);
        for (uint256 i = 0; i < bracket.length; ++i) {
            IAstriaSlasher.EntryProof calldata e = bracket[i];
            checkEntry(l2Height, root, count, e);
            if (e.entry.astriaHeight == astriaHeight) {
                revert IAstriaSlasher.Astria__EntryExists(astriaHeight, e.index);
            }
            around[i] = Neighbour({key: e.entry.astriaHeight, index: e.index, size: count});
        }
        if (!isGap(astriaHeight, around, count == 0)) {
            revert IAstriaSlasher.Astria__NotBracketed(astriaHeight);
        }
    }

    // ------------------------------------------------------------------ Astria's rollup tree

    /**
     * @notice Reverts unless `leaf` (of any rollup) is a leaf of Astria block `astriaHeight`'s
     *         `rollup_transactions_root` `root` at its claimed position.
     */
    function verifyRollupLeaf(bytes32 root, uint64 astriaHeight, IAstriaSlasher.RollupLeaf calldata leaf)
        internal
        pure
    {
        bytes32 hash = AstriaMerkle.rollupLeafHash(leaf.rollupId, leaf.txsRoot);
        if (!AstriaMerkle.verify(root, hash, leaf.index, leaf.treeSize, leaf.proof)) {
            revert IAstriaSlasher.Astria__InvalidRollupProof(astriaHeight);
        }
    }

    /// @notice Reverts unless `leaf` is the leaf of rollup `rollupId` in `root`.
    function checkRollupLeaf(
        bytes32 root,
        bytes32 rollupId,
        uint64 astriaHeight,
        IAstriaSlasher.RollupLeaf calldata leaf
    ) internal pure {
        if (leaf.rollupId != rollupId) {
            revert IAstriaSlasher.Astria__WrongRollupId(rollupId, leaf.rollupId);
        }
        verifyRollupLeaf(root, astriaHeight, leaf);
    }

    /// @notice Reverts unless `leaf` is the leaf of rollup `rollupId` in `root` and carries txs.
    function checkPresent(bytes32 root, bytes32 rollupId, uint64 astriaHeight, IAstriaSlasher.RollupLeaf calldata leaf)
        internal
        pure
    {
        checkRollupLeaf(root, rollupId, astriaHeight, leaf);
        if (leaf.txsRoot == AstriaMerkle.EMPTY_ROOT) {
            revert IAstriaSlasher.Astria__RollupHasNoTxs(astriaHeight);
        }
    }

    /**
     * @notice Reverts unless `neighbours` prove rollup `rollupId` absent from the sorted rollup tree
     *         `root`: no leaves at all (EMPTY_ROOT), the first leaf above the id, the last leaf below it,
     *         or two adjacent leaves around it.
     */
    function checkRollupAbsent(
        bytes32 root,
        bytes32 rollupId,
        uint64 astriaHeight,
        IAstriaSlasher.RollupLeaf[] calldata neighbours
    ) internal pure {
        Neighbour[] memory around = new Neighbour[](neighbours.length);
        for (uint256 i = 0; i < neighbours.length; ++i) {
            IAstriaSlasher.RollupLeaf calldata n = neighbours[i];
            verifyRollupLeaf(root, astriaHeight, n);
            if (n.rollupId == rollupId) {
                revert IAstriaSlasher.Astria__RollupPresent(astriaHeight);
            }
            around[i] = Neighbour({key: uint256(n.rollupId), index: n.index, size: n.treeSize});
        }
        if (!isGap(uint256(rollupId), around, root == AstriaMerkle.EMPTY_ROOT)) {
            revert IAstriaSlasher.Astria__AbsenceNotProven(astriaHeight);
        }
    }

    // ------------------------------------------------------------------ txs

    /**
     * @notice Reverts unless `astriaTx` is leaf `astriaTx.index` of a tree of `treeSize` leaves whose
     *         root is the entry's `rollupTxsRoot`.
     */
    function checkAstriaTx(IAstriaSlasher.Entry calldata e, IAstriaSlasher.AstriaTx calldata astriaTx, uint256 treeSize)
        internal
        pure
    {
        bytes32 leaf = AstriaMerkle.leafHash(astriaTx.data);
        if (!AstriaMerkle.verify(e.rollupTxsRoot, leaf, astriaTx.index, treeSize, astriaTx.proof)) {
            revert IAstriaSlasher.Astria__InvalidAstriaTxProof(e.astriaHeight, astriaTx.index);
        }
    }

    /**
     * @notice Reverts unless the entry's `txCount` contradicts its own root: `astriaTx`, proven in a tree
     *         of `treeSize` leaves, sits where a tree of `txCount` leaves has no leaf.
     */
    function checkCountMismatch(
        IAstriaSlasher.Entry calldata e,
        IAstriaSlasher.AstriaTx calldata astriaTx,
        uint256 treeSize
    ) internal pure {
        checkAstriaTx(e, astriaTx, treeSize);
        if (AstriaMerkle.isLeafOfShape(astriaTx.index, treeSize, e.txCount)) {
            revert IAstriaSlasher.Astria__CountConsistent(e.astriaHeight, astriaTx.index, e.txCount);
        }
    }

    /**
     * @notice The leaf at `position` of the block won at `l2Height` (zero if the block has fewer txs),
     *         read through its header, which must hash to the won block `won`.
     */
    function l2TxAt(uint256 l2Height, bytes32 won, uint256 position, IAstriaSlasher.L2Tx calldata l2Tx)
        internal
        pure
        returns (bytes32)
    {
        bytes32 hash = FernetLib.blockHash(l2Tx.header);
        if (hash != won) {
            revert IAstriaSlasher.Astria__HeaderMismatch(l2Height, won, hash);
        }
        if (position >= l2Tx.header.txCount) {
            return bytes32(0);
        }
        if (!TxMerkle.verify(l2Tx.header.txsRoot, l2Tx.txHash, position, l2Tx.header.txCount, l2Tx.proof)) {
            revert IAstriaSlasher.Astria__InvalidL2TxProof(l2Height, position);
        }
        return l2Tx.txHash;
    }

    // ------------------------------------------------------------------ ranges and rounds

    /**
     * @notice Reverts unless the rollup's record of `l2Height` shows a height that ended in backup through
     *         its winner's own miss: finalized as Backup, and no prover commitment or no reveal. (A
     *         commitment with a reveal means the committed prover withheld the proof: not the winner's miss.)
     * @param l2Height The height.
     * @param record The rollup's record of it (`IFernetRollup.getBlock`).
     */
    function checkAbandoned(uint256 l2Height, IFernetRollup.BlockRecord memory record) internal pure {
        if (record.finalization != IFernetRollup.Finalization.Backup) {
            revert IAstriaSlasher.Astria__NotEndedInBackup(l2Height, record.finalization);
        }
        if (record.prover != address(0) && record.revealed) {
            revert IAstriaSlasher.Astria__ProverMissedProof(l2Height, record.prover);
        }
    }

    /**
     * @notice Reverts unless rule (b) required Astria block `astriaHeight` (time `astriaTime`) in the range
     *         of a height whose round started at `roundStart`: the block is at least `margin` seconds older.
     */
    function checkRequired(uint64 astriaHeight, uint64 astriaTime, uint256 margin, uint256 roundStart)
        internal
        pure
    {
        if (uint256(astriaTime) + margin > roundStart) {
            revert IAstriaSlasher.Astria__NotYetRequired(astriaHeight, astriaTime, roundStart);
        }
    }
}
