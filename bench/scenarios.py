"""The dispatcher scenarios of issue 4 §6. Each one starts from empty tables and
an empty queue, and returns figures for the report.

(a) claim rate: every schedule due now, one `dispatch()` end to end.
(b) delivery delay: every reminder due the moment the dispatcher starts, real
    worker processes sending; delays read back from the database.
(c) cost follows what is due: one dispatcher run over few or many schedules with
    the same number due, and the literal 1% of each.
"""

from __future__ import annotations

import cProfile
import inspect
import io
import math
import os
import pstats
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import redis
from django.db import connection, transaction
from django.db.models import Max, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attune.celery import app
from bench import population, workers
from bench.population import minute_floor
from bench.timers import Split, measured, median, percentile
from checkins import services, tasks
from checkins.models import Prompt, Schedule


@dataclass
class Figure:
    scenario: str
    measure: str
    value: str
    target: str = ""
    verdict: str = ""


@dataclass
class Outcome:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Extra evidence for the report: (title, preformatted text).
    sections: list[tuple[str, str]] = field(default_factory=list)

    def add(self, scenario: str, measure: str, value: str, target: str = "", verdict: str = ""):
        self.figures.append(Figure(scenario, measure, value, target, verdict))

    def extend(self, other: Outcome) -> None:
        self.figures += other.figures
        self.notes += other.notes
        self.sections += other.sections


# --- The broker -------------------------------------------------------------------


def purge_broker() -> None:
    """Drop queued sends and kombu's bookkeeping of unacknowledged ones, so no
    message of one scenario is delivered in the next."""
    app.control.purge()
    client = redis.Redis.from_url(app.conf.broker_url)
    try:
        client.delete("unacked", "unacked_index", "unacked_mutex")
    finally:
        client.close()


def queue_length() -> int:
    client = redis.Redis.from_url(app.conf.broker_url)
    try:
        return int(client.llen(app.conf.task_default_queue))
    finally:
        client.close()


def fresh(*, total: int, due: int, due_at: datetime) -> population.Population:
    population.truncate()
    purge_broker()
    loaded = population.load(total=total, due=due, due_at=due_at)
    print(
        f"  loaded {total:,} people and schedules ({due:,} due) in {loaded.load_seconds:.1f} s",
        flush=True,
    )
    return loaded


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _share(part: float, whole: float) -> str:
    return f"{part:.2f} s ({100 * part / whole:.0f}%)" if whole else "-"


# --- (a) claim rate -----------------------------------------------------------------


def claim_rate(*, due: int) -> tuple[Outcome, float]:
    """Returns the figures and the load rate seen (people/s), for planning (b)."""
    print(f"(a) claim rate: {due:,} schedules, all due now", flush=True)
    loaded = fresh(total=due, due=due, due_at=minute_floor(timezone.now()) - timedelta(minutes=1))
    now = timezone.now()
    with measured(DISPATCH_STEPS) as split:
        result = services.dispatch(now=now)
    _check(result.prompts == due, f"dispatch made {result.prompts} prompts, expected {due}")
    _check(Prompt.objects.count() == due, "one prompt per due schedule")
    _check(
        not Schedule.objects.filter(active=True, next_due_at__lte=now).exists(),
        "every due schedule advanced",
    )
    queued, expected = queue_length(), math.ceil(due / tasks.SEND_BATCH)
    _check(queued == expected, f"{queued} messages on the queue, expected {expected}")
    purge_broker()

    out = Outcome()
    scenario = "(a) claim rate"
    out.add(scenario, "schedules due, dispatched in one run", f"{due:,}")
    out.add(scenario, "`dispatch()` end to end, enqueue included", _seconds(split.total))
    out.add(scenario, "**claim rate, end to end**", f"**{due / split.total:,.0f} schedules/s**")
    out.add(
        scenario, "claim rate without the enqueue", f"{due / split.database_side:,.0f} schedules/s"
    )
    out.add(scenario, "by kind: SQL round trips", _share(split.sql, split.total))
    out.add(scenario, "by kind: dispatcher Python (ORM, slots)", _share(split.python, split.total))
    out.add(scenario, "by kind: enqueue to Redis", _share(split.enqueue, split.total))
    for label, seconds in split.spans.items():
        calls = split.calls[label]
        out.add(scenario, f"by step: {label} ({calls:,} calls)", _share(seconds, split.total))
    out.add(
        scenario,
        f"by step: `enqueue_prompt_sends` ({split.enqueued:,} prompts, "
        f"{tasks.SEND_BATCH} to a `send_prompts` message)",
        _share(split.enqueue, split.total),
    )
    rest = split.total - split.enqueue - sum(split.spans.values())
    out.add(
        scenario,
        f"by step: the rest (claim SELECT, last check-ins, sweeps, commits; "
        f"{split.statements:,} SQL statements in all)",
        _share(rest, split.total),
    )
    out.add(scenario, "enqueue rate", f"{split.enqueued / split.enqueue:,.0f} messages/s")
    print(f"  {due / split.total:,.0f} schedules/s ({_breakdown(split)})", flush=True)
    return out, loaded.total / loaded.load_seconds


