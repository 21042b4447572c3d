#!/usr/bin/env node
/**
 * Builds the SDK from one source into `dist/cjs` (CommonJS) and `dist/esm` (ES modules), both with
 * type declarations. Run after `generate.mjs`.
 *
 * The ES build needs one post-build step, done here: Node's ESM loader wants full relative
 * specifiers, so `./x` becomes `./x.js` (or `./x/index.js` for a folder) in the emitted `.js` and
 * `.d.ts` files, and files that use `__dirname`/`__filename` (the prover pool finds its worker file
 * next to itself) get both defined from `import.meta.url`. Each output folder gets a package.json
 * stub with its module type.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const sdk = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(sdk, "package.json"));
const tsc = require.resolve("typescript/bin/tsc");
const dist = join(sdk, "dist");

function run(args) {
  const r = spawnSync(process.execPath, [tsc, ...args], { cwd: sdk, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** `./x` → `./x.js` or `./x/index.js`, resolved against the emitted files (the ES smoke test catches misses). */
function fullSpecifier(file, spec) {
  if (!spec.startsWith(".") || /\.(c|m)?js$|\.json$/.test(spec)) return spec;
  const base = resolve(dirname(file), spec);
  if (existsSync(`${base}.js`)) return `${spec}.js`;
  if (existsSync(join(base, "index.js"))) return `${spec}/index.js`;
  return spec; // not an emitted module (e.g. a path inside a doc comment): left as written
}

const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(["'])(\.{1,2}\/[^"']*|\.{1,2})\2/g;
const DIRNAME_SHIM =
  'import { fileURLToPath as __fernetFileURLToPath } from "node:url";\n' +
  'import { dirname as __fernetDirname } from "node:path";\n' +
  "const __filename = __fernetFileURLToPath(import.meta.url);\n" +
  "const __dirname = __fernetDirname(__filename);\n";

rmSync(dist, { recursive: true, force: true });
run(["-p", "tsconfig.json", "--outDir", join(dist, "cjs")]);
run(["-p", "tsconfig.json", "--module", "es2022", "--outDir", join(dist, "esm")]);

for (const file of walk(join(dist, "esm"))) {
  if (!file.endsWith(".js") && !file.endsWith(".d.ts")) continue;
  let text = readFileSync(file, "utf8").replace(SPECIFIER, (_m, lead, q, spec) => `${lead}${q}${fullSpecifier(file, spec)}${q}`);
  if (file.endsWith(".js") && /\b__(dirname|filename)\b/.test(text)) {
    text = DIRNAME_SHIM + text;
  }
  writeFileSync(file, text);
}
writeFileSync(join(dist, "esm", "package.json"), `${JSON.stringify({ type: "module", sideEffects: false }, null, 2)}\n`);
writeFileSync(join(dist, "cjs", "package.json"), `${JSON.stringify({ type: "commonjs", sideEffects: false }, null, 2)}\n`);
console.log(`sdk build: ${walk(dist).length} files in ${dist}`);
