import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployToken, TOKEN, load } from "../helpers/fixtures";

async function fixture() {
  const [owner, holder, spender] = await ethers.getSigners();
  const token = await deployToken(owner, [holder], 100n * TOKEN);
  return { owner, holder, spender, token };
}

describe("FernetToken", () => {
  it("lets only the owner mint", async () => {
    const { token, holder } = await load(fixture);
    expect(await token.balanceOf(holder.address)).to.equal(100n * TOKEN);
    await expect(token.connect(holder).mint(holder.address, 1n))
      .to.be.revertedWithCustomError(token, "OwnableUnauthorizedAccount")
      .withArgs(holder.address);
  });

  it("accepts an EIP-2612 permit signed by the holder", async () => {
    const { token, holder, spender } = await load(fixture);
    const deadline = BigInt(await time.latest()) + 3600n;
    const { chainId } = await ethers.provider.getNetwork();
    const domain = { name: "Fernet Token", version: "1", chainId, verifyingContract: await token.getAddress() };
    const types = {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    };
    const value = 5n * TOKEN;
    const message = { owner: holder.address, spender: spender.address, value, nonce: 0n, deadline };
    const sig = ethers.Signature.from(await holder.signTypedData(domain, types, message));
    await token.permit(holder.address, spender.address, value, deadline, sig.v, sig.r, sig.s);
    expect(await token.allowance(holder.address, spender.address)).to.equal(value);
  });
});
