"""What `accounts` offers other apps, so that it never imports them.

- `partnership_ended` is sent inside the transaction that ends a partnership
  (kwargs: `partnership`), so a receiver's writes commit or roll back with it.
- `account_deleting` is sent inside the deletion transaction, before the user row
  goes (kwargs: `user`).
- `register_export` adds a section to `me/export`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

partnership_ended = Signal()
account_deleting = Signal()
# Sent inside the transaction that pauses or resumes one person's sharing
# (kwargs: `membership`, whose `sharing_paused` is the new state).
sharing_paused_changed = Signal()

ExportSection = Callable[..., Any]
_export_sections: dict[str, ExportSection] = {}


def register_export(name: str, section: ExportSection) -> None:
    """`section(user=...)` returns JSON-ready data for `me/export` under `name`."""
    _export_sections[name] = section


def export_sections() -> dict[str, ExportSection]:
    return dict(_export_sections)
