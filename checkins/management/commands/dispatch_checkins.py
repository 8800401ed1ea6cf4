from typing import Any

from django.core.management.base import BaseCommand

from checkins import services


class Command(BaseCommand):
    help = "Run the check-in dispatcher once: due schedules become reminders, then the sweeps."

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.dispatch()
        self.stdout.write(
            f"prompts: {result.prompts}, suppressed: {result.suppressed}, "
            f"snoozes due: {result.snoozes_due}, re-sent: {result.resent}"
        )
