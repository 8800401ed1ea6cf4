"""Where a worker's time goes per reminder: one `celery worker --pool solo` under
cProfile, sending queued reminders for a while, then the top of its profile.

    .venv/bin/python bench/worker_profile.py [--prompts 4000] [--seconds 25]

Same bench database and broker as bench/dispatcher.py; it truncates them.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--prompts", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=25)
    options = parser.parse_args(argv)
    # Run as a script, this folder comes first on the path: the project root
    # instead, so that nothing here can stand in for a module of the same name.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
    sys.path.insert(0, str(HERE.parent))
    from bench import environment

    environment.configure()
    environment.ensure_database()
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from bench import population, scenarios
    from checkins import services
    from checkins.models import Prompt

    call_command("migrate", interactive=False, verbosity=0)
    due_at = population.minute_floor(timezone.now()) - timedelta(minutes=1)
    scenarios.fresh(total=options.prompts, due=options.prompts, due_at=due_at)
    services.dispatch(now=timezone.now())
    print(f"queued: {scenarios.queue_length():,}", flush=True)

    output = Path(tempfile.mkdtemp(prefix="attune-bench-profile-")) / "worker.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "celery", "-A", "attune"]
    command += ["worker", "--pool", "solo", "-n", "profile@%h", "--loglevel", "WARNING"]
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        cwd=HERE.parent,
        env={**os.environ},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(options.seconds)
        sent = Prompt.objects.filter(sent_at__isnull=False).count()
    finally:
        # A warm shutdown ends the worker normally, so cProfile writes its file.
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        population.truncate()
        scenarios.purge_broker()

    print(f"sent in {options.seconds:.0f} s (start-up included): {sent:,}")
    text = io.StringIO()
    stats = pstats.Stats(str(output), stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(
        r"services.py:\d+\(prompts_send\)|\(connect\)|_configure_timezone|\(close\)|"
        r"cursor.py:\d+\(execute\)|trace_task|asynloop|\(_brpop_read\)"
    )
    stats.sort_stats("tottime").print_stats(12)
    print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
