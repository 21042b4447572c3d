#!/usr/bin/env node
// Launcher of the `fernet` command from the repository's TypeScript sources (ts-node, transpile-only).
"use strict";
const path = require("node:path");

const root = path.join(__dirname, "..");
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
require(path.join(root, "sdk", "src", "cli", "fernet.ts")).run(process.argv.slice(2));
