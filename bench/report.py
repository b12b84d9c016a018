"""Turns the figures of one bench/run.py run into docs/performance.md and its chart.

report.write(results, page) rewrites only the part of `page` between
GENERATED_BEGIN and GENERATED_END (the rest of the page is written by hand
and kept), and draws the chart beside it (same name, .png) when matplotlib
is installed. `results` is the dictionary run.py saves as results.json.

Standard library only, except matplotlib for the chart, which is optional.
"""

import math
import os
import statistics
import sys
import tempfile

GENERATED_BEGIN = "<!-- generated:begin -->"
GENERATED_END = "<!-- generated:end -->"
CHART_PACKAGE = "python3-matplotlib"

# The size the issue states targets 1, 4 and 5 at, and the sizes of target 2.
TARGET_SIZE = 100000
SMALL_SIZE = 10000
LARGE_SIZE = 1000000

# Each measured operation: its key, who runs it, and what it does.
OPERATIONS = (
    ("cereal/save_memory", "cereal", "save in memory (binary archive, pointers as ids)"),
    ("cereal/load_memory", "cereal", "load from memory"),
    ("respawn/save_file", "respawn", "save to a file, defaults (level 1, 2 compression threads)"),
    ("respawn/load_file", "respawn", "load from that file, defaults (1 read-ahead thread), the saved state released"),
    ("respawn/save_file/level0", "respawn", "save to a file, level 0 (frames stored)"),
    ("respawn/save_file/level3", "respawn", "save to a file, level 3"),
    ("respawn/save_file/threads0", "respawn", "save to a file, level 1, compression inline (0 threads)"),
    ("respawn/save_file/threads1", "respawn", "save to a file, level 1, 1 compression thread"),
    ("respawn/pipe/level0", "respawn", "save into a pipe while a thread loads from it, level 0"),
    ("respawn/pipe/level1", "respawn", "save into a pipe while a thread loads from it, level 1"),
    ("respawn/load_file/state_held", "respawn", "the same load beside the saved state, held in the process"),
    ("machine/touch_pages", "machine", "first write to as many fresh pages as the state occupies, nothing built"),
    ("machine/touch_pages/state_held", "machine", "the same first writes beside the state, held in the process"),
    ("pickle/save_memory", "pickle", "pickle.dumps"),
    ("pickle/save_file", "pickle", "pickle.dump to a file, then fsync"),
    ("pickle/load_memory", "pickle", "pickle.loads"),
    ("pickle/load_file", "pickle", "pickle.load from that file"),
)
DESCRIPTIONS = {key: description for key, _, description in OPERATIONS}

# The chart's lines: operation, label, colour, line style.
CHART_LINES = (
    ("cereal/save_memory", "cereal save (memory)", "tab:blue", "-"),
    ("cereal/load_memory", "cereal load (memory)", "tab:blue", "--"),
    ("respawn/save_file", "respawn save (file)", "tab:red", "-"),
    ("respawn/load_file", "respawn load (file)", "tab:red", "--"),
    ("respawn/pipe/level0", "respawn save + load through a pipe (level 0)", "tab:orange", ":"),
    ("pickle/save_file", "pickle save (file)", "tab:green", "-"),
    ("pickle/load_file", "pickle load (file)", "tab:green", "--"),
)

TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
# Operations that do not measure their peak memory (respawn_bench reports 0).
NO_PEAK = ("cereal/save_memory", "cereal/load_memory", "respawn/pipe/level0", "respawn/pipe/level1",
           "machine/touch_pages", "machine/touch_pages/state_held")


class Figure:
    """One operation at one size: its runs in seconds and what it reported."""

    def __init__(self, runs_s, peak_extra_mib=None, counters=None):
        self.runs_s = list(runs_s)
        self.peak_extra_mib = peak_extra_mib
        self.counters = counters or {}

    @property
    def median_s(self):
        return statistics.median(self.runs_s)

    def per_element_us(self, elements):
        return self.median_s / elements * 1e6


