// Render Graphviz DOT to SVG with Viz.js (Graphviz compiled to WebAssembly).
// Reads {"name": "dot source", ...} as JSON on stdin, writes {"name": "<svg ...>"}
// on stdout. Any DOT error ends the process with a non-zero status and the
// figure's name, so the build never drops a figure silently.
// Used by tools/figures/graphs.py; see docs/authoring.md.
import { instance } from "@viz-js/viz";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const sources = JSON.parse(input);
const viz = await instance();
const out = {};
for (const [name, dot] of Object.entries(sources)) {
  const result = viz.render(dot, { format: "svg" });
  if (result.status !== "success") {
    const why = result.errors.map((e) => `${e.level}: ${e.message}`).join("; ");
    console.error(`render_dot: figure ${name}: ${why}`);
    process.exit(1);
  }
  out[name] = result.output;
}
process.stdout.write(JSON.stringify({ graphviz: viz.graphvizVersion, svg: out }));
