/**
 * Every public export of the SDK's entry points (the main entry and each subpath of sdk/package.json)
 * has a TSDoc comment with an `@example`.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";

const SDK = join(__dirname, "..", "..", "sdk");
/** Known gaps, each to be filled by the owner of its file (then removed here). */
const KNOWN_GAPS: string[] = [];

/** The source entry of each export of sdk/package.json (`./dist/cjs/x.js` is built from `src/x.ts`). */
function entries(): string[] {
  const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8")) as { exports: Record<string, { require?: { default: string } }> };
  return Object.values(pkg.exports)
    .map((e) => e.require?.default)
    .filter((p): p is string => !!p)
    .map((p) => join(SDK, p.replace("./dist/cjs/", "src/").replace(/\.js$/, ".ts")));
}

function documented(d: ts.Declaration): { doc: boolean; example: boolean } {
  const host = ts.isVariableDeclaration(d) ? d.parent.parent : d;
  return { doc: ts.getJSDocCommentsAndTags(host).length > 0, example: ts.getJSDocTags(host).some((t) => t.tagName.text === "example") };
}

describe("SDK TSDoc", function () {
  this.timeout(120_000);
  it("documents every public export of every entry point with an @example", () => {
    const files = entries();
    expect(files.map((f) => relative(SDK, f))).to.include.members(["src/index.ts", "src/astria-entry.ts", "src/prover/index.ts", "src/contracts.ts"]);
    const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
    const checker = program.getTypeChecker();
    const gaps = new Set<string>();
    let exports = 0;
    for (const file of files) {
      const mod = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
      for (const exported of checker.getExportsOfModule(mod)) {
        const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        const d = sym.getDeclarations()?.[0];
        if (!d) continue;
        const where = relative(SDK, d.getSourceFile().fileName);
        if (where.startsWith("src/generated/")) continue; // typechain output and generated tables
        exports++;
        const { example } = documented(d);
        if (!example) gaps.add(`${where}: ${exported.name}`);
      }
    }
    expect(exports).to.be.greaterThan(200);
    expect([...gaps].sort()).to.deep.equal(KNOWN_GAPS);
  });
});