def collect(results):
    """{(operation, elements): Figure} from respawn_bench's and pickle_bench.py's output."""
    figures = {}
    grouped = {}
    for entry in results.get("respawn", []):
        if entry.get("run_type", "iteration") != "iteration":
            continue
        # "respawn/save_file/level0/100000/iterations:3/real_time"
        operation, elements = entry["name"].split("/iterations")[0].rsplit("/", 1)
        grouped.setdefault((operation, int(elements)), []).append(entry)
    for key, entries in grouped.items():
        scale = TIME_UNITS[entries[0].get("time_unit", "ns")]
        counters = median_counters(entries)
        peaks = [e["peak_extra_MiB"] for e in entries if is_number(e.get("peak_extra_MiB"))]
        peak = max(peaks) if peaks and key[0] not in NO_PEAK else None
        figures[key] = Figure([e["real_time"] * scale for e in entries], peak, counters)
    for size in results.get("pickle", []):
        for name, op in size["ops"].items():
            counters = {"state_MiB": size["state_MiB"], "pickle_bytes": size["pickle_bytes"],
                        "process_peak_MiB": size["process_peak_MiB"]}
            figures[("pickle/" + name, size["elements"])] = Figure(op["runs_s"], op["peak_extra_MiB"], counters)
    return figures


def median_counters(entries):
    """Each numeric field's median over the repetitions, as the times are medians; others from the first."""
    counters = dict(entries[0])
    for name, value in entries[0].items():
        values = [e[name] for e in entries if is_number(e.get(name))]
        if is_number(value) and values:
            counters[name] = statistics.median(values)
    return counters


def is_number(value):
    return isinstance(value, (int, float)) and not math.isnan(value)


def sizes_of(figures, prefix=""):
    return sorted({n for (operation, n) in figures if operation.startswith(prefix)})


def ratio(figures, numerator, denominator, elements):
    top = figures.get((numerator, elements))
    bottom = figures.get((denominator, elements))
    if top is None or bottom is None:
        return None
    return top.median_s / bottom.median_s


def handoff_ratio(figures, elements):
    """respawn's save and load through a pipe over cereal's save plus load."""
    pipe = figures.get(("respawn/pipe/level0", elements))
    save = figures.get(("cereal/save_memory", elements))
    load = figures.get(("cereal/load_memory", elements))
    if pipe is None or save is None or load is None:
        return None
    return pipe.median_s / (save.median_s + load.median_s)


def growth_of(figures, operation, small, large, per_element):
    """per_element(figure, n) at `large` over its value at `small`, or None."""
    a = figures.get((operation, small))
    b = figures.get((operation, large))
    if a is None or b is None or small == large:
        return None
    before, after = per_element(a, small), per_element(b, large)
    if not is_number(before) or not is_number(after) or before <= 0:
        return None
    return after / before


def growth(figures, operation, small, large):
    """Time per element at `large` over time per element at `small`."""
    return growth_of(figures, operation, small, large, lambda figure, n: figure.per_element_us(n))


def counter_growth(figures, operation, counter, small, large):
    """A per-element counter at `large` over its value at `small`."""
    return growth_of(figures, operation, small, large, lambda figure, _: figure.counters.get(counter))


def pick_size(sizes, wanted):
    """`wanted` if it was measured, else the largest size measured (a smoke run)."""
    if wanted in sizes:
        return wanted
    return sizes[-1] if sizes else None


# ---------------------------------------------------------------- targets


class Target:
    def __init__(self, number, statement, measured, status):
        self.number = number
        self.statement = statement
        self.measured = measured
        self.status = status  # "met", "not met" or "not measured"


def verdict(ok):
    if ok is None:
        return "not measured"
    return "met" if ok else "not met"


