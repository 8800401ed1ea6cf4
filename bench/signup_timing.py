"""Signup timing (issue 11, hole 3): does a taken email answer faster than a new one?

    .venv/bin/python bench/signup_timing.py            # 20 rounds, writes bench/RESULTS.md
    .venv/bin/python bench/signup_timing.py --rounds 5 # prints only

With the shipped settings (mandatory verification by code, Django's default
PBKDF2 hasher), it signs up through allauth's app endpoint in-process, on a
fresh SQLite database, alternating a taken and a new address in each round so
that both meet the same machine state. The figure is the ratio of the medians;
before the fix a taken address answered in ~50 ms and a new one in ~700 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="attune-signup-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="attune.settings",
        ATTUNE_VAR_DIR=var,
        DATABASE_URL=f"sqlite:///{var}/bench.sqlite3",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from bench.report import replace_block

    setup_test_environment()
    # Signups from one address would meet allauth's per-IP limit after 20.
    settings.ACCOUNT_RATE_LIMITS = False
    call_command("migrate", verbosity=0)
    password = "listening before answering"

    def signup(email: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = APIClient().post(
            "/_allauth/app/v1/auth/signup", {"email": email, "password": password}, format="json"
        )
        return time.perf_counter() - started, response.status_code

    signup("taken@example.com")  # the account the "taken" rounds collide with; warms up too
    taken: list[float] = []
    new: list[float] = []
    statuses: set[int] = set()
    for n in range(args.rounds):
        for email, times in (("taken@example.com", taken), (f"new{n}@example.com", new)):
            seconds, status = signup(email)
            times.append(seconds * 1000)
            statuses.add(status)

    taken_ms, new_ms = statistics.median(taken), statistics.median(new)
    lines = [
        f"rounds: {args.rounds}; statuses seen: {sorted(statuses)}",
        f"taken email: median {taken_ms:.0f} ms (min {min(taken):.0f}, max {max(taken):.0f})",
        f"new email:   median {new_ms:.0f} ms (min {min(new):.0f}, max {max(new):.0f})",
        f"ratio taken/new: {taken_ms / new_ms:.2f}x (1.00x = indistinguishable)",
    ]
    print("\n".join(lines))
    if args.rounds >= 20:
        begin = "<!-- bench/signup_timing.py: generated figures begin -->"
        end = "<!-- bench/signup_timing.py: generated figures end -->"
        block = "\n".join(
            [
                begin,
                "## Signup timing: a taken vs a new email (generated)",
                "",
                "`.venv/bin/python bench/signup_timing.py` (shipped settings, PBKDF2, SQLite):",
                "",
                *[f"- {line}" for line in lines],
                end,
                "",
            ]
        )
        replace_block(ROOT / "bench" / "RESULTS.md", begin=begin, end=end, block=block)


if __name__ == "__main__":
    main()
