"""Dispatcher benchmarks (issue 4 §6): figures measured side by side in one run.

    .venv/bin/python bench/dispatcher.py            # full scale, writes bench/RESULTS.md
    .venv/bin/python bench/dispatcher.py --quick    # 1/10 scale smoke check, prints only

(a) claim rate: 100,000 schedules all due now, one `dispatch()` end to end,
    split into SQL, dispatcher Python and the enqueue to Redis.
(b) delivery delay: 100,000 reminders due the moment the dispatcher starts, real
    `celery worker` processes sending with Django's dummy email backend;
    p50/p99/max of `sent_at - due_at` read back from the database.
(c) cost follows what is due: one dispatcher run with 10,000 due among
    1,000,000 schedules against the same 10,000 due among 20,000, and the
    literal 1% of 1,000,000 against 1% of 10,000; EXPLAIN ANALYZE of the claim.

It runs on a PostgreSQL database and a Redis db of its own (attune_bench, /7; see
bench/environment.py), migrates it, and truncates its tables between scenarios.
Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="everything at 1/10 scale")
    parser.add_argument("--only", default="abc", help="scenarios to run, e.g. 'ac' (default: abc)")
    parser.add_argument(
        "--layouts",
        default="1x2",
        help="worker layouts for (b), comma-separated: 1x2 = one worker with "
        "--concurrency 2 (as Procfile runs it), 2x1 = two workers with --concurrency 1",
    )
    parser.add_argument("--repeats", type=int, default=3, help="dispatcher runs per case in (c)")
    parser.add_argument(
        "--max-wait",
        type=float,
        default=1800,
        help="(b) stops waiting for the sends this many seconds after they were due "
        "(default 1800 = 15x the p99 target); a percentile beyond it is reported as a lower bound",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile a dispatcher run and the sends"
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="write bench/RESULTS.md after a --quick run too (a full run always writes it)",
    )
    return parser.parse_args(argv)


def command_line(argv: list[str], overridden: dict[str, str]) -> str:
    """The exact command, as typed from the project root."""
    root = HERE.parent
    python = Path(sys.executable)
    shown = os.path.relpath(python, root) if python.is_relative_to(root) else str(python)
    env = [f"{name}={shlex.quote(value)}" for name, value in overridden.items()]
    return " ".join([*env, shlex.join([shown, "bench/dispatcher.py", *argv])])


def main(argv: list[str]) -> int:
    options = parse(argv)
    # Run as a script, this folder comes first on the path: the project root
    # instead, so that nothing here can stand in for a module of the same name.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))
    from bench import environment

    overridden = environment.configure()
    environment.ensure_database()

    import django

    django.setup()
    from django.core.management import call_command

    from bench import report, scenarios

    call_command("migrate", interactive=False, verbosity=0)
    scale = 0.1 if options.quick else 1.0

    def n(count: int) -> int:
        return max(1, round(count * scale))

    started, clock = datetime.now(UTC), time.monotonic()
    load_before = os.getloadavg()
    outcome = scenarios.Outcome()
    load_rate = 10_000.0  # people/s until (a) has measured it
    log_dir = Path(tempfile.mkdtemp(prefix="attune-bench-workers-"))
    try:
        if "a" in options.only:
            claimed, load_rate = scenarios.claim_rate(due=n(100_000))
            outcome.extend(claimed)
        if "b" in options.only:
            for layout in options.layouts.split(","):
                outcome.extend(
                    scenarios.delivery(
                        due=n(100_000),
                        layout=layout,
                        load_rate=load_rate,
                        log_dir=log_dir,
                        max_wait=options.max_wait,
                    )
                )
            outcome.extend(scenarios.send_cost(due=n(5_000)))
        if "c" in options.only:
            cases = [(n(1_000_000), n(10_000)), (n(20_000), n(10_000)), (n(10_000), n(100))]
            outcome.extend(scenarios.due_cost(cases=cases, repeats=options.repeats))
        if options.profile:
            from bench import alternatives

            outcome.extend(alternatives.enqueue(count=n(20_000)))
            outcome.extend(alternatives.advance(count=n(20_000)))
            outcome.extend(scenarios.profiles(due=n(10_000), sends=n(2_000)))
    finally:
        from bench import population

        population.truncate()
        scenarios.purge_broker()
        print(f"worker logs: {log_dir}")

    print()
    print(report.terminal(outcome))
    if not options.quick or options.write:
        facts = environment.machine_facts()
        # Other sessions may share the machine: say how busy it was around the run.
        facts["load"] = "load average (1, 5, 15 min) at the start {}, at the end {}".format(
            *(
                ", ".join(f"{value:.2f}" for value in load)
                for load in (load_before, os.getloadavg())
            )
        )
        run = report.Run(
            command=command_line(argv, overridden),
            scenarios=options.only,
            scale="1/10 (--quick)" if options.quick else "full",
            started=started,
            seconds=time.monotonic() - clock,
            facts=facts,
            outcome=outcome,
        )
        report.write(HERE / "RESULTS.md", run)
        print(f"\nwritten to {HERE / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