def evaluate(figures):
    """The five targets of the performance issue, from the measured figures."""
    respawn_sizes = sizes_of(figures, "respawn/")
    targets = []

    n = pick_size(respawn_sizes, TARGET_SIZE)
    save = ratio(figures, "respawn/save_file", "cereal/save_memory", n)
    load = ratio(figures, "respawn/load_file", "cereal/load_memory", n)
    ok = None if save is None or load is None else save <= 1.0 and load <= 1.0
    measured = ("at %s elements: save %s (%s vs %s), load %s (%s vs %s)"
                % (count(n), times(save), ms_of(figures, "respawn/save_file", n),
                   ms_of(figures, "cereal/save_memory", n), times(load),
                   ms_of(figures, "respawn/load_file", n), ms_of(figures, "cereal/load_memory", n))
                if ok is not None else "-")
    targets.append(Target(1, "respawn save to a file (defaults, compression, hashes and fsync included) "
                             "<= cereal's in-memory save, and load from it <= cereal's in-memory load, "
                             "at 100,000 elements", measured, verdict(ok)))

    small, large = (respawn_sizes[0], respawn_sizes[-1]) if respawn_sizes else (None, None)
    save = growth(figures, "respawn/save_file", small, large)
    load = growth(figures, "respawn/load_file", small, large)
    ok = None if save is None or load is None else save <= 1.3 and load <= 1.3
    measured = ("per element at %s over %s: save %s (%s vs %s), load %s (%s vs %s)"
                % (count(large), count(small), times(save), us_of(figures, "respawn/save_file", large),
                   us_of(figures, "respawn/save_file", small), times(load),
                   us_of(figures, "respawn/load_file", large), us_of(figures, "respawn/load_file", small))
                if ok is not None else "-")
    user = counter_growth(figures, "respawn/load_file", "user_us_per_element", small, large)
    kernel = counter_growth(figures, "respawn/load_file", "kernel_us_per_element", small, large)
    if ok is not None and user is not None and kernel is not None:
        measured += "; the load's CPU per element: user %s, kernel %s" % (times(user), times(kernel))
    touch = growth(figures, "machine/touch_pages", small, large)
    if ok is not None and touch is not None:
        measured += ("; the machine's first touch of as many fresh pages, with nothing built in them: %s"
                     % times(touch))
    held = growth(figures, "respawn/load_file/state_held", small, large)
    touch_held = growth(figures, "machine/touch_pages/state_held", small, large)
    if ok is not None and held is not None and touch_held is not None:
        measured += ("; the load beside the saved state, held in the process (not judged, see below): %s, "
                     "the first touch beside it: %s" % (times(held), times(touch_held)))
    targets.append(Target(2, "time per element at 1,000,000 elements within 1.3x of that at 10,000, "
                             "for save and for load", measured, verdict(ok)))

    checks = []
    for size in respawn_sizes:
        for operation in ("respawn/save_file", "respawn/load_file"):
            figure = figures.get((operation, size))
            if figure is None or figure.peak_extra_mib is None:
                continue
            bound = 0.1 * figure.counters["state_MiB"] + 64
            checks.append((figure.peak_extra_mib <= bound, operation.split("/")[1].split("_")[0], size,
                           figure.peak_extra_mib, bound))
    ok = all(c[0] for c in checks) if checks else None
    worst = max(checks, key=lambda c: c[3] / c[4]) if checks else None
    measured = ("worst: %s at %s elements adds %.0f MiB, bound %.0f MiB (%s checks, every size, save and load)"
                % (worst[1], count(worst[2]), worst[3], worst[4], len(checks)) if worst else "-")
    targets.append(Target(3, "peak memory a save or a load adds beyond the state <= 10% of the state's "
                             "size + 64 MiB", measured, verdict(ok)))

    n = pick_size(respawn_sizes, TARGET_SIZE)
    plain = compression(figures, n)
    ok = None if plain is None else plain["effective"] >= plain["zstd1_cereal"]
    measured = ("at %s elements: respawn stores %s, zstd level 1 over cereal's %s gives %s: %.2fx vs %.2fx"
                % (count(n), mb(plain["stored"]), mb(plain["cereal"]), mb(plain["cereal"] / plain["zstd1_cereal"]),
                   plain["effective"], plain["zstd1_cereal"]) if plain else "-")
    targets.append(Target(4, "default compression ratio >= zstd level 1 over the plain serialized bytes "
                             "(here: cereal's binary bytes, see below)", measured, verdict(ok)))

    common = sorted(set(respawn_sizes) & set(sizes_of(figures, "pickle/")))
    n = pick_size(common, TARGET_SIZE)
    save = ratio(figures, "pickle/save_file", "respawn/save_file", n)
    load = ratio(figures, "pickle/load_file", "respawn/load_file", n)
    ok = None if save is None or load is None else save >= 10 and load >= 10
    measured = ("at %s elements, both through a file: save %s faster, load %s faster"
                % (count(n), times(save), times(load)) if ok is not None else "-")
    targets.append(Target(5, "at least 10x faster than Python pickle, for save and for load", measured,
                          verdict(ok)))
    return targets