# Steps of one dispatcher run timed on their own (see bench.timers); a step's time
# includes the SQL it sends.
DISPATCH_STEPS: dict[str, tuple[Any, str]] = {
    "`_prompt_for`: slots, quiet hours, the Prompt": (services, "_prompt_for"),
    "`_advance`: the schedules' next slots": (services, "_advance"),
    "`bulk_create` of the prompts": (QuerySet, "bulk_create"),
    "`_expire_superseded`": (services, "_expire_superseded"),
}


def _breakdown(split: Split) -> str:
    return (
        f"total {split.total:.2f} s: SQL {split.sql:.2f} s, Python {split.python:.2f} s, "
        f"enqueue {split.enqueue:.2f} s"
    )


# --- (b) delivery delay ---------------------------------------------------------------


LAYOUTS = {
    # As Procfile and docker-compose.yml run it: one worker, two pool processes.
    "1x2": [("bench-a", ["--concurrency", "2"])],
    "2x1": [("bench-a", ["--concurrency", "1"]), ("bench-b", ["--concurrency", "1"])],
}

TARGET_P99 = 120.0


def delivery(*, due: int, layout: str, load_rate: float, log_dir: Path, max_wait: float) -> Outcome:
    print(f"(b) delivery delay: {due:,} reminders due at once, workers {layout}", flush=True)
    population.truncate()
    purge_broker()
    names = []
    for name, args in LAYOUTS[layout]:
        # The workers read the same bench settings this process set (bench.environment).
        log = log_dir / f"{layout}-{name}.log"
        workers.start(name, *args, env={**os.environ}, log=log)
        names.append(name)
    try:
        workers.wait_ready(names)
        loaded, dispatch_at = _load_due_soon(due=due, load_rate=load_rate)
        outcome = _deliver(loaded, dispatch_at=dispatch_at, layout=layout, max_wait=max_wait)
    finally:
        workers.stop_all()
        purge_broker()
    return outcome


def _load_due_soon(*, due: int, load_rate: float) -> tuple[population.Population, datetime]:
    """Schedules due at the next whole minute that leaves time to load them: the
    dispatcher then starts at that minute, as beat would start it."""
    margin = due / load_rate * 1.5 + 10
    for _ in range(3):
        due_at = minute_floor(timezone.now() + timedelta(seconds=margin)) + timedelta(minutes=1)
        loaded = fresh(total=due, due=due, due_at=due_at)
        if timezone.now() < due_at:
            return loaded, due_at
        margin *= 2  # loading took longer than planned: again, with more room
    raise RuntimeError("could not load the schedules before their due time")


def _deliver(
    loaded: population.Population, *, dispatch_at: datetime, layout: str, max_wait: float
) -> Outcome:
    due = loaded.due
    wait = (dispatch_at - timezone.now()).total_seconds()
    print(f"  dispatcher starts at {dispatch_at:%H:%M:%S} (in {wait:.0f} s)", flush=True)
    time.sleep(max(0.0, wait))
    started = timezone.now()
    with measured() as split:
        result = services.dispatch(now=started)
    _check(result.prompts == due, f"dispatch made {result.prompts} prompts, expected {due}")
    print(f"  dispatched in {split.total:.1f} s; waiting for the sends", flush=True)

    unsent = Prompt.objects.filter(sent_at__isnull=True).count()
    while unsent and _since(dispatch_at) < max_wait:
        time.sleep(2)
        unsent = Prompt.objects.filter(sent_at__isnull=True).count()
        if int(_since(dispatch_at)) % 30 < 2:
            print(f"  {_since(dispatch_at):5.0f} s: {due - unsent:,} sent", flush=True)
    stopped = _since(dispatch_at)

    sent = sorted(
        (sent_at - due_at).total_seconds()
        for due_at, sent_at in Prompt.objects.values_list("due_at", "sent_at")
        if sent_at is not None
    )
    # A reminder still unsent at the cap waits longer than any sent one, so a
    # percentile that falls among the sent ones is exact, and one that falls
    # among the unsent is known only to exceed the time waited.
    delays = sent + [math.inf] * unsent
    last_sent = Prompt.objects.aggregate(last=Max("sent_at"))["last"]

    def delay(value: float) -> str:
        return _seconds(value) if math.isfinite(value) else f"> {stopped:.0f} s (unsent at the cap)"

    out = Outcome()
    scenario = f"(b) delivery, workers {layout}"
    p99 = percentile(delays, 0.99)
    out.add(scenario, "reminders due at the dispatcher's start", f"{due:,}")
    out.add(scenario, "sent (read back from the database)", f"{len(sent):,}")
    out.add(scenario, "dispatcher run (in the bench process)", _seconds(split.total))
    out.add(scenario, "… of which enqueue to Redis", _share(split.enqueue, split.total))
    out.add(scenario, "delay `sent_at - due_at`, first", delay(delays[0]))
    out.add(scenario, "delay p50", delay(percentile(delays, 0.5)))
    out.add(
        scenario,
        "**delay p99**",
        f"**{delay(p99)}**",
        target=f"< {TARGET_P99:.0f} s",
        verdict=_verdict_below(min(p99, stopped), TARGET_P99, lower_bound=not math.isfinite(p99)),
    )
    out.add(scenario, "delay max", delay(delays[-1]))
    if unsent:
        out.add(scenario, "waited (the cap, --max-wait)", _seconds(stopped))
        out.notes.append(
            f"(b) {layout}: {unsent:,} of {due:,} reminders were still unsent when the "
            f"benchmark stopped waiting, {stopped:.0f} s after they were due."
        )
    if last_sent is not None:
        wall = (last_sent - dispatch_at).total_seconds()
        what = "due → last sent" if not unsent else "due → last sent before the cap"
        out.add(scenario, f"total wall time, {what}", _seconds(wall))
        out.add(scenario, "send rate over that time", f"{len(sent) / wall:,.0f} reminders/s")
    print(
        f"  sent {len(sent):,}; p50 {delay(percentile(delays, 0.5))}, p99 {delay(p99)}", flush=True
    )
    return out


