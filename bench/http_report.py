"""The figures of bench/http_speed.py: a table on the terminal and a block of its own in
bench/RESULTS.md, between its own markers. The dispatcher's blocks and whatever
is written by hand around them are left as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any

from bench import report
from bench.http_load import Result
from bench.http_profile import InProcess

BEGIN = "<!-- bench/http_speed.py: generated figures begin -->"
END = "<!-- bench/http_speed.py: generated figures end -->"

P99_MS = 50.0
MEMORY_MB = 150.0  # decimal megabytes, as the issue states it


@dataclass
class Round:
    """The floor, each read, the floor again: one pass of the reads."""

    floors: list[Result]
    reads: list[Result]

    @property
    def floor_rps(self) -> float:
        return sum(r.rps for r in self.floors) / len(self.floors)

    def ratio(self, name: str) -> float:
        (result,) = (r for r in self.reads if r.endpoint.name == name)
        return result.rps / self.floor_rps


@dataclass
class Run:
    command: str
    started: datetime
    seconds: float
    facts: dict[str, Any]
    settings: str
    floors: list[Result]
    results: list[Result]
    in_process: dict[str, InProcess]
    memory: dict[int, dict[str, int]]
    # Every pass of the reads; `floors` and the reads in `results` are the last.
    rounds: list[Round] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Each read again at as many connections as gunicorn has workers: no
    # request waits behind another, so p99 is what one person waits.
    light: list[Result] = field(default_factory=list)

    def median_ratio(self, name: str) -> float:
        return median(r.ratio(name) for r in self.rounds)

    def median_p99_ms(self, name: str) -> float:
        return median(
            result.latency_us["p99"] / 1000
            for round_ in self.rounds
            for result in round_.reads
            if result.endpoint.name == name
        )

    @property
    def floor_rps(self) -> float:
        return sum(r.rps for r in self.floors) / len(self.floors)


@dataclass
class Verdict:
    what: str
    value: str
    target: str
    met: bool
    by: str

    @property
    def word(self) -> str:
        return "met" if self.met else f"missed by {self.by}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _mb(kib: int) -> float:
    return kib * 1024 / 1e6


def _ms(us: float) -> str:
    return f"{us / 1000:.1f} ms"


def rows(run: Run) -> list[list[str]]:
    table = []
    reads = [r for r in run.results if r.endpoint.method == "GET"]
    writes = [r for r in run.results if r.endpoint.method != "GET"]
    for result in [run.floors[0], *reads, *run.floors[1:], *writes]:
        is_floor = result in run.floors
        label = result.endpoint.name
        if is_floor and len(run.floors) > 1:
            label += " (before)" if result is run.floors[0] else " (after the reads)"
        local = run.in_process.get(result.endpoint.name)
        table.append(
            [
                label,
                f"{result.rps:,.0f}",
                _ms(result.latency_us["p50"]),
                _ms(result.latency_us["p99"]),
                str(result.failures),
                f"{result.rps / run.floor_rps:.2f}x",
                f"{result.per_request_ms(result.worker_cpu):.2f} ms",
                f"{result.per_request_ms(result.database_cpu):.2f} ms",
                f"{local.cpu_ms:.2f} ms" if local else "",
                str(len(local.queries)) if local else "",
                f"{result.response_bytes / 1024:.1f} KiB",
            ]
        )
    return table


HEADER = [
    "endpoint",
    "req/s",
    "p50",
    "p99",
    "errors",
    "ratio to floor",
    "worker CPU/req",
    "DB CPU/req",
    "in-process CPU/req",
    "queries",
    "response",
]


def verdicts(run: Run) -> list[Verdict]:
    """Reads are judged on the median of the rounds (ratio and p99), writes on
    their one run."""
    found = []
    of_rounds = ", median of the rounds" if len(run.rounds) > 1 else ""
    for result in run.results:
        name = result.endpoint.name
        p99 = result.latency_us["p99"] / 1000
        if result.endpoint.read:
            ratio = run.median_ratio(name)
            p99 = run.median_p99_ms(name)
            wanted = result.endpoint.ratio_target
            found.append(
                Verdict(
                    f"{name}: req/s against the floor{of_rounds}",
                    f"{ratio:.2f}x",
                    f"≥ {wanted}x",
                    ratio >= wanted,
                    f"{wanted - ratio:.2f}x ({ratio / wanted:.0%} of the target)",
                )
            )
        found.append(
            Verdict(
                f"{name}: p99{of_rounds if result.endpoint.read else ''}",
                f"{p99:.1f} ms",
                f"< {P99_MS:.0f} ms",
                p99 < P99_MS,
                f"{p99 - P99_MS:.1f} ms ({p99 / P99_MS:.2f}x the target)",
            )
        )
    for result in run.light:
        p99 = result.latency_us["p99"] / 1000
        found.append(
            Verdict(
                f"{result.endpoint.name}: p99 at {result.connections} connections, one per worker",
                f"{p99:.1f} ms",
                f"< {P99_MS:.0f} ms",
                p99 < P99_MS,
                f"{p99 - P99_MS:.1f} ms ({p99 / P99_MS:.2f}x the target)",
            )
        )
    for pid, memory in sorted(run.memory.items()):
        peak = _mb(memory.get("VmHWM", 0))
        found.append(
            Verdict(
                f"gunicorn worker {pid}: peak memory (VmHWM)",
                f"{peak:.1f} MB",
                f"< {MEMORY_MB:.0f} MB",
                peak < MEMORY_MB,
                f"{peak - MEMORY_MB:.1f} MB",
            )
        )
    return found


def round_rows(run: Run) -> list[list[str]]:
    """Each round's floor and each read's ratio to it, then the medians."""
    names = [r.endpoint.name for r in run.rounds[0].reads] if run.rounds else []
    table = [["round", "floor req/s", *names]]
    for number, round_ in enumerate(run.rounds, 1):
        ratios = [f"{round_.ratio(name):.2f}x" for name in names]
        table.append([str(number), f"{round_.floor_rps:,.0f}", *ratios])
    floor = median(round_.floor_rps for round_ in run.rounds) if run.rounds else 0.0
    medians = [f"{run.median_ratio(name):.2f}x" for name in names]
    table.append(["median", f"{floor:,.0f}", *medians])
    return table


def terminal(run: Run) -> str:
    table = [HEADER, *rows(run)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = [
        "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if len(run.rounds) > 1:
        lines += ["", "ratio to the floor, round by round:"]
        lines += ["  ".join(cell.ljust(18) for cell in row) for row in round_rows(run)]
    lines.append("")
    lines += [f"{v.what}: {v.value} [{v.target}: {v.word}]" for v in verdicts(run)]
    return "\n".join(lines)


def markdown(run: Run) -> str:
    facts = run.facts
    postgres = ", ".join(f"{name}={value}" for name, value in facts["postgres_settings"].items())
    table = [HEADER, *rows(run)]
    parts = [
        BEGIN,
        "## HTTP speed: gunicorn + PostgreSQL (generated)",
        "",
        f"- **Date:** {run.started:%Y-%m-%d %H:%M} UTC; the run took {run.seconds / 60:.1f} min",
        f"- **Machine:** {facts['cpu']}, {facts['memory']} RAM, {facts['os']}",
        f"- **PostgreSQL** {facts['postgres']} ({postgres}); **Redis** {facts['redis']}",
        f"- **Python** {facts['python']}; {facts['libraries']}",
        f"- **Load generator:** {facts['load_generator']}",
        f"- **Server:** {facts['server']}",
        f"- **Machine load:** {facts.get('load', 'not recorded')}",
        f"- **Settings:** {run.settings}",
        "- **Command** (from the project root):",
        "",
        "  ```sh",
        f"  {run.command}",
        "  ```",
        "",
        "| " + " | ".join(table[0]) + " |",
        "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(HEADER))) + " |",
    ]
    parts += ["| " + " | ".join(row) + " |" for row in table[1:]]
    if len(run.rounds) > 1:
        rounds = round_rows(run)
        parts += [
            "",
            f"The table is the last of {len(run.rounds)} rounds (floor, each read, floor). "
            "Each round's ratios to its own floors, and the medians the targets are judged on:",
            "",
            "| " + " | ".join(rounds[0]) + " |",
            "| " + " | ".join("---" if i == 0 else "---:" for i in range(len(rounds[0]))) + " |",
        ]
        parts += ["| " + " | ".join(row) + " |" for row in rounds[1:]]
    if run.light:
        parts += [
            "",
            "Each read once more with as many connections as workers (no request waits "
            "behind another, so p99 is the wait of one person, not of a queue of eight):",
            "",
            "| endpoint | connections | req/s | p50 | p99 |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        parts += [
            f"| {r.endpoint.name} | {r.connections} | {r.rps:,.0f} | "
            f"{_ms(r.latency_us['p50'])} | {_ms(r.latency_us['p99'])} |"
            for r in run.light
        ]
    parts += [
        "",
        "Peak memory per gunicorn worker, read from `/proc/<pid>/status` at the end of the run:",
        "",
        "| worker pid | VmHWM (peak) | VmRSS (at the end) |",
        "| --- | ---: | ---: |",
    ]
    for pid, memory in sorted(run.memory.items()):
        parts.append(
            f"| {pid} | {_mb(memory.get('VmHWM', 0)):.1f} MB | "
            f"{_mb(memory.get('VmRSS', 0)):.1f} MB |"
        )
    parts += ["", "### Targets", ""]
    parts += [f"- {v.what}: {v.value} against {v.target} — **{v.word}**" for v in verdicts(run)]
    if run.notes:
        parts += ["", "### Notes", ""]
        parts += [f"- {note}" for note in run.notes]
    for name, local in run.in_process.items():
        if not local.queries:
            continue
        parts += report.details(
            f"SQL of one `{name}` request ({_count(len(local.queries), 'statement')})",
            "\n\n".join(_shorten(sql) for sql in local.queries),
        )
    for name, local in run.in_process.items():
        if local.profile:
            parts += report.details(f"cProfile: `{name}` in-process", local.profile)
    parts.append(END)
    return "\n".join(parts) + "\n"


def _shorten(sql: str, limit: int = 400) -> str:
    # Column lists make statements long; what follows them is cut, not the tables.
    return sql if len(sql) <= limit else sql[:limit] + " …"


def write(path: Path, run: Run) -> None:
    report.replace_block(path, begin=BEGIN, end=END, block=markdown(run))
