"""Settings for bench/http_speed.py: production's, plus the floor's URL.

The floor view must never be reachable in production, so it lives in a URLconf
that only this module names. Everything else is attune's own settings, read from
the environment that bench/http_speed.py prepares.
"""

from attune.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http_urls"
