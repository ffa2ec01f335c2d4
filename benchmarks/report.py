"""Where the numbers came from, and how they are written: results.json, results.png, tables."""

import json
import os
import platform
import time

import jax
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from threadpoolctl import threadpool_info

ORDER = ("rnn_nodes", "rnn_nodes_blas_default", "rnn_nodes_other_dispatch", "numpy_floor",
         "reference_jax", "torch_1thread", "prototype")
COLORS = {"rnn_nodes": "C0", "rnn_nodes_blas_default": "C9", "rnn_nodes_other_dispatch": "C4",
          "numpy_floor": "C7",
          "reference_jax": "C2", "torch_1thread": "C1", "prototype": "C3"}


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """The machine, the software and the moment of a measurement."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    blas = [{k: info.get(k) for k in ("internal_api", "version", "num_threads",
                                      "threading_layer", "architecture", "filepath")}
            for info in threadpool_info()]
    return {
        "cpu": _cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
        "load_average_1_5_15_min": load,
        "python": platform.python_version(), "numpy": np.__version__,
        "jax": jax.__version__, "jax_backend": jax.default_backend(),
        "platform": platform.platform(), "blas": blas,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def write_json(path, results):
    """Write ``results`` to ``path`` as indented JSON; return the path."""
    path.write_text(json.dumps(results, indent=2))
    return path


def _ok(entry):
    return entry.get("status") == "ok"


def _config_panel(ax, name, result):
    implementations = result["implementations"]
    entries = [(k, implementations[k]) for k in ORDER
               if k in implementations and _ok(implementations[k])]
    medians = np.array([e["timing"]["median"] for _, e in entries]) * 1e3
    low = medians - np.array([e["timing"]["q1"] for _, e in entries]) * 1e3
    high = np.array([e["timing"]["q3"] for _, e in entries]) * 1e3 - medians
    y = np.arange(len(entries))
    ax.barh(y, medians, xerr=[low, high], color=[COLORS[k] for k, _ in entries], capsize=3)
    ax.set_yticks(y, [f"{k}\n{e['ratio_to_reference']:.2f}x ref" for k, e in entries],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("ms per training step (median, IQR)")
    ax.xaxis.set_minor_formatter(NullFormatter())
    c = result["config"]
    title = f"{name}: {c['cell']} {c['hidden']}, T={c['time']}, batch {c['batch']}"
    skipped = [k for k in ORDER if k in implementations and not _ok(implementations[k])]
    if skipped:
        title += "\nnot run: " + ", ".join(skipped)
    ax.set_title(title, fontsize=8)


def _scaling_panels(axes, scaling):
    over_time, over_hidden = scaling["over_time"], scaling["over_hidden"]
    T = np.array([p["time"] for p in over_time])
    for name in ("rnn_nodes", "reference_jax"):
        ms = np.array([p[name]["median"] for p in over_time]) * 1e3
        fit = scaling["fit_over_time" if name == "rnn_nodes" else "reference_fit_over_time"]
        axes[0].plot(T, ms, "o", color=COLORS[name], label=name)
        axes[0].plot(T, (fit["slope"] * T + fit["intercept"]) * 1e3, "-", color=COLORS[name],
                     label=f"fit, R²={fit['r2']:.3f}")
        n = [p["hidden"] for p in over_hidden]
        axes[1].plot(n, [p[name]["median"] * 1e3 for p in over_hidden], "o-",
                     color=COLORS[name], label=name)
    axes[1].set_xscale("log", base=2)
    axes[1].set_yscale("log")
    axes[1].set_xticks(n, [str(k) for k in n])
    axes[1].xaxis.set_minor_formatter(NullFormatter())
    axes[0].set(xlabel="time steps T (hidden 32)", ylabel="ms per step", title="step time vs T")
    axes[1].set(xlabel="hidden units (T 50)", ylabel="ms per step", title="step time vs width")
    cached = [p["memory"]["cached_bytes"] / 2**20 for p in over_time]
    minimum = [p["memory"]["minimum_bytes"] / 2**20 for p in over_time]
    width = 0.4
    x = np.arange(len(T))
    axes[2].bar(x - width / 2, cached, width, label="cached by forward")
    axes[2].bar(x + width / 2, minimum, width, label="minimum for backward")
    axes[2].set_xticks(x, [str(t) for t in T])
    axes[2].set(xlabel="time steps T (hidden 32)", ylabel="MiB", title="forward cache")
    for ax in axes:
        ax.legend(fontsize=7)


def write_figure(path, results):
    """Config timings in one row; the scaling sweep, when run, in a second."""
    configs = results.get("configs", {})
    scaling = results.get("scaling")
    rows = (1 if configs else 0) + (1 if scaling else 0)
    columns = max(len(configs), 3 if scaling else 1, 1)
    fig = Figure(figsize=(4.5 * columns, 3.6 * max(rows, 1)), layout="constrained")
    axes = fig.subplots(max(rows, 1), columns, squeeze=False)
    if configs:
        for k, (name, result) in enumerate(configs.items()):
            _config_panel(axes[0, k], name, result)
        for ax in axes[0, len(configs):]:
            ax.set_axis_off()
    if scaling:
        _scaling_panels(axes[rows - 1, :3], scaling)
        for ax in axes[rows - 1, 3:]:
            ax.set_axis_off()
    m = results["machine"]
    fig.suptitle(f"one training step, float32 — {m['cpu']}, {m['cores']} cores, {m['date']}",
                 fontsize=9)
    fig.savefig(path, dpi=110)
    return path


def table_rows(results):
    """Rows ``(config, implementation, median ms, IQR ms, ratio, samples/s)`` of every timing."""
    rows = []
    for name, result in results.get("configs", {}).items():
        for impl in ORDER:
            entry = result["implementations"].get(impl)
            if entry is None:
                continue
            if not _ok(entry):
                rows.append((name, impl, None, None, None, None, entry["reason"]))
                continue
            t = entry["timing"]
            rows.append((name, impl, t["median"] * 1e3, t["iqr"] * 1e3,
                         entry["ratio_to_reference"], entry["samples_per_second"], ""))
    return rows


def _ms(seconds, digits=3):
    ms = seconds * 1e3
    return f"{ms:.{digits}g}" if ms < 10**digits else f"{ms:,.0f}"


def markdown_table(results):
    """One row per config: median ms per step of each implementation, and rnn_nodes' ratios."""
    names = ("rnn_nodes", "rnn_nodes_blas_default", "rnn_nodes_other_dispatch", "numpy_floor",
             "reference_jax", "prototype", "torch_1thread")
    lines = ["| config | rnn_nodes | rnn_nodes, BLAS default threads | rnn_nodes, derivatives "
             "dispatched the other way | numpy floor | JAX reference | prototype | "
             "PyTorch 1 thread | rnn_nodes ÷ reference | prototype ÷ rnn_nodes | "
             "rnn_nodes ÷ numpy floor |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, result in results.get("configs", {}).items():
        impls = result["implementations"]
        cells = []
        for impl in names:
            entry = impls.get(impl, {"status": "skipped"})
            if _ok(entry):
                t = entry["timing"]
                cells.append(f"{_ms(t['median'])} ms (IQR {_ms(t['iqr'], 2)})")
            else:
                cells.append("n/a")
        targets = result.get("targets", {})
        ratio = (f"{targets['ratio_to_reference']:.2f}"
                 + (f" (target ≤ {targets['max_ratio']:g})" if "max_ratio" in targets else "")
                 if targets else "n/a")
        speedup = (f"{targets['prototype_over_rnn_nodes']:.0f}x (target ≥ 20x)"
                   if targets else "n/a")
        floor = (f"{targets['rnn_nodes_over_numpy_floor']:.2f}"
                 if "rnn_nodes_over_numpy_floor" in targets else "n/a")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio} | {speedup} | {floor} |")
    return "\n".join(lines)


