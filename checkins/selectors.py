"""Reads scoped to the person asking."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from accounts import selectors as accounts_selectors
from accounts.models import User
from attune.errors import NotFound
from checkins.models import CheckIn, Prompt, Response, Schedule
from triggers.models import Trigger


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


def _with_details(checkins: QuerySet[CheckIn], *, partnership_id: Any) -> QuerySet[CheckIn]:
    """Linked trigger ids, and the responses given within `partnership_id`."""
    responses = Response.objects.filter(partnership_id=partnership_id).order_by("created_at")
    # Only the ids are shown: loading whole triggers would decrypt all their text.
    linked = Trigger.objects.only("id")
    return checkins.prefetch_related(
        Prefetch("triggers", queryset=linked),
        Prefetch("responses", queryset=responses, to_attr="visible_responses"),
    )


def checkins_of(*, owner: User) -> QuerySet[CheckIn]:
    membership = accounts_selectors.active_membership(user=owner)
    return checkins_within(
        owner=owner, partnership_id=membership.partnership_id if membership else None
    )


def checkins_within(*, owner: User, partnership_id: Any) -> QuerySet[CheckIn]:
    """`owner`'s answers, with the responses given within `partnership_id`, the
    owner's current partnership (None when unpaired) as read during this request."""
    return _with_details(CheckIn.objects.filter(owner=owner), partnership_id=partnership_id)


def checkin_of(*, owner: User, checkin_id: Any) -> CheckIn:
    checkin = checkins_of(owner=owner).filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFound()
    return checkin


def partner_checkins(*, viewer: User) -> QuerySet[CheckIn]:
    """The partner's answers shared with the viewer right now."""
    return shared_checkins(visible=accounts_selectors.shared_with_me_filter(viewer=viewer))


def shared_checkins(*, visible: dict[str, Any] | None) -> QuerySet[CheckIn]:
    """The answers that `visible`, a `shared_with_me_filter` read during this
    request, selects; none when it is None."""
    if visible is None:
        return CheckIn.objects.none()
    return _with_details(
        CheckIn.objects.filter(**visible), partnership_id=visible["shared_with_id"]
    )


def partner_checkin(*, viewer: User, checkin_id: Any) -> CheckIn:
    checkin = partner_checkins(viewer=viewer).filter(pk=checkin_id).first()
    if checkin is None:
        raise NotFound()
    return checkin
