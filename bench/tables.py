"""The Markdown tables of docs/07-fast.md, from the results of bench/measure.py.

`tables(result)` returns {name: Markdown}; bench/run.py writes each to
docs/generated/bench_<name>.md, which the chapter includes with `--8<--`.
Rows follow the order of bench/subjects.py and take its labels.
"""
from __future__ import annotations

from subjects import SUBJECTS


def ms(x: float) -> str:
    """Milliseconds to three significant digits."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    if x >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def times(x: float) -> str:
    """A ratio: 0.0042×, 1.23×, 12.3×, 123×."""
    if x < 0.1:
        return f"{x:.2g}×"
    return f"{x:.2f}×" if x < 10 else f"{x:.1f}×" if x < 100 else f"{x:,.0f}×"


def si(x: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if x >= size:
            return f"{x / size:.3g} {unit}"
    return f"{x:.3g}"


def pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def label(name: str) -> str:
    return SUBJECTS[name].label


def rung_label(name: str) -> str:
    return SUBJECTS[name].rung_label or SUBJECTS[name].label


def tables(result: dict) -> dict[str, str]:
    s, meta = result["subjects"], result["meta"]
    out = {}

    rows = [[label(n), ms(e["forward_ms"]), ms(e["backward_ms"]), ms(e["free_ms"]),
             ms(e["step_ms"]), times(e["vs_ours"])]
            for n, e in s.items() if SUBJECTS[n].main]
    out["step"] = table(["subject", "forward (ms)", "backward (ms)", "freeing the graph (ms)",
                         "step (ms)", "time / ours"], rows, "lrrrrr")

    rows = [[label(n), f"{e['nodes']:,}", f"{e['edges']:,}", ms(e["step_ms"]),
             si(e["nodes_per_s"]), si(e["edges_per_s"])]
            for n, e in s.items() if SUBJECTS[n].graph]
    out["throughput"] = table(["engine", "nodes per step", "edges per step", "step (ms)",
                               "nodes/s", "edges/s"], rows, "lrrrrr")

    rows = [[rung_label(n), ms(e["forward_ms"]), ms(e["backward_ms"]), ms(e["free_ms"]),
             ms(e["step_ms"]), ms(e["step_ms_gc_off"]) if "step_ms_gc_off" in e else "",
             times(e["speedup_over_previous"]) if "speedup_over_previous" in e else "",
             times(1 / e["vs_closures"]) if "vs_closures" in e else ""]
            for n, e in s.items() if SUBJECTS[n].rung]
    out["ladder"] = table(["engine", "forward (ms)", "backward (ms)", "freeing (ms)",
                           "step (ms)", "step, GC off (ms)", "speed-up over the row above",
                           "speed-up over the naive engine"], rows, "lrrrrrrr")

    rows = [[label(n), ms(g["step_ms"]), ms(g["gc_ms"]), pct(g["share"]),
             " / ".join(f"{c:g}" for c in g["collections_by_generation"]),
             f"{g['objects_collected']:,.0f}"] for n, g in result["gc"].items()]
    out["gc"] = table(["engine", "step, timed with callbacks (ms)", "in the collector (ms)",
                       "share", "collections per step (gen 0 / 1 / 2)",
                       "objects it frees per step"], rows, "lrrrrr")

    for n, prof in result["profile"].items():
        rows = []
        for r in prof["rows"]:
            function = r["function"].replace("<", "&lt;").replace(">", "&gt;")
            rows.append([function if function.startswith("&lt;") else f"`{function}`",
                         r["file"], f"{r['calls']:,}", ms(1e3 * r["seconds"]),
                         pct(r["seconds"] / prof["total"])])
        out[f"profile_{n}"] = table(["function", "file", "calls", "own time (ms)", "share"],
                                    rows, "llrrr")

    rows = []
    for n, c in result["chain"].items():
        if "error" in c:
            rows.append([SUBJECTS[n].chain_label, "", c["error"], "", "", f"{c['runs']}"])
        else:
            rows.append([SUBJECTS[n].chain_label, f"{c['build_s']:.2f}", f"{c['backward_s']:.2f}",
                         f"{c['free_s']:.2f}", si(c["backward_nodes_per_s"]), f"{c['runs']}"])
    out["chain"] = table(["engine", "build (s)", "backward (s)", "freeing (s)",
                          "backward, nodes/s", "runs"], rows, "lrrrrr")

    rows = [[label(n), f"{m['chain']['bytes_per_node']:.0f}", f"{m['step']['nodes']:,}",
             f"{m['step']['mib']:.1f}", f"{m['step']['bytes_per_node']:.0f}"]
            for n, m in result["memory"].items()]
    out["memory"] = table(["engine", "bytes per node (chain)", "nodes per step",
                           "one step's graph (MiB)", "bytes per node (step)"], rows, "lrrrr")

    rows = []
    for n, f in result["fit"].items():
        if n not in SUBJECTS:
            continue
        extrapolated = f"extrapolated: {f['epochs']:,} × the median step"
        rows.append([label(n), f"{f['seconds']:,.1f}", f"{f['seconds'] / 60:,.1f}",
                     "measured" if f["measured"] else extrapolated])
        if n == "ours":
            seconds = result["fit"]["ours_extrapolated_seconds"]
            rows.append([label(n), f"{seconds:,.1f}", f"{seconds / 60:,.1f}", extrapolated])
    out["fit"] = table(["subject", "full fit (s)", "(min)", "how we know"], rows, "lrrl")

    rows = [[t["text"], ("≥ " if t["at_least"] else "≤ ") + f"{t['goal']:g}",
             f"{t['value']:,.3g}", "met" if t["met"] else "missed"]
            for t in result["targets"].values()]
    out["targets"] = table(["target", "goal", "this run", ""], rows, "lrrl")

    quick = " **A quick run: not the numbers to publish.**" if meta["quick"] else ""
    out["env"] = (
        f"Measured on {meta['date']}: {meta['implementation']} {meta['python']} for every "
        f"subject, {meta['machine']}, {meta['cpus']} CPUs, garbage collector on with "
        f"thresholds {tuple(meta['gc_threshold'])} unless a column says otherwise. Times are "
        f"medians over {meta['rounds']} interleaved rounds "
        f"({s['karpathy']['steps_measured'] if 'karpathy' in s else 0} steps of Karpathy's "
        f"engine, {s['ours']['steps_measured']} of ours).{quick}\n")
    return out
