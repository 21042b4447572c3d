// solidity-coverage settings: test-only contracts are not measured.
module.exports = {
  skipFiles: ["mocks/"],
};
