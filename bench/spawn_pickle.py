#!/usr/bin/env python3
"""Python's answer to the spawn hand-off, for respawn_spawn_bench.

Builds the reference state of examples/minibuild (reference_state.py, beside this
file), starts a multiprocessing 'spawn' Process with the state as its
argument and times until the child, holding the unpickled state, signals
through a Pipe. The state's __getstate__ and __setstate__ drop and remake the
fields that do not travel, as the C++ policies do.

Standard library only. Prints one JSON object on its last line:
    {"elements": N, "pickle_bytes": B, "runs_s": [...], "median_s": M}

    spawn_pickle.py --elements N [--repeat R] [--seed S]
"""

import argparse
import json
import multiprocessing
import pickle
import statistics
import time

import reference_state


def child(state, ready):
    ready.send(len(state.project.elements))
    ready.close()


def spawn_once(context, state):
    receive, send = context.Pipe(duplex=False)
    start = time.perf_counter()
    process = context.Process(target=child, args=(state, send))
    process.start()
    got = receive.recv()
    seconds = time.perf_counter() - start
    process.join()
    if got != len(state.project.elements) or process.exitcode != 0:
        raise SystemExit("spawn_pickle.py: the child did not get the state")
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    state = reference_state.build(args.elements, args.seed)
    pickle_bytes = len(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    context = multiprocessing.get_context("spawn")
    runs = [spawn_once(context, state) for _ in range(max(1, args.repeat))]
    print(json.dumps({"elements": args.elements, "pickle_bytes": pickle_bytes, "runs_s": runs,
                      "median_s": statistics.median(runs)}))


if __name__ == "__main__":
    main()
