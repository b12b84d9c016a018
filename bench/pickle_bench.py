#!/usr/bin/env python3
"""Python pickle on the reference state: the contender of target 5.

Builds the reference state (reference_state.py, beside this file) at each
size and times, with pickle's highest protocol:
  save_memory  pickle.dumps of the whole state
  save_file    pickle.dump into a file, then flush and fsync (a respawn save
               to a file is durable too)
  load_memory  pickle.loads of those bytes
  load_file    pickle.load from that file
The garbage collector stays enabled, as in a program that pickles its state.

Memory, as respawn_bench measures it (Linux): state_MiB is the resident
memory that building the state added; an operation's peak_extra_MiB is the
highest resident memory during it beyond the memory before it (a save) or
after it (a load, which ends holding the state it built). For clean memory
figures run one size per process.

Standard library only. Prints one JSON object on its last line:
    {"python": V, "protocol": P, "seed": S, "repeat": R,
     "results": [{"elements": N, "state_MiB": M, "build_s": B, "pickle_bytes": P,
                  "process_peak_MiB": X,
                  "ops": {"save_memory": {"runs_s": [...], "median_s": T,
                                          "peak_extra_MiB": E}, ...}}]}

    pickle_bench.py [--sizes 10000,100000] [--repeat 3] [--seed 1] [--scratch DIR]
"""

import argparse
import gc
import json
import os
import pickle
import platform
import statistics
import sys
import tempfile
import time

import reference_state

PROTOCOL = pickle.HIGHEST_PROTOCOL
MIB = 1 << 20


def status_bytes(field):
    """A memory figure of this process from /proc/self/status, in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


# The highest resident memory of this process so far (clear_refs resets VmHWM).
process_peak = 0


def reset_peak():
    """Collects garbage and makes the peak resident memory equal to the current one."""
    global process_peak
    process_peak = max(process_peak, status_bytes("VmHWM"))
    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")


def save_memory(state, _path):
    return pickle.dumps(state, protocol=PROTOCOL)


def save_file(state, path):
    with open(path, "wb") as out:
        pickle.dump(state, out, protocol=PROTOCOL)
        out.flush()
        os.fsync(out.fileno())


def load_memory(data, _path):
    return pickle.loads(data)


def load_file(_data, path):
    with open(path, "rb") as source:
        return pickle.load(source)


def measure(operation, argument, path, repeat, is_load):
    """Times `operation` `repeat` times; returns its runs and peak extra memory."""
    runs = []
    peak_extra = 0
    for _ in range(repeat):
        reset_peak()
        before = status_bytes("VmRSS")
        start = time.perf_counter()
        result = operation(argument, path)
        seconds = time.perf_counter() - start
        # A load ends holding what it built: count only what it held beyond that.
        baseline = status_bytes("VmRSS") if is_load else before
        peak_extra = max(peak_extra, status_bytes("VmHWM") - baseline)
        runs.append(seconds)
        del result
    return {"runs_s": runs, "median_s": statistics.median(runs), "peak_extra_MiB": peak_extra / MIB}


def bench_size(elements, seed, repeat, scratch):
    reset_peak()
    before = status_bytes("VmRSS")
    start = time.perf_counter()
    state = reference_state.build(elements, seed)
    build_seconds = time.perf_counter() - start
    gc.collect()
    state_bytes = status_bytes("VmRSS") - before

    path = os.path.join(scratch, "state-%d.pickle" % elements)
    ops = {
        "save_memory": measure(save_memory, state, path, repeat, is_load=False),
        "save_file": measure(save_file, state, path, repeat, is_load=False),
    }
    data = pickle.dumps(state, protocol=PROTOCOL)
    ops["load_memory"] = measure(load_memory, data, path, repeat, is_load=True)
    ops["load_file"] = measure(load_file, data, path, repeat, is_load=True)
    os.remove(path)
    return {
        "elements": elements,
        "state_MiB": state_bytes / MIB,
        "build_s": build_seconds,
        "pickle_bytes": len(data),
        "process_peak_MiB": max(process_peak, status_bytes("VmHWM")) / MIB,
        "ops": ops,
    }


def sizes_list(text):
    return [int(size) for size in text.split(",") if size]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=sizes_list, default=[10000, 100000],
                        help="comma-separated element counts (default 10000,100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each operation (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scratch", help="folder for the pickle files (default: a new temporary folder)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="respawn-pickle-", dir=args.scratch) as scratch:
        results = [bench_size(n, args.seed, max(1, args.repeat), scratch) for n in args.sizes]
    print(json.dumps({"python": platform.python_version(), "protocol": PROTOCOL, "seed": args.seed,
                      "repeat": max(1, args.repeat), "results": results}))


if __name__ == "__main__":
    sys.exit(main())