def compression(figures, n):
    """Sizes and ratios behind target 4 at `n` elements, or None."""
    default = figures.get(("respawn/save_file", n))
    level0 = figures.get(("respawn/save_file/level0", n))
    level3 = figures.get(("respawn/save_file/level3", n))
    cereal = figures.get(("cereal/save_memory", n))
    if default is None or cereal is None or not is_number(cereal.counters.get("zstd1_ratio")):
        return None
    plain = {
        "cereal": cereal.counters["raw_bytes"],
        "zstd1_cereal": cereal.counters["zstd1_ratio"],
        "raw": default.counters["raw_bytes"],
        "stored": default.counters["stored_bytes"],
        "own_ratio": default.counters["ratio"],
        "effective": cereal.counters["raw_bytes"] / default.counters["stored_bytes"],
        "zstd1_own": level0.counters.get("zstd1_ratio") if level0 else None,
        "level3_stored": level3.counters["stored_bytes"] if level3 else None,
    }
    return plain


# ---------------------------------------------------------------- formatting


def count(n):
    return "{:,}".format(n) if n is not None else "-"


def times(value):
    return "%.2fx" % value if value is not None else "-"


def mb(value):
    return "%.1f MB" % (value / 1e6) if value is not None else "-"


def seconds(value):
    if value >= 10:
        return "%.1f s" % value
    if value >= 1:
        return "%.2f s" % value
    return "%.1f ms" % (value * 1e3) if value >= 0.01 else "%.2f ms" % (value * 1e3)


def ms_of(figures, operation, n):
    figure = figures.get((operation, n))
    return seconds(figure.median_s) if figure else "-"


def us_of(figures, operation, n):
    figure = figures.get((operation, n))
    return "%.2f us" % figure.per_element_us(n) if figure else "-"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- the page