def _since(moment: datetime) -> float:
    return (timezone.now() - moment).total_seconds()


def _verdict_below(value: float, target: float, *, lower_bound: bool = False) -> str:
    if value < target:
        return "met" if not lower_bound else f"not known: stopped waiting at {value:.0f} s"
    by = "at least " if lower_bound else ""
    return f"missed by {by}{value - target:.1f} s ({by}{value / target:.2f}x the target)"


def send_cost(*, due: int) -> Outcome:
    """What one send costs with no Celery around it: `prompts_send` called in this
    process, a batch at a time as the task does. Compared with (b), it shows how
    much of a send is the worker's."""
    print(f"(b) send cost in-process: {due:,} prompts", flush=True)
    fresh(total=due, due=due, due_at=minute_floor(timezone.now()) - timedelta(minutes=1))
    with mock.patch.object(tasks, "enqueue_prompt_sends", lambda prompt_ids: None):
        services.dispatch(now=timezone.now())
    ids = [str(pk) for pk in Prompt.objects.values_list("pk", flat=True)]
    with measured() as split:
        for batch in _batches(ids):
            services.prompts_send(prompt_ids=batch)
    _check(not Prompt.objects.filter(sent_at__isnull=True).exists(), "every prompt sent")
    out = Outcome()
    scenario = "(b) `prompts_send` alone, in-process"
    per = split.total / len(ids)
    out.add(scenario, f"reminders sent {tasks.SEND_BATCH} to a call", f"{len(ids):,}")
    out.add(scenario, "time per send", f"{per * 1000:.2f} ms ({1 / per:,.0f}/s on one core)")
    out.add(
        scenario,
        f"… SQL per send ({split.statements / len(ids):.2f} statements)",
        f"{split.sql / len(ids) * 1000:.2f} ms",
    )
    out.add(
        scenario, "… Python per send (template, email)", f"{split.python / len(ids) * 1000:.2f} ms"
    )
    print(f"  {per * 1000:.2f} ms per send", flush=True)
    return out


# --- (c) cost follows what is due ----------------------------------------------------


TARGET_RATIO = 1.5


@dataclass
class DueRun:
    total: int
    due: int
    splits: list[Split]

    @property
    def seconds(self) -> float:
        return median([split.total for split in self.splits])

    @property
    def database_seconds(self) -> float:
        return median([split.database_side for split in self.splits])

    @property
    def cpu_seconds(self) -> float:
        return median([split.cpu for split in self.splits])

    def per_due(self, measure: str = "wall") -> float:
        seconds = {
            "wall": self.seconds,
            "database": self.database_seconds,
            "cpu": self.cpu_seconds,
        }[measure]
        return seconds / self.due