def print_summary(results, out=print):
    """Timings, gradient checks, compilations and memory, one line each."""
    for name, impl, median, iqr, ratio, rate, note in table_rows(results):
        if median is None:
            out(f"  {name:6s} {impl:24s} {note}")
        else:
            out(f"  {name:6s} {impl:24s} {median:9.3f} ms  IQR {iqr:7.3f}  "
                f"{ratio:7.2f}x ref  {rate:9.0f} samples/s")
    for name, result in results.get("configs", {}).items():
        for impl, check in result["gradient_check"].items():
            verdict = "ok" if check["passed"] else "FAILED"
            out(f"  {name:6s} gradients {impl:14s} vs reference: max relative error "
                f"{check['max_relative_error']:.2e} ({verdict})")
        if "compilations" in result:
            c = result["compilations"]
            out(f"  {name:6s} compilations: first epoch {c['compilations_first_epoch']}, "
                f"next {c['later_epochs']} epochs {c['compilations_later_epochs']}")
        if "memory" in result:
            m = result["memory"]
            out(f"  {name:6s} forward cache {m['cached_bytes'] / 2**20:.2f} MiB, minimum "
                f"{m['minimum_bytes'] / 2**20:.2f} MiB ({m['cached_over_minimum']:.2f}x)")
    scaling = results.get("scaling")
    if scaling:
        fit = scaling["fit_over_time"]
        fast = scaling["fit_over_time_of_minimum"]
        out(f"  scaling: rnn_nodes median step = {fit['slope'] * 1e6:.1f} µs × T + "
            f"{fit['intercept'] * 1e3:.2f} ms, R² {fit['r2']:.4f}; fastest step = "
            f"{fast['slope'] * 1e6:.1f} µs × T + {fast['intercept'] * 1e3:.2f} ms, "
            f"R² {fast['r2']:.4f}")