def render(results, figures, targets, chart_note):
    machine = results["machine"]
    settings = results["settings"]
    out = []
    add = out.append

    add("## Results")
    add("")
    if results.get("smoke"):
        add("**Smoke run**: tiny sizes and one repetition, to keep the benchmarks running. "
            "Its figures and verdicts say nothing about performance.")
        add("")
    commit = results.get("commit", {})
    tree = commit.get("id", "unknown")[:12]
    if commit.get("dirty"):
        tree += " with uncommitted changes in " + ", ".join("`%s`" % f for f in commit["dirty"])
    add("Measured on %s (UTC) at commit %s, in %.0f minutes, by:" % (
        results["started"][:16].replace("T", " "), tree, results["seconds"] / 60))
    add("")
    add("```sh")
    add(results["command"])
    add("```")
    add("")
    add("`python3 bench/run.py` reproduces a full run: it builds the release preset's `respawn_bench` "
        "(`cmake --preset release`, `cmake --build --preset release --target respawn_bench`), runs it "
        "and `bench/pickle_bench.py`, and rewrites this section and `performance.png`. "
        "`python3 bench/run.py --help` lists the sizes and repetitions it takes.")
    add("")

    add("### Machine")
    add("")
    load = results.get("load", [])
    samples = [value for _, value in load]
    load_text = ("1-minute load average %.1f to %.1f, mean %.1f, over %d samples every %d s"
                 % (min(samples), max(samples), statistics.mean(samples), len(samples), settings["load_every_s"])
                 if samples else "-")
    rows = [
        ("CPU", "%s, %d logical cores" % (machine["cpu"], machine["cores"])),
        ("memory", "%.1f GiB" % machine["memory_GiB"]),
        ("system", machine["system"]),
        ("compiler", machine["compiler"]),
        ("build", machine["build"]),
        ("libraries", machine["libraries"]),
        ("Python", machine["python"]),
        ("files written to", machine.get("files", "-")),
        ("load during the run", load_text),
    ]
    add(table(("", ""), rows))
    add("")
    add("The machine is shared: other builds and tests ran beside this one (a load above %d means "
        "benchmarks waited for a core). Ratios compare contenders measured in the same run, so they "
        "move less than the times; differences of 10-20%% between runs are noise here."
        % machine["cores"])
    add("")

    add("### Targets")
    add("")
    add(table(("#", "target", "measured", "status"),
              [(t.number, t.statement, t.measured, "**%s**" % t.status) for t in targets]))
    add("")
    add("Target 4 compares sizes over the same plain bytes. The plain serialized state is cereal's "
        "binary archive, as in the target (its 6.7x is zstd level 1 over cereal's bytes of "
        "an earlier generator of the same shape; the table below gives the ratio over this generator's bytes): "
        "respawn's ratio is cereal's size over the size of respawn's whole default snapshot (header, "
        "frames, hashes and trailer). respawn's own payload is not the same bytes: it writes sizes and "
        "references as varints, so it is smaller before compression and compresses less, and its own "
        "ratio (payload over snapshot) reads lower although the snapshot is smaller.")
    add("")
    plain = compression(figures, pick_size(sizes_of(figures, "respawn/"), TARGET_SIZE))
    if plain and plain["zstd1_own"]:
        add("Read the other way, over respawn's own payload: the default snapshot gets %.2fx where zstd "
            "level 1 over the same payload in one stream gets %.2fx (%+.1f%%), which is what "
            "compressing it in independent %s frames costs; by that reading target 4 is %s."
            % (plain["own_ratio"], plain["zstd1_own"], (plain["own_ratio"] / plain["zstd1_own"] - 1) * 100,
               "1 MiB", verdict(plain["own_ratio"] >= plain["zstd1_own"])))
        add("")

    respawn_sizes = sizes_of(figures, "respawn/")
    pickle_sizes = sizes_of(figures, "pickle/")

    add("### Ratios")
    add("")
    add("Time of the first over time of the second, medians, in the same run; below 1 the first is faster.")
    add("")
    rows = []
    for n in sorted(set(respawn_sizes) | set(pickle_sizes)):
        rows.append((count(n),
                     times(ratio(figures, "respawn/save_file", "cereal/save_memory", n)),
                     times(ratio(figures, "respawn/load_file", "cereal/load_memory", n)),
                     times(handoff_ratio(figures, n)),
                     times(ratio(figures, "pickle/save_file", "respawn/save_file", n)),
                     times(ratio(figures, "pickle/load_file", "respawn/load_file", n)),
                     times(ratio(figures, "pickle/save_memory", "respawn/save_file", n)),
                     times(ratio(figures, "pickle/load_memory", "respawn/load_file", n))))
    add(table(("elements", "respawn save / cereal save", "respawn load / cereal load",
               "respawn pipe hand-off (level 0) / cereal save + load",
               "pickle save / respawn save (files)", "pickle load / respawn load (files)",
               "pickle dumps / respawn save", "pickle loads / respawn load"), rows))
    add("")
    if len(respawn_sizes) > 1:
        small = respawn_sizes[0]
        add("Time per element relative to %s elements (target 2 asks at most 1.3x for respawn's save "
            "and load at 1,000,000):" % count(small))
        add("")
        rows = []
        for operation in ("respawn/save_file", "respawn/load_file", "respawn/load_file/state_held",
                          "respawn/pipe/level0", "cereal/save_memory", "cereal/load_memory",
                          "machine/touch_pages", "machine/touch_pages/state_held"):
            rows.append(["`%s`" % operation] +
                        [times(growth(figures, operation, small, n)) for n in respawn_sizes[1:]])
        add(table(["operation"] + [count(n) for n in respawn_sizes[1:]], rows))
        add("")
    add_cpu_split(add, figures, respawn_sizes)

    add("### Sizes and compression")
    add("")
    rows = []
    for n in respawn_sizes:
        plain = compression(figures, n)
        if plain is None:
            continue
        rows.append((count(n), mb(plain["cereal"]), "%.2fx" % plain["zstd1_cereal"], mb(plain["raw"]),
                     "%.2fx" % plain["zstd1_own"] if plain["zstd1_own"] else "-", mb(plain["stored"]),
                     "%.2fx" % plain["own_ratio"], "%.2fx" % plain["effective"], mb(plain["level3_stored"])))
    add(table(("elements", "cereal bytes", "zstd -1 over cereal", "respawn payload",
               "zstd -1 over respawn payload", "respawn snapshot (level 1)",
               "respawn payload / snapshot", "cereal bytes / respawn snapshot", "respawn snapshot (level 3)"),
              rows))
    add("")
    if pickle_sizes:
        add("pickle (protocol %s) writes %s." % (
            results.get("pickle_meta", {}).get("protocol", "-"),
            ", ".join("%s at %s elements" % (mb(figures[("pickle/save_file", n)].counters["pickle_bytes"]),
                                             count(n)) for n in pickle_sizes)))
        add("")

    add("### Every figure")
    add("")
    add("Median wall time over the runs. respawn_bench: a run is the mean of %d iterations, with "
        "%d run(s) per operation below %s elements and %d from there on; pickle: %d run(s) of one "
        "call each. Spread: the fastest and the slowest run. Peak extra memory: the highest resident "
        "memory during the operation beyond that before it (a save) or after it (a load, which ends "
        "holding the state it built), the largest over the runs; not measured for cereal and the pipe."
        % (settings["iterations"], settings["repetitions"], count(settings["large_size"]),
           settings["large_repetitions"], settings["python_repeat"]))
    add("")
    for n in sorted(set(respawn_sizes) | set(pickle_sizes)):
        state = figures.get(("respawn/save_file", n))
        py_state = figures.get(("pickle/save_file", n))
        heading = "#### %s elements" % count(n)
        notes = []
        if state:
            notes.append("C++ state %.0f MiB resident" % state.counters["state_MiB"])
        if py_state:
            notes.append("Python state %.0f MiB resident, Python process peak %.0f MiB"
                         % (py_state.counters["state_MiB"], py_state.counters["process_peak_MiB"]))
        add(heading)
        add("")
        if notes:
            add("; ".join(notes) + ".")
            add("")
        rows = []
        for operation, contender, _ in OPERATIONS:
            figure = figures.get((operation, n))
            if figure is None:
                continue
            spread = "%s - %s" % (seconds(min(figure.runs_s)), seconds(max(figure.runs_s)))
            peak = "%.0f" % figure.peak_extra_mib if figure.peak_extra_mib is not None else "-"
            rows.append(("`%s`" % operation, DESCRIPTIONS[operation], seconds(figure.median_s),
                         "%.2f" % figure.per_element_us(n), spread, len(figure.runs_s), peak))
        add(table(("operation", "what", "median", "us per element", "spread", "runs", "peak extra MiB"), rows))
        add("")

    for skipped in results.get("pickle_skipped", []):
        add(pickle_not_run(figures, skipped))
        add("")

    add("### Chart")
    add("")
    add(chart_note)
    add("")
    return "\n".join(out)


