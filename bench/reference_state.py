"""The reference state of examples/minibuild in pure Python, for the pickle benchmarks.

Same shape as the C++ generator (examples/minibuild): a project of N
elements with dependencies, variables, environment and sources, and a
scheduler with three queues and counters. Values come from random.Random,
so the state is the same for a given seed, but not byte-identical to the C++
one.

As in the C++ policies, the recomputed fields (cache_key, reverse_deps) and
the process-bound ones (a lock, a log stream, a callback; the scheduler's
event loop and worker pool) are dropped by __getstate__ and made again by
__setstate__, so pickle carries exactly what a respawn snapshot carries.

Standard library only. Used by pickle_bench.py and spawn_pickle.py:

    state = reference_state.build(elements, seed)
"""

import collections
import concurrent.futures
import random
import sys
import threading

KINDS = ("autotools", "cmake", "meson", "manual", "script")
ENVIRONMENT_KEYS = ("PATH", "LD_LIBRARY_PATH", "PKG_CONFIG_PATH", "CFLAGS", "LDFLAGS", "PREFIX")
FRAGMENTS = ("%{prefix}", "/usr", "/lib", "/share", "/include", "%{libdir}", "%{bindir}", "--enable-",
             "--disable-", "--with-", "static", "shared", "docs", "tests", "nls", "-linux-gnu", "x86_64",
             "aarch64", " -O2", " -g", " -pipe", "=yes", "=no", "/pkgconfig", "%{build-root}",
             "%{install-root}", " -j8", "/etc", "ssl", "zlib", "python3", "/sbin")
ELEMENT_STATES = ("waiting", "fetch_pending", "build_pending", "push_pending", "cached", "failed")

# Fields that do not travel: recomputed in the loading process, or bound to this one.
RECOMPUTED = ("cache_key", "reverse_deps")
PROCESS_BOUND = ("lock", "log", "on_done")

# Pickling recurses through nested objects; a deep dependency chain must not
# hit the interpreter's default limit of 1000.
RECURSION_LIMIT = 100000


class Source:
    def __init__(self, kind, url, ref):
        self.kind = kind
        self.url = url
        self.ref = ref


class Element:
    def __init__(self, id_, rng, earlier):
        self.id = id_
        self.name = "components/lib-%05d.bst" % id_
        self.kind = KINDS[rng.randrange(5)]
        self.state = "waiting"
        self.build_deps = pick_earlier(rng, earlier, 6)
        self.runtime_deps = pick_earlier(rng, earlier, 3)
        self.variables = {"var%02d" % v: phrase(rng, 20, 40) for v in range(12)}
        self.environment = {key: "/usr/lib/env/%d/%d" % (id_, k) for k, key in enumerate(ENVIRONMENT_KEYS)}
        self.sources = [Source("git", "https://example.com/repo-%d-%d.git" % (id_, s), "%040x" % rng.getrandbits(160))
                        for s in range(1 + rng.randrange(3))]
        self.cache_key = None
        self.reverse_deps = None
        self.lock = threading.Lock()
        self.log = sys.stderr
        self.on_done = None

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in RECOMPUTED + PROCESS_BOUND:
            del state[name]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.cache_key = None
        self.reverse_deps = None
        self.lock = threading.Lock()
        self.log = sys.stderr
        self.on_done = None


class Project:
    def __init__(self, elements, seed, rng):
        self.name = "minibuild-reference"
        self.options = {"elements": str(elements), "seed": str(seed)}
        while len(self.options) < 20:
            self.options["option-%02d" % (len(self.options) - 2)] = phrase(rng, 4, 16)
        self.elements = []
        for i in range(elements):
            self.elements.append(Element(i, rng, self.elements))


class Queue:
    def __init__(self, name, max_jobs):
        self.name = name
        self.max_jobs = max_jobs
        self.pending = collections.deque()


class Scheduler:
    def __init__(self, project):
        self.project = project
        self.fetch = Queue("fetch", 10)
        self.build = Queue("build", 4)
        self.push = Queue("push", 4)
        queues = (self.fetch, self.build, self.push)
        for element in project.elements:
            queues[element.id % 3].pending.append(element)
            element.state = ELEMENT_STATES[1 + element.id % 3]
        self.counters = {"queued." + q.name: len(q.pending) for q in queues}
        self.counters.update({"elements": len(project.elements), "jobs.started": 0, "jobs.done": 0,
                              "cache.hits": 0, "cache.misses": 0})
        self.event_loop = None
        self.workers = concurrent.futures.ThreadPoolExecutor(max_workers=2)

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["event_loop"]
        del state["workers"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.event_loop = None
        self.workers = concurrent.futures.ThreadPoolExecutor(max_workers=2)  # as the C++ after_restore hook


def pick_earlier(rng, earlier, count):
    if len(earlier) <= count:
        return list(earlier)
    return [earlier[i] for i in rng.sample(range(len(earlier)), count)]


def phrase(rng, low, high):
    size = rng.randint(low, high)
    out = ""
    while len(out) < size:
        out += FRAGMENTS[rng.randrange(len(FRAGMENTS))]
    return out[:size]


def build(elements, seed=1):
    """The scheduler holding a project of `elements` elements, the same for a given seed."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
    rng = random.Random(seed)
    return Scheduler(Project(elements, seed, rng))