def due_cost(*, cases: list[tuple[int, int]], repeats: int) -> Outcome:
    out = Outcome()
    runs: dict[tuple[int, int], DueRun] = {}
    largest = max(total for total, _ in cases)
    for total, due in cases:
        print(f"(c) cost: {due:,} due of {total:,}", flush=True)
        due_at = minute_floor(timezone.now()) - timedelta(minutes=1)
        loaded = fresh(total=total, due=due, due_at=due_at)
        if total == largest:
            out.sections.append(_explain_claim(total=total, due=due))
        splits = []
        for _ in range(repeats):
            purge_broker()
            with measured() as split:
                result = services.dispatch(now=timezone.now())
            _check(result.prompts == due, f"dispatch made {result.prompts} prompts, expected {due}")
            splits.append(split)
            print(f"  {_breakdown(split)}", flush=True)
            population.reset_due(loaded)
        runs[(total, due)] = DueRun(total=total, due=due, splits=splits)
    purge_broker()

    for run in runs.values():
        scenario = f"(c) {run.due:,} due of {run.total:,}"
        each = ", ".join(f"{split.total:.3f}" for split in run.splits)
        out.add(
            scenario,
            f"one dispatcher run (median of {len(run.splits)}: {each} s)",
            _seconds(run.seconds),
        )
        out.add(scenario, "… per due schedule, end to end", f"{run.per_due() * 1e6:,.0f} µs")
        out.add(
            scenario,
            "… per due schedule, without the enqueue",
            f"{run.per_due('database') * 1e6:,.0f} µs",
        )
        out.add(
            scenario,
            "… per due schedule, CPU of the dispatcher process",
            f"{run.per_due('cpu') * 1e6:,.0f} µs",
        )

    ordered = sorted(runs.values(), key=lambda run: (-run.total, -run.due))
    big = ordered[0]
    for other in ordered[1:]:
        kind = "same number due" if other.due == big.due else "literal 1% of each"
        label = f"(c) ratio {big.due:,}/{big.total:,} vs {other.due:,}/{other.total:,}"
        for measure, what in (
            ("wall", "end to end"),
            ("database", "without the enqueue"),
            ("cpu", "dispatcher process CPU"),
        ):
            ratio = _ratio(big.per_due(measure), other.per_due(measure))
            out.add(
                label,
                f"per-due cost, {what} ({kind})",
                f"**{ratio:.2f}x**" if measure == "wall" else f"{ratio:.2f}x",
                target=f"≤ {TARGET_RATIO}x",
                verdict="met"
                if ratio <= TARGET_RATIO
                else f"missed by {ratio - TARGET_RATIO:.2f}x",
            )
    return out


def _ratio(first: float, second: float) -> float:
    """How far apart two costs are, whichever is larger."""
    return max(first, second) / min(first, second)


def _explain_claim(*, total: int, due: int) -> tuple[str, str]:
    """EXPLAIN ANALYZE of the very claim query the dispatcher sends: captured from
    one batch run in a transaction that is rolled back, then explained in another."""
    batch_size = inspect.signature(services.dispatch).parameters["batch_size"].default
    now = timezone.now()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services._dispatch_batch(now=now, batch_size=batch_size, result=services.DispatchResult())
        transaction.set_rollback(True)
    table = Schedule._meta.db_table
    claim = next(
        query["sql"]
        for query in queries.captured_queries
        if "FOR UPDATE" in query["sql"] and table in query["sql"]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + claim)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    verdict = "uses" if "schedule_due" in plan else "does NOT use"
    title = f"Claim query on {total:,} schedules ({due:,} due): the plan {verdict} `schedule_due`"
    print(f"  {title}", flush=True)
    return title, f"{claim}\n\n{plan}"


# --- Profiles -------------------------------------------------------------------------


def profiles(*, due: int, sends: int) -> Outcome:
    """cProfile of one dispatcher run and of in-process sends: where the time goes."""
    out = Outcome()
    print(f"profile: dispatch of {due:,} due schedules", flush=True)
    fresh(total=due, due=due, due_at=minute_floor(timezone.now()) - timedelta(minutes=1))
    profiler = cProfile.Profile()
    profiler.enable()
    services.dispatch(now=timezone.now())
    profiler.disable()
    purge_broker()
    out.sections.append((f"cProfile: `dispatch()` of {due:,} due schedules", _top(profiler)))

    print(f"profile: {sends:,} in-process sends", flush=True)
    ids = [str(pk) for pk in Prompt.objects.values_list("pk", flat=True)[:sends]]
    profiler = cProfile.Profile()
    profiler.enable()
    for batch in _batches(ids):
        services.prompts_send(prompt_ids=batch)
    profiler.disable()
    out.sections.append(
        (f"cProfile: `prompts_send` of {len(ids):,} prompts in-process", _top(profiler))
    )
    return out


def _batches(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), tasks.SEND_BATCH):
        yield ids[start : start + tasks.SEND_BATCH]


def _top(profiler: cProfile.Profile) -> str:
    """The calls that take the time (cumulative, so callers show with their callees),
    then the functions that spend it themselves."""
    parts = []
    for order, lines in (("cumulative", 40), ("tottime", 20)):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(lines)
        body = text.getvalue()
        # Keep the table, not pstats' preamble.
        parts.append(f"sorted by {order}:\n" + body[body.find("ncalls") :])
    return "\n".join(parts)