def add_cpu_split(add, figures, sizes):
    """The table of a load's CPU per element, user and kernel apart, with its page faults."""
    rows = []
    for n in sizes:
        for operation in ("respawn/load_file", "cereal/load_memory", "machine/touch_pages",
                          "respawn/load_file/state_held", "machine/touch_pages/state_held"):
            figure = figures.get((operation, n))
            counters = figure.counters if figure else {}
            if not is_number(counters.get("user_us_per_element")):
                continue
            rows.append((count(n), "`%s`" % operation, "%.2f" % figure.per_element_us(n),
                         "%.2f" % counters["user_us_per_element"], "%.2f" % counters["kernel_us_per_element"],
                         "%.2f" % counters["page_faults_per_element"]))
    if not rows:
        return
    add("Where a load's time goes: CPU time per element of the whole process (every thread), in user "
        "space and in the kernel, and minor page faults per element: each averaged over a run's "
        "iterations, then the median over the runs, as the times are. "
        "The kernel's part is mostly faulting in the pages the new state occupies (each load starts "
        "from a trimmed heap); its cost per fault is the machine's: `machine/touch_pages` writes once "
        "to as many fresh pages as the state occupies, building nothing, in the same run. The loads "
        "run after the process has released the state it saved, as a resumed build's process holds "
        "only the state it loads; the `state_held` rows load and touch beside that state instead, "
        "which on a virtual machine that backs memory lazily can cross into memory the host is slow "
        "to provide (see the profile below).")
    add("")
    add(table(("elements", "operation", "wall us per element", "user us per element",
               "kernel us per element", "page faults per element"), rows))
    add("")


