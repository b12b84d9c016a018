#!/usr/bin/env python3
"""Measures respawn against cereal and Python pickle; writes docs/performance.md.

Builds the release preset's respawn_bench, runs it on the reference state at
each size (Google Benchmark, JSON output, repetitions), runs pickle_bench.py
at the Python sizes, samples the load average meanwhile, and has report.py
rewrite the generated section of docs/performance.md (figures, ratios, the
five targets met or not) and draw docs/performance.png. The page's
hand-written sections are kept.

    python3 bench/run.py              # full run, about 15 minutes on 2 cores
    python3 bench/run.py --smoke --bench-binary BUILD/bench/respawn_bench
                                      # a few seconds; writes a temporary page
    python3 bench/run.py --report-only WORK
                                      # rewrites the page from WORK/results.json

Timings never make it fail; it exits non-zero only when something cannot
build or run. Every run keeps its raw figures in WORK/results.json (WORK is a
new temporary folder unless --work-dir says otherwise). The chart needs
matplotlib (Debian: python3-matplotlib); without it the page says so.
"""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import report

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)

DEFAULT_SIZES = [10000, 100000, 1000000]
DEFAULT_PYTHON_SIZES = [10000, 100000]
SMOKE_SIZE = 2000
LARGE_SIZE = 1000000
ITERATIONS = 3  # fixed per benchmark in snapshot_bench.cpp
LOAD_EVERY_S = 5
# pickle at a size runs only if the memory it would need, extrapolated from a
# smaller size, fits in this share of the memory available.
MEMORY_SHARE = 0.6
LIBRARIES = ("libcereal-dev", "libzstd-dev", "libboost-serialization1.81-dev", "libbenchmark-dev")


def log(message):
    print("bench/run.py: " + message, file=sys.stderr, flush=True)


def sizes_list(text):
    return [int(size) for size in text.split(",") if size]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("--smoke", action="store_true",
                        help="%d elements, one repetition, page written to the work folder" % SMOKE_SIZE)
    parser.add_argument("--sizes", type=sizes_list, help="respawn_bench sizes (default 10000,100000,1000000)")
    parser.add_argument("--python-sizes", type=sizes_list,
                        help="pickle sizes (default 10000,100000; 1000000 needs about 12 GB and 10 minutes)")
    parser.add_argument("--repetitions", type=int, help="respawn_bench repetitions below 1,000,000 (default 3)")
    parser.add_argument("--large-repetitions", type=int, default=1,
                        help="respawn_bench repetitions from 1,000,000 on (default 1)")
    parser.add_argument("--python-repeat", type=int, help="pickle runs of each operation (default 3)")
    parser.add_argument("--bench-binary", help="an already built respawn_bench: no build")
    parser.add_argument("--source", default=ROOT, help="source tree to build (default: this repository)")
    parser.add_argument("--build-dir",
                        help="build a Release tree here instead of the release preset's build-release/")
    parser.add_argument("--output", help="page to write (default docs/performance.md; smoke: WORK/performance.md)")
    parser.add_argument("--work-dir", help="folder for raw results (default: a new temporary folder)")
    parser.add_argument("--report-only", metavar="WORK", help="rewrite the page from WORK/results.json")
    args = parser.parse_args()
    args.sizes = args.sizes or ([SMOKE_SIZE] if args.smoke else DEFAULT_SIZES)
    args.python_sizes = args.python_sizes if args.python_sizes is not None else (
        [SMOKE_SIZE] if args.smoke else DEFAULT_PYTHON_SIZES)
    args.repetitions = args.repetitions or (1 if args.smoke else 3)
    args.python_repeat = args.python_repeat or (1 if args.smoke else 3)
    return args


def run(command, **kwargs):
    log("$ " + " ".join(shlex.quote(str(part)) for part in command))
    return subprocess.run(command, check=True, **kwargs)


