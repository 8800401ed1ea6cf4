"""Reads scoped to the person asking. Answers go through the kernel's consent
rule (`owned_by`, `shared_with`) given a `partners.viewer.Viewer`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from attune.errors import NotFound
from attune.fields import open_values
from checkins.models import CheckIn, Prompt, Response, Schedule
from partners import compiled
from partners.viewer import Viewer


def schedule_of(*, user: User) -> Schedule:
    """The saved schedule, or an unsaved inactive one in the profile's timezone."""
    schedule = Schedule.objects.filter(user=user).first()
    return schedule or Schedule(user=user, timezone=user.timezone)


def prompts_of(*, user: User, status: str | None = None) -> QuerySet[Prompt]:
    prompts = Prompt.objects.filter(user=user)
    return prompts.filter(status=status) if status else prompts


def prompt_of(*, user: User, prompt_id: Any) -> Prompt:
    prompt = prompts_of(user=user).filter(pk=prompt_id).first()
    if prompt is None:
        raise NotFound()
    return prompt


def _with_responses(checkins: QuerySet[CheckIn], *, viewer: Viewer) -> QuerySet[CheckIn]:
    """The responses given within the viewer's current partnership (`_responses`)."""
    return checkins.prefetch_related(
        Prefetch("responses", queryset=_responses(viewer), to_attr="visible_responses")
    )


def checkins_of(*, viewer: Viewer) -> QuerySet[CheckIn]:
    """The viewer's answers, with the responses given within their current
    partnership. Their linked trigger ids are read as they are shown
    (`checkins.models.linked_trigger_ids`, from the link table alone: 0.7 ms for
    15 check-ins against 2.4 ms for a prefetch of the triggers' ids,
    bench/RESULTS.md, "Issue 12, session 5")."""
    mine = CheckIn.objects.owned_by(viewer)
    return _with_responses(mine, viewer=viewer)


# What a check-in's serializers read of its row (`checkin_rows_among`), and of
# its responses'.
COLUMNS = (
    "id",
    "owner",
    "prompt",
    *CheckIn.SHARED_FIELDS,
    "shared_with",
    "shared_at",
    "created_at",
    "updated_at",
)
RESPONSE_COLUMNS = ("id", "checkin", "kind", "note", "created_at")
_LINK_COLUMNS = ("checkin_id", "trigger_id")


def checkin_rows_among(viewer: Viewer, ids: list[Any]) -> list[dict[str, Any]]:
    """The viewer's own check-ins and those their partner shares with them now,
    among `ids`, as rows (`COLUMNS`, the note opened), each with the responses
    given within the viewer's current partnership (`visible_responses`, rows
    too): how a sync page reads both copies at once. The linked trigger ids,
    the owner's alone, are read for the viewer's own rows only
    (`linked_trigger_ids`).

    Rows, not instances, and each read compiled once per shape of viewer
    (`partners.compiled`): a page's 20 check-ins were 2.9 ms as instances with
    their responses prefetched (bench/RESULTS.md, "Issue 12, session 6")."""
    checkins = [
        open_values(CheckIn, row) for row in compiled.values_among(_visible, viewer, ids, COLUMNS)
    ]
    given: dict[Any, list[dict[str, Any]]] = {row["id"]: [] for row in checkins}
    for response in compiled.values_among(
        _responses, viewer, list(given), RESPONSE_COLUMNS, by="checkin"
    ):
        given[response["checkin"]].append(open_values(Response, response))
    mine: dict[Any, list[Any]] = {r["id"]: [] for r in checkins if r["owner"] == viewer.user_id}
    for link in compiled.values_among(_links, viewer, list(mine), _LINK_COLUMNS, by="checkin"):
        mine[link["checkin_id"]].append(link["trigger_id"])
    for row in checkins:
        row["visible_responses"] = given[row["id"]]
        if row["id"] in mine:
            row["linked_trigger_ids"] = mine[row["id"]]
    return checkins


def _visible(viewer: Viewer) -> QuerySet[CheckIn]:
    return CheckIn.objects.visible_to(viewer)


def _responses(viewer: Viewer) -> QuerySet[Response]:
    """The responses given within the viewer's current partnership, oldest first."""
    return Response.objects.filter(partnership_id=viewer.partnership_id).order_by("created_at")


def _links(viewer: Viewer) -> QuerySet[Any]:
    """Check-ins' links to triggers, in the trigger ids' order (as `linked_trigger_ids`)."""
    return CheckIn.triggers.through.objects.order_by("trigger_id")


def checkin_of(*, viewer: Viewer, checkin_id: Any) -> CheckIn:
    checkin = checkins_of(viewer=viewer).filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFound()
    return checkin


def partner_checkins(*, viewer: Viewer) -> QuerySet[CheckIn]:
    """The partner's answers shared with the viewer right now, with the responses
    in this partnership. Not their linked triggers: the partner's view names none."""
    shared = CheckIn.objects.shared_with(viewer)
    return _with_responses(shared, viewer=viewer)


def partner_checkin(*, viewer: Viewer, checkin_id: Any) -> CheckIn:
    checkin = partner_checkins(viewer=viewer).filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFound()
    return checkin
