"""Timing one dispatcher run from the outside, without touching app code.

The split comes from two public hooks: Django's `connection.execute_wrapper`
sees every SQL statement (its time is the round trip, server work included), and
the dispatcher reaches the broker only through `checkins.tasks.enqueue_prompt_sends`
(called after each batch commits), which is wrapped for the run. What is left is
Python in the dispatcher itself: slot arithmetic, building prompts and queries.

`spans` times named steps the same way (a function patched for the run with a
wrapper that calls the original), so the split needs no profiler and carries
none of a profiler's overhead. A span's time includes the SQL it sends.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.db import connection

from checkins import tasks


@dataclass
class Split:
    total: float = 0.0
    # CPU time of this process alone: what other load on the machine changes least.
    cpu: float = 0.0
    sql: float = 0.0
    statements: int = 0
    enqueue: float = 0.0
    enqueued: int = 0
    spans: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    @property
    def python(self) -> float:
        return self.total - self.sql - self.enqueue

    @property
    def database_side(self) -> float:
        """Everything but the broker: claim, prompts, advance, commits."""
        return self.total - self.enqueue


@contextmanager
def measured(spans: dict[str, tuple[Any, str]] | None = None) -> Iterator[Split]:
    """Time what runs inside; `spans` maps a label to (owner, attribute) to time too."""
    split = Split()

    def timed_sql(
        execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            split.sql += time.perf_counter() - started
            split.statements += 1

    original = tasks.enqueue_prompt_sends

    def timed_enqueue(prompt_ids: Iterable[str]) -> None:
        prompt_ids = list(prompt_ids)
        started = time.perf_counter()
        try:
            original(prompt_ids)
        finally:
            split.enqueue += time.perf_counter() - started
            split.enqueued += len(prompt_ids)

    with ExitStack() as stack:
        stack.enter_context(connection.execute_wrapper(timed_sql))
        stack.enter_context(mock.patch.object(tasks, "enqueue_prompt_sends", timed_enqueue))
        for label, (owner, name) in (spans or {}).items():
            timed = _timed(getattr(owner, name), label, split)
            stack.enter_context(mock.patch.object(owner, name, timed))
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            yield split
        finally:
            split.total = time.perf_counter() - started
            split.cpu = time.process_time() - cpu_started


def _timed(function: Callable[..., Any], label: str, split: Split) -> Callable[..., Any]:
    split.spans[label], split.calls[label] = 0.0, 0

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            split.spans[label] += time.perf_counter() - started
            split.calls[label] += 1

    return timed


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list: a delay some prompt really had."""
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
