// The page's Python: Pyodide in a Web Worker, so that a long run never freezes the page.
// runner.js starts it on the first Run; see docs/authoring.md, "Running the examples".
//
// Messages in:  {type: "run", id, code, kind}   {type: "reset"}
// Messages out: {type: "status", text}   {type: "ready", ms}   {type: "fatal", text}
//               {type: "start", id}   {type: "out", id, stream, text}   {type: "done", id, ok}
// Everything is loaded from this site: Pyodide's core from ../pyodide/, the book's
// package from micrograd.zip, the runner module from bookrunner.py. No network beyond it.

import { loadPyodide } from "../pyodide/pyodide.mjs";

const started = performance.now();
const here = (name) => new URL(name, import.meta.url).href;

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

async function start() {
  postMessage({ type: "status", text: "Loading Python (Pyodide)…" });
  const pyodide = await loadPyodide({ indexURL: here("../pyodide/") });
  const [archive, runnerSource] = await Promise.all([
    fetchOk(here("micrograd.zip")).then((r) => r.arrayBuffer()),
    fetchOk(here("bookrunner.py")).then((r) => r.text()),
  ]);
  pyodide.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
  pyodide.FS.writeFile("/home/pyodide/bookrunner.py", runnerSource);
  const runner = pyodide.pyimport("bookrunner");
  postMessage({ type: "ready", ms: Math.round(performance.now() - started) });
  return runner;
}

const ready = start();
ready.catch((error) => postMessage({ type: "fatal", text: String(error && error.message || error) }));

// One message at a time, in order: a run waits for Python to load, then for the runs before it.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data;
  queue = queue.then(async () => {
    let runner;
    try {
      runner = await ready;
    } catch {
      return; // "fatal" has told the page
    }
    if (message.type === "reset") {
      runner.reset();
    } else if (message.type === "run") {
      const emit = (stream, text) => postMessage({ type: "out", id: message.id, stream, text });
      postMessage({ type: "start", id: message.id });
      let ok = false;
      try {
        ok = runner.run(message.code, message.kind, emit);
      } catch (error) {
        emit("stderr", `The runner failed: ${error && error.message || error}\n`);
      }
      postMessage({ type: "done", id: message.id, ok });
    }
  });
};
