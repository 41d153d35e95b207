// Run the book's examples in the page: a Run button and an editable code area under each
// block that tools/mkdocs_hooks/pyodide_runner.py wrapped in <div class="runner">.
// Python (Pyodide) starts in a Web Worker (worker.js) on the first Run, never before.
// The blocks of a page share one namespace, as the cells of a notebook do; Run on a block
// first runs the blocks above it that have not run yet. Stop ends the worker; Reset forgets
// what the page defined. See docs/authoring.md, "Running the examples".
(function () {
  "use strict";

  const WORKER_URL = new URL("worker.js", document.currentScript.src);
  const FROM_DISK =
    "Running the examples needs the book served over http, not opened from disk: browsers " +
    "do not start Python (WebAssembly in a worker) for file:// pages. In the book's folder run " +
    "`make serve`, or `python -m http.server -d site`, and open http://127.0.0.1:8000/.";

  const state = (window.bookRunner = { readyMs: null, page: null });
  let worker = null;
  let blocks = [];
  const runs = new Map(); // run id -> block, for runs sent and not finished
  let nextId = 1;

  function button(label, className, title) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `runner-button ${className}`;
    b.textContent = label;
    b.title = title;
    return b;
  }

  function setState(block, name, text) {
    block.el.dataset.runnerState = name;
    block.status.textContent = text;
    const busy = runs.size > 0;
    for (const b of blocks) b.stop.disabled = !busy;
  }

  function write(block, stream, text) {
    block.out.hidden = false;
    const span = document.createElement("span");
    span.className = `runner-${stream}`;
    span.textContent = text;
    block.out.append(span);
  }

  function endWorker(message) {
    if (worker) worker.terminate();
    worker = null;
    const pending = new Set(runs.values());
    runs.clear();
    for (const block of pending) {
      if (message) write(block, "note", message + "\n");
      setState(block, "stopped", "Stopped.");
    }
    for (const block of blocks) block.ran = false; // the page's Python state went with the worker
  }

  function onMessage(event) {
    const m = event.data;
    const block = runs.get(m.id);
    if (m.type === "status") {
      for (const b of runs.values()) b.status.textContent = m.text;
    } else if (m.type === "ready") {
      state.readyMs = m.ms;
      for (const b of runs.values()) b.status.textContent = `Python is ready (${(m.ms / 1000).toFixed(1)} s).`;
    } else if (m.type === "fatal") {
      endWorker(`Python could not start: ${m.text}`);
    } else if (block && m.type === "start") {
      setState(block, "running", "Running…");
    } else if (block && m.type === "out") {
      write(block, m.stream, m.text);
    } else if (block && m.type === "done") {
      runs.delete(m.id);
      if (!block.out.childNodes.length) write(block, "note", "(no output)\n");
      setState(block, m.ok ? "done" : "error", m.ok ? "Done." : "Done; it raised an error (see the output).");
    }
  }

  function startWorker() {
    worker = new Worker(WORKER_URL, { type: "module" });
    worker.onmessage = onMessage;
    worker.onerror = (event) => {
      event.preventDefault();
      endWorker(`Python could not start: ${event.message || "the worker script did not load"}.`);
    };
  }

  function send(block) {
    if (!worker) startWorker();
    const id = nextId++;
    runs.set(id, block);
    block.ran = true;
    block.out.replaceChildren();
    block.out.hidden = true;
    setState(block, "queued", state.readyMs === null ? "Starting Python…" : "Waiting…");
    worker.postMessage({ type: "run", id, code: block.code.value, kind: block.kind });
  }

  function run(block) {
    if (location.protocol === "file:") {
      block.out.replaceChildren();
      write(block, "note", FROM_DISK + "\n");
      setState(block, "unavailable", "");
      return;
    }
    const index = blocks.indexOf(block);
    for (const earlier of blocks.slice(0, index)) {
      if (!earlier.ran) send(earlier); // the notebook's cells above, in order
    }
    send(block);
  }

  function reset() {
    if (runs.size) {
      endWorker("Stopped by Reset.");
    } else if (worker) {
      worker.postMessage({ type: "reset" });
    }
    for (const b of blocks) {
      b.ran = false;
      b.out.replaceChildren();
      b.out.hidden = true;
      setState(b, "idle", "");
    }
  }

  function setEditing(block, editing) {
    block.code.hidden = !editing;
    block.shown.hidden = editing;
    block.edit.textContent = editing ? "Undo edits" : "Edit";
    block.edit.title = editing ? "Back to the book's code" : "Change the code before you run it";
    if (editing) {
      block.code.rows = Math.min(30, block.code.value.split("\n").length + 1);
      block.code.focus();
    } else {
      block.code.value = block.code.defaultValue;
    }
  }

  function bind(el) {
    if (el.runnerBlock) return el.runnerBlock;
    const shown = el.querySelector(":scope > .highlight");
    const code = el.querySelector(":scope > textarea.runner-code");
    if (!shown || !code) return null;
    const block = {
      el, shown, code, kind: el.dataset.runnerKind, ran: false,
      run: button("Run", "runner-run", "Run this code in the page (Ctrl+Enter while editing)"),
      stop: button("Stop", "runner-stop", "Stop Python; the page's state is lost"),
      edit: button("Edit", "runner-edit", "Change the code before you run it"),
      reset: button("Reset", "runner-reset", "Forget everything this page's code defined"),
      status: document.createElement("span"),
      out: document.createElement("pre"),
    };
    block.status.className = "runner-status";
    block.status.setAttribute("role", "status");
    block.out.className = "runner-output";
    block.out.hidden = true;
    block.out.setAttribute("aria-live", "polite");
    block.out.setAttribute("aria-label", "Output");
    const bar = document.createElement("div");
    bar.className = "runner-bar";
    bar.append(block.run, block.stop, block.edit, block.reset, block.status);
    el.append(bar, block.out);
    block.stop.disabled = runs.size === 0;
    if (location.protocol === "file:") block.run.title = FROM_DISK;
    block.run.addEventListener("click", () => run(block));
    block.stop.addEventListener("click", () => endWorker("Stopped: Python was shut down, and with " +
      "it everything this page had defined. Run starts it again."));
    block.edit.addEventListener("click", () => setEditing(block, block.code.hidden));
    block.reset.addEventListener("click", reset);
    code.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey || event.shiftKey)) {
        event.preventDefault();
        run(block);
      }
    });
    el.dataset.runnerState = "idle";
    el.runnerBlock = block;
    return block;
  }

  // Material's instant navigation swaps the page without reloading the scripts:
  // document$ tells us each time a page (the first one too) is in place.
  function onPage() {
    if (state.page !== location.pathname) {
      state.page = location.pathname;
      if (runs.size) endWorker(null);
      else if (worker) worker.postMessage({ type: "reset" }); // a new page starts afresh
    }
    blocks = Array.from(document.querySelectorAll("div.runner:not(.runner-unavailable)"), bind)
      .filter(Boolean);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