def pickle_not_run(figures, skipped):
    """Why pickle did not run at a size, and what the sizes it ran at let one expect there."""
    n = skipped["elements"]
    text = "pickle at %s elements was not run: %s." % (count(n), skipped["reason"])
    sizes = [size for size in sizes_of(figures, "pickle/") if size < n]
    if not sizes:
        return text
    last = sizes[-1]
    peak = figures[("pickle/save_file", last)].counters["process_peak_MiB"]
    text += (" At %s elements the Python process peaked at %.1f GiB, so %s elements would need about "
             "%.0f GiB." % (count(last), peak / 1024, count(n), peak * n / last / 1024))
    if len(sizes) > 1:
        first = sizes[0]
        save = growth(figures, "pickle/save_file", first, last)
        load = growth(figures, "pickle/load_file", first, last)
        text += (" Its time per element from %s to %s elements grew %s for save and %s for load, so "
                 "times scaled linearly from %s elements (save %s, load %s) are a guess, and a low one "
                 "wherever the time per element grows." % (
                     count(first), count(last), times(save), times(load), count(last),
                     seconds(figures[("pickle/save_file", last)].median_s * n / last),
                     seconds(figures[("pickle/load_file", last)].median_s * n / last)))
    return text


def draw_chart(figures, path):
    """Draws time per element against elements; returns None, or why it could not."""
    try:
        import matplotlib
        import matplotlib.ticker
        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        return ("matplotlib is not installed for %s (apt-get install -y %s serves Debian's "
                "/usr/bin/python3)" % (sys.executable, CHART_PACKAGE))
    figure, axes = pyplot.subplots(figsize=(9, 5.5), dpi=100)
    for operation, label, colour, style in CHART_LINES:
        sizes = [n for n in sizes_of(figures) if (operation, n) in figures]
        if not sizes:
            continue
        values = [figures[(operation, n)].per_element_us(n) for n in sizes]
        axes.plot(sizes, values, label=label, color=colour, linestyle=style, marker="o")
    axes.set_xscale("log")
    axes.set_yscale("log")
    plain = matplotlib.ticker.FuncFormatter(lambda value, _: "%g" % value)
    axes.yaxis.set_major_formatter(plain)
    axes.yaxis.set_minor_formatter(plain)
    sizes = sizes_of(figures)
    axes.set_xticks(sizes)
    axes.set_xticks([], minor=True)
    axes.set_xticklabels([count(n) for n in sizes])
    axes.set_xlabel("elements in the reference state")
    axes.set_ylabel("wall time per element (microseconds, median)")
    axes.set_title("respawn, cereal and pickle on the reference state")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)
    return None


def splice(old_page, generated):
    """`old_page` with its generated section replaced; a new page if it has none."""
    block = GENERATED_BEGIN + "\n" + generated.rstrip("\n") + "\n" + GENERATED_END
    if old_page is None:
        return "# Performance\n\n" + block + "\n"
    begin = old_page.find(GENERATED_BEGIN)
    end = old_page.find(GENERATED_END)
    if begin < 0 or end < begin:
        raise ValueError("the page has no %s ... %s section" % (GENERATED_BEGIN, GENERATED_END))
    return old_page[:begin] + block + old_page[end + len(GENERATED_END):]


def write_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".performance-")
    with os.fdopen(descriptor, "w") as out:
        out.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def write(results, page):
    """Writes the generated section of `page` and its chart; returns the targets."""
    figures = collect(results)
    targets = evaluate(figures)
    chart = os.path.splitext(page)[0] + ".png"
    why_not = draw_chart(figures, chart)
    if why_not is None:
        chart_note = ("![Time per element against elements, log-log](%s)\n\nOne line per contender "
                      "and operation; flat lines mean a cost per element that does not grow with the "
                      "state." % os.path.basename(chart))
    else:
        chart_note = "No chart in this run: %s." % why_not
    try:
        with open(page) as source:
            old_page = source.read()
    except FileNotFoundError:
        old_page = None
    write_atomically(page, splice(old_page, render(results, figures, targets, chart_note)))
    return targets, why_not
