// Run every block the site lets a reader run, in Pyodide under Node, without a browser.
//
//   node tools/check_runnable.mjs [docs/01-value.md ...]     (default: every docs/*.md)
//
// The blocks, and the rule for which ones run, come from the site's own hook
// (tools/mkdocs_hooks/pyodide_runner.py, run as a script); they run through the
// page's own runner (docs/assets/runner/bookrunner.py), with the tangled
// micrograd/ package importable, each page in one namespace as in the browser.
// An example passes when what it prints and shows agrees with the output the
// book prints under it (doctest's rules: ELLIPSIS, NORMALIZE_WHITESPACE); a
// runnable listing passes when it raises nothing. Blocks that need what the
// page's Python lacks (NumPy, matplotlib), and every later block on a page
// once one imports something that needs NumPy (the hook's rule), are listed
// as skipped, not passed.
// Exits 1 on any failure. Environment: PYTHON (default .venv/bin/python).

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.PYTHON || join(root, ".venv", "bin", "python");
const pages = process.argv.length > 2 ? process.argv.slice(2)
  : readdirSync(join(root, "docs")).filter((n) => n.endsWith(".md")).sort().map((n) => join("docs", n));

const started = Date.now();
const found = JSON.parse(execFileSync(
  python, [join(root, "tools", "mkdocs_hooks", "pyodide_runner.py"), ...pages],
  { cwd: root, encoding: "utf-8", maxBuffer: 64 << 20 }));

let loadPyodide;
try {
  ({ loadPyodide } = await import(join(root, "node_modules", "pyodide", "pyodide.mjs")));
} catch (error) {
  console.error(`Pyodide is not installed (${error.message}). Run \`npm ci\` (or \`make katex\`).`);
  process.exit(1);
}
const pyodide = await loadPyodide({ indexURL: join(root, "node_modules", "pyodide") + "/" });
const loaded = Date.now();

// The package, as the site ships it, and the page's runner.
const home = "/home/pyodide";
pyodide.FS.mkdirTree(`${home}/micrograd`);
for (const name of readdirSync(join(root, "micrograd")).filter((n) => n.endsWith(".py"))) {
  pyodide.FS.writeFile(`${home}/micrograd/${name}`, readFileSync(join(root, "micrograd", name)));
}
pyodide.FS.writeFile(`${home}/bookrunner.py`,
  readFileSync(join(root, "docs", "assets", "runner", "bookrunner.py")));
const runner = pyodide.pyimport("bookrunner");

let passed = 0;
const failed = [];
const skipped = [];
for (const { page, blocks } of found) {
  runner.reset();
  for (const block of blocks) {
    const where = `${relative(root, join(root, page))}:${block.line} (${block.kind})`;
    if (block.needs) {
      skipped.push(`${where}: needs ${block.needs}`);
      continue;
    }
    let got = "";
    const ok = runner.run(block.code, block.kind, (stream, text) => { got += text; });
    const good = block.kind === "example" ? runner.matches(block.want, got) : ok;
    if (good) {
      passed += 1;
    } else {
      failed.push(`${where}\n--- code\n${block.code}--- the book shows\n${block.want}`
                  + `--- Pyodide gave\n${got}`);
    }
  }
}

for (const failure of failed) console.error(`FAILED ${failure}\n`);
for (const skip of skipped) console.log(`skipped ${skip}`);
const seconds = (t) => (t / 1000).toFixed(1);
console.log(`Runnable blocks in Pyodide ${pyodide.version}: ${found.length} files, `
            + `Pyodide loaded in ${seconds(loaded - started)} s, blocks ran in ${seconds(Date.now() - loaded)} s.`);
console.log(`${passed} passed, ${failed.length} failed, ${skipped.length} skipped`);
process.exit(failed.length ? 1 : 0);