def build(args):
    """Builds respawn_bench; returns its path."""
    if args.build_dir:
        build_dir = os.path.abspath(args.build_dir)
        run(["cmake", "-S", args.source, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"],
            stdout=subprocess.DEVNULL)
        run(["cmake", "--build", build_dir, "-j", "2", "--target", "respawn_bench"], stdout=subprocess.DEVNULL)
    else:
        build_dir = os.path.join(args.source, "build-release")
        run(["cmake", "--preset", "release"], cwd=args.source, stdout=subprocess.DEVNULL)
        run(["cmake", "--build", "--preset", "release", "-j", "2", "--target", "respawn_bench"],
            cwd=args.source, stdout=subprocess.DEVNULL)
    return os.path.join(build_dir, "bench", "respawn_bench")


class LoadSampler:
    """Samples the 1-minute load average every LOAD_EVERY_S seconds in a thread."""

    def __init__(self):
        self.samples = []
        self.start = time.monotonic()
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        while True:
            self.samples.append((round(time.monotonic() - self.start, 1), os.getloadavg()[0]))
            if self.stop_event.wait(LOAD_EVERY_S):
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop_event.set()
        self.thread.join()


def run_respawn_bench(binary, sizes, args, work):
    """Runs respawn_bench once per size; returns its benchmark entries."""
    entries = []
    for n in sizes:
        repetitions = args.large_repetitions if n >= LARGE_SIZE else args.repetitions
        out = os.path.join(work, "respawn-%d.json" % n)
        # One process per size: each size's state and memory figures start clean.
        run([binary, "--sizes=%d" % n, "--benchmark_repetitions=%d" % repetitions,
             "--benchmark_out=" + out, "--benchmark_out_format=json"], stdout=sys.stderr)
        with open(out) as source:
            entries += json.load(source)["benchmarks"]
    return entries


def memory_available_mib():
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_pickle_bench(sizes, args, work):
    """Runs pickle_bench.py once per size; returns its results, its metadata and the sizes it skipped."""
    results, meta, skipped = [], {}, []
    for n in sorted(sizes):
        if results:
            # Memory grows with the state: extrapolate from the largest size so far.
            previous = results[-1]
            need = previous["process_peak_MiB"] * n / previous["elements"]
            available = memory_available_mib()
            if need > MEMORY_SHARE * available:
                skipped.append({"elements": n, "reason": (
                    "it would need about %.1f GiB (the process peaked at %.1f GiB at %s elements, "
                    "scaled by the size), more than %.0f%% of the %.1f GiB available on this shared "
                    "machine then" % (need / 1024, previous["process_peak_MiB"] / 1024,
                                      report.count(previous["elements"]), MEMORY_SHARE * 100,
                                      available / 1024))})
                log("pickle at %d elements skipped: %s" % (n, skipped[-1]["reason"]))
                continue
        completed = run([sys.executable, os.path.join(BENCH_DIR, "pickle_bench.py"), "--sizes", str(n),
                         "--repeat", str(args.python_repeat), "--scratch", work],
                        stdout=subprocess.PIPE, text=True)
        output = json.loads(completed.stdout.strip().splitlines()[-1])
        meta = {key: value for key, value in output.items() if key != "results"}
        results += output["results"]
    return results, meta, skipped


def first_line(command):
    try:
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return completed.stdout.strip().splitlines()[0] if completed.returncode == 0 else None
    except (OSError, IndexError):
        return None


def filesystem(folder):
    """The type of the file system holding `folder` ("ext4"), or "unknown"."""
    completed = subprocess.run(["df", "--output=fstype", folder], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    lines = completed.stdout.split()
    return lines[-1] if completed.returncode == 0 and len(lines) > 1 else "unknown"


def cmake_cache(binary):
    """The CMakeCache.txt entries of the build tree holding `binary`."""
    folder = os.path.dirname(os.path.abspath(binary))
    while folder != os.path.dirname(folder):
        cache = os.path.join(folder, "CMakeCache.txt")
        if os.path.exists(cache):
            entries = {}
            with open(cache) as source:
                for line in source:
                    if "=" in line and ":" in line.split("=", 1)[0] and not line.startswith(("#", "//")):
                        key, value = line.rstrip("\n").split("=", 1)
                        entries[key.split(":", 1)[0]] = value
            return entries
        folder = os.path.dirname(folder)
    return {}


def describe_machine(binary):
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        memory_gib = int(meminfo.readline().split()[1]) / (1 << 20)
    system = platform.freedesktop_os_release().get("PRETTY_NAME", "Linux") if hasattr(
        platform, "freedesktop_os_release") else "Linux"
    cache = cmake_cache(binary)
    compiler = cache.get("CMAKE_CXX_COMPILER", "c++")
    build_type = cache.get("CMAKE_BUILD_TYPE", "unknown")
    flags = " ".join(part for part in (cache.get("CMAKE_CXX_FLAGS", ""),
                                       cache.get("CMAKE_CXX_FLAGS_" + build_type.upper(), "")) if part)
    versions = []
    for package in LIBRARIES:
        version = first_line(["dpkg-query", "-W", "-f=${Version}\n", package])
        if version:
            versions.append("%s %s" % (package, version))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_GiB": memory_gib,
        "system": "%s, Linux %s" % (system, platform.release()),
        "compiler": first_line([compiler, "--version"]) or compiler,
        "build": "%s (%s)" % (build_type, flags) if flags else build_type,
        "libraries": ", ".join(versions) or "-",
        "python": "%s %s" % (platform.python_implementation(), platform.python_version()),
        "files": "%s, %s" % (tempfile.gettempdir(), filesystem(tempfile.gettempdir())),
    }


def describe_commit(source):
    commit = first_line(["git", "-C", source, "rev-parse", "HEAD"])
    if commit is None:
        return {"id": "unknown (not a git tree)", "dirty": []}
    status = subprocess.run(["git", "-C", source, "status", "--porcelain", "--untracked-files=no"],
                            stdout=subprocess.PIPE, text=True).stdout
    return {"id": commit, "dirty": [line[3:] for line in status.splitlines() if line.strip()]}


def main():
    args = parse_arguments()
    if args.report_only:
        with open(os.path.join(args.report_only, "results.json")) as source:
            results = json.load(source)
        page = args.output or (os.path.join(args.report_only, "performance.md") if results["smoke"]
                               else os.path.join(ROOT, "docs", "performance.md"))
        return write_page(results, page)

    work = os.path.abspath(args.work_dir or tempfile.mkdtemp(prefix="respawn-bench-"))
    os.makedirs(work, exist_ok=True)
    page = args.output or (os.path.join(work, "performance.md") if args.smoke
                           else os.path.join(ROOT, "docs", "performance.md"))
    if not args.smoke and not chart_available():
        log("the chart needs matplotlib, which %s cannot import: apt-get install -y %s, then run "
            "bench/run.py with Debian's /usr/bin/python3 (the run goes on without the chart)"
            % (sys.executable, report.CHART_PACKAGE))

    binary = os.path.abspath(args.bench_binary) if args.bench_binary else build(args)
    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.monotonic()
    with LoadSampler() as load:
        respawn = run_respawn_bench(binary, args.sizes, args, work)
        pickle_results, pickle_meta, skipped = run_pickle_bench(args.python_sizes, args, work)
    for n in sorted(set(args.sizes) - set(args.python_sizes)):
        skipped.append({"elements": n, "reason": "bench/run.py runs it only when --python-sizes names it"})
    results = {
        "smoke": args.smoke,
        "command": " ".join(shlex.quote(part) for part in [interpreter(), os.path.relpath(__file__, ROOT)]
                            + sys.argv[1:]),
        "started": started.isoformat(timespec="seconds"),
        "seconds": time.monotonic() - clock,
        "machine": describe_machine(binary),
        "commit": describe_commit(args.source),
        "load": load.samples,
        "settings": {"sizes": args.sizes, "python_sizes": args.python_sizes, "repetitions": args.repetitions,
                     "large_repetitions": args.large_repetitions, "large_size": LARGE_SIZE,
                     "python_repeat": args.python_repeat, "iterations": ITERATIONS,
                     "load_every_s": LOAD_EVERY_S},
        "respawn": respawn,
        "pickle": pickle_results,
        "pickle_meta": pickle_meta,
        "pickle_skipped": skipped,
    }
    with open(os.path.join(work, "results.json"), "w") as out:
        json.dump(results, out, indent=1)
    log("raw figures in " + os.path.join(work, "results.json"))
    return write_page(results, page)


def chart_available():
    return importlib.util.find_spec("matplotlib") is not None


def interpreter():
    """How to name this interpreter in a command: python3 if that is what PATH finds."""
    found = shutil.which("python3")
    if found and os.path.realpath(found) == os.path.realpath(sys.executable):
        return "python3"
    return sys.executable


def write_page(results, page):
    targets, why_no_chart = report.write(results, page)
    if why_no_chart:
        log("no chart: " + why_no_chart)
    for target in targets:
        log("target %d: %s (%s)" % (target.number, target.status, target.measured))
    log("wrote " + page)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as failure:
        log("failed: %s exited with %s" % (failure.cmd[0], failure.returncode))
        sys.exit(1)
