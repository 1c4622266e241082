"""Shared timing helper: interleaved rounds, medians, ratios against a baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def per_call_seconds(
    fn: Callable[[], object], min_time: float = 0.02, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Seconds per call of `fn`, from one batch sized to last about `min_time` on `clock`."""
    calls = 1
    while True:
        start = clock()
        for _ in range(calls):
            fn()
        elapsed = clock() - start
        if elapsed >= min_time:
            return elapsed / calls
        calls *= 2


def compare(
    contenders: dict[str, Callable[[], object]],
    rounds: int = 15,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """Median seconds per call of each contender, rounds interleaved so noise hits all alike.

    Pass ``clock=time.process_time`` for single-threaded contenders on a shared machine: CPU
    time does not count the time other processes hold the core.
    """
    for fn in contenders.values():
        fn()  # warm up: first-touch page faults, lazy imports, thread pools
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            samples[name].append(per_call_seconds(fn, clock=clock))
    return {name: statistics.median(times) for name, times in samples.items()}


def report(title: str, medians: dict[str, float], baseline: str) -> None:
    """Print each contender's median time and its ratio to `baseline` (lower is faster)."""
    print(f"\n{title}")
    base = medians[baseline]
    for name, seconds in medians.items():
        print(f"  {name:<28} {seconds * 1e6:10.2f} us   {seconds / base:6.2f}x {baseline}")
