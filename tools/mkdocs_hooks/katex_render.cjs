// Typeset TeX with KaTeX for the MkDocs hook katex_math.py.
//
// Usage: node katex_render.cjs PATH/TO/node_modules/katex  < formulas.json
// Input:  [{"tex": "...", "display": true|false}, ...]
// Output: [{"html": "..."} | {"error": "..."}, with "warnings": [...]] in the same order.
//
// One process typesets all formulas of a page, so node starts once per page,
// not once per formula.
"use strict";

const katex = require(process.argv[2]);

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(({ tex, display }) => {
    const warnings = [];
    try {
      const html = katex.renderToString(tex, {
        displayMode: display,
        throwOnError: true,
        output: "htmlAndMathml", // MathML keeps the formula readable by screen readers
        // KaTeX's "strict" complaints (e.g. Unicode text in math) become build warnings.
        strict: (code, message) => { warnings.push(`${code}: ${message}`); return "ignore"; },
      });
      return { html, warnings };
    } catch (err) {
      return { error: String(err.message || err), warnings };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
