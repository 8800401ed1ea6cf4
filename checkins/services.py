"""Every write to schedules, prompts, check-ins and responses."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from smtplib import SMTPRecipientsRefused
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts import email_preferences
from accounts.models import User
from accounts.quiet_hours import quiet_until
from attune.errors import Conflict, Invalid, NotFound
from checkins import slots, tasks
from checkins.content import QUESTIONS
from checkins.models import CheckIn, Prompt, Response, Schedule
from partners import feed, sharing, stream
from partners import services as partner_services
from partners.models import Notification

SWEEP_AFTER = timedelta(minutes=5)
ONE_TICK = timedelta(microseconds=1)

log = logging.getLogger(__name__)


# --- Schedules ------------------------------------------------------------------


def schedule_save(
    *, user: User, active: bool, weekdays: list[int], times: list[str], timezone_name: str
) -> Schedule:
    with transaction.atomic():
        schedule, _ = Schedule.objects.select_for_update().get_or_create(user=user)
        schedule.active = active
        schedule.weekdays = sorted(set(weekdays))
        schedule.times = sorted(set(times))
        schedule.timezone = timezone_name
        schedule.updated_at = timezone.now()
        _plan_next(schedule, user=user, after=schedule.updated_at)
        schedule.save()
    return schedule


def _wall_times(schedule: Schedule) -> list[time]:
    return [time.fromisoformat(value) for value in schedule.times]


def _plan_next(schedule: Schedule, *, user: User, after: datetime) -> None:
    """Set the next slot after `after`, and when to act on it (quiet hours move it)."""
    slot = None
    if schedule.active:
        slot = slots.next_slot(
            weekdays=schedule.weekdays,
            times=_wall_times(schedule),
            zone=ZoneInfo(schedule.timezone),
            after=after,
        )
    schedule.next_slot_at = slot
    schedule.next_due_at = (quiet_until(user=user, at=slot) or slot) if slot else None


# --- The dispatcher -------------------------------------------------------------


@dataclass
class DispatchResult:
    prompts: int = 0
    suppressed: int = 0
    resent: int = 0
    snoozes_due: int = 0
    # Prompts whose send could not be enqueued (broker down): the sweep takes them.
    deferred: int = 0


def dispatch(*, now: datetime | None = None, batch_size: int = 500) -> DispatchResult:
    """One dispatcher run: due schedules become prompts, then the sweeps.

    Safe to run on several hosts at once: each batch locks its schedules with
    SKIP LOCKED (PostgreSQL), so two runs never take the same row; SQLite runs
    one writer at a time. Sends are enqueued only after each batch commits; when
    the broker is down the run goes on without them and a later sweep sends them.
    """
    now = now or timezone.now()
    result = DispatchResult()
    while _dispatch_batch(now=now, batch_size=batch_size, result=result):
        pass
    result.snoozes_due = _requeue(
        Prompt.objects.filter(status=Prompt.Status.PENDING, snoozed_until__lte=now),
        now=now,
        reset={"snoozed_until": None, "sent_at": None, "snoozes_ended": F("snoozes_ended") + 1},
        result=result,
    )
    stale = now - SWEEP_AFTER
    result.resent = _requeue(
        Prompt.objects.filter(
            status=Prompt.Status.PENDING, sent_at__isnull=True, enqueued_at__lt=stale
        ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)),
        now=now,
        reset={},
        result=result,
    )
    partner_services.notifications_send_due()
    partner_services.stream_compact_due()
    return result


def _dispatch_batch(*, now: datetime, batch_size: int, result: DispatchResult) -> bool:
    with transaction.atomic():
        batch = list(
            Schedule.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(active=True, next_due_at__lte=now)
            .order_by("next_due_at")[:batch_size]
        )
        if not batch:
            return False
        last_checkin = dict(
            CheckIn.objects.filter(owner_id__in=[s.user_id for s in batch])
            .values("owner_id")
            .annotate(last=Max("created_at"))
            .values_list("owner_id", "last")
        )
        prompts = [_prompt_for(s, now=now, last_checkin=last_checkin.get(s.user_id)) for s in batch]
        Prompt.objects.bulk_create(prompts, ignore_conflicts=True)
        _advance(batch)
        _expire_superseded(user_ids=[s.user_id for s in batch])
        send = [str(p.pk) for p in prompts if p.status == Prompt.Status.PENDING]
        transaction.on_commit(lambda: _enqueue(send, result=result))
    result.prompts += len(send)
    result.suppressed += len(prompts) - len(send)
    return True


def _enqueue(prompt_ids: list[str], *, result: DispatchResult) -> None:
    """Hand the sends to the broker. When it is down, say so once and leave the
    rest of this run's prompts to the sweep (`enqueued_at` is set; nobody claims
    them, so after SWEEP_AFTER they are taken again)."""
    if result.deferred:
        result.deferred += len(prompt_ids)
        return
    try:
        tasks.enqueue_prompt_sends(prompt_ids)
    except tasks.BROKER_ERRORS:
        log.warning("The broker refused reminders; the sweep will send them.", exc_info=True)
        result.deferred += len(prompt_ids)


def _advance(schedules: list[Schedule]) -> None:
    """Write each schedule's next slot: one UPDATE per row through `executemany`
    (psycopg pipelines them), far cheaper than `bulk_update`'s CASE per column."""
    meta, quote = Schedule._meta, connection.ops.quote_name
    # These fields have no db_column: each column is named as its field.
    names = ("next_slot_at", "next_due_at", "last_question")
    fields = [meta.get_field(name) for name in (*names, "id")]
    assignments = ", ".join(f"{quote(name)} = %s" for name in names)
    # Only quoted identifiers go into the text; the values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [
        [
            field.get_db_prep_value(getattr(schedule, field.name), connection)  # type: ignore[union-attr]
            for field in fields
        ]
        for schedule in schedules
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _prompt_for(schedule: Schedule, *, now: datetime, last_checkin: datetime | None) -> Prompt:
    """The prompt for the latest slot that has come (after downtime, only that one),
    then the schedule moves on to the first slot after now."""
    zone, wall_times = ZoneInfo(schedule.timezone), _wall_times(schedule)
    assert schedule.next_slot_at is not None and schedule.next_due_at is not None
    latest = slots.latest_slot_at_or_before(
        weekdays=schedule.weekdays, times=wall_times, zone=zone, at=now
    )
    slot = max(latest or schedule.next_slot_at, schedule.next_slot_at)
    previous = slots.latest_slot_at_or_before(
        weekdays=schedule.weekdays, times=wall_times, zone=zone, at=slot - ONE_TICK
    )
    already = last_checkin is not None and (previous is None or last_checkin > previous)
    prompt = Prompt(
        user_id=schedule.user_id,
        slot_at=slot,
        due_at=schedule.next_due_at,
        question=_pick_question(after=schedule.last_question),
        status=Prompt.Status.SUPPRESSED if already else Prompt.Status.PENDING,
        enqueued_at=None if already else now,
        created_at=now,
    )
    if not already:
        schedule.last_question = prompt.question
    _plan_next(schedule, user=schedule.user, after=max(now, slot))
    return prompt


def _pick_question(*, after: int | None) -> int:
    """Any curated question but the one asked last time."""
    choices = [i for i in range(len(QUESTIONS)) if i != after]
    return secrets.choice(choices)


def _expire_superseded(*, user_ids: list[Any]) -> None:
    """A pending prompt expires when a newer slot comes."""
    newest = Prompt.objects.filter(user_id=OuterRef("user_id")).order_by("-slot_at")
    Prompt.objects.filter(user_id__in=user_ids, status=Prompt.Status.PENDING).filter(
        slot_at__lt=Subquery(newest.values("slot_at")[:1])
    ).update(status=Prompt.Status.EXPIRED)


def _requeue(
    candidates: Any,
    *,
    now: datetime,
    reset: dict[str, Any],
    result: DispatchResult,
    limit: int = 5000,
) -> int:
    """Take prompts for (re)sending. The row locks make two runs take each one once."""
    with transaction.atomic():
        ids = list(
            candidates.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return 0
        Prompt.objects.filter(pk__in=ids).update(claimed_at=None, enqueued_at=now, **reset)
        send = [str(pk) for pk in ids]
        transaction.on_commit(lambda: _enqueue(send, result=result))
    return len(ids)


# --- Sending ----------------------------------------------------------------------


def prompts_send(*, prompt_ids: list[str]) -> int:
    """Send each reminder once, over one mail connection; return how many went.

    The claim is a conditional update, so a redelivered or repeated task finds
    its prompts claimed or sent and sends nothing. Each send is recorded as soon
    as the mail system took it: a worker killed in between repeats at most that
    one message (with the same Message-ID). Whatever was claimed and not sent is
    released before an error propagates, for the task's retry or the sweep.
    """
    from checkins import emails

    claimed = _claim(prompt_ids)
    if not claimed:
        return 0
    unsent = set(claimed)
    refused: SMTPRecipientsRefused | None = None
    try:
        prompts = Prompt.objects.filter(pk__in=claimed).select_related("user")
        with emails.connection() as mail:
            for prompt in prompts:
                if not email_preferences.wants(prompt.user, "reminders"):
                    # No reminder emails wanted: the prompt waits on Today alone.
                    Prompt.objects.filter(pk=prompt.pk).update(sent_at=timezone.now())
                    unsent.discard(prompt.pk)
                    continue
                try:
                    emails.send_prompt(prompt=prompt, connection=mail)
                except SMTPRecipientsRefused as exc:
                    # This address only: the rest of the batch still goes.
                    refused = exc
                    continue
                Prompt.objects.filter(pk=prompt.pk).update(sent_at=timezone.now())
                unsent.discard(prompt.pk)
    finally:
        if unsent:
            Prompt.objects.filter(pk__in=unsent, sent_at__isnull=True).update(claimed_at=None)
    if refused is not None:
        raise refused
    return len(claimed) - len(unsent)


def _claim(prompt_ids: list[str]) -> list[Any]:
    """Mark the sendable prompts among `prompt_ids` as taken; return their ids.
    The row locks (PostgreSQL) or the write lock (SQLite) make the claim whole:
    a second claimer waits, then finds `claimed_at` set and takes nothing."""
    with transaction.atomic():
        ids = list(
            Prompt.objects.select_for_update()
            .filter(
                pk__in=prompt_ids,
                status=Prompt.Status.PENDING,
                claimed_at__isnull=True,
                sent_at__isnull=True,
                snoozed_until__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        if ids:
            Prompt.objects.filter(pk__in=ids).update(claimed_at=timezone.now())
    return ids


# --- Prompts: skip and snooze -----------------------------------------------------


def prompt_skip(*, prompt: Prompt) -> Prompt:
    _change_pending(prompt, status=Prompt.Status.SKIPPED)
    prompt.status = Prompt.Status.SKIPPED
    return prompt


def prompt_snooze(*, prompt: Prompt, minutes: int) -> Prompt:
    """Ask again later; the dispatcher re-sends it when the time comes."""
    until = timezone.now() + timedelta(minutes=minutes)
    _change_pending(prompt, snoozed_until=until)
    prompt.snoozed_until = until
    return prompt


def _change_pending(prompt: Prompt, **changes: Any) -> None:
    changed = Prompt.objects.filter(pk=prompt.pk, status=Prompt.Status.PENDING).update(**changes)
    if not changed:
        raise Conflict(
            f"This check-in reminder is {prompt.status} already.", code="prompt_not_pending"
        )


# --- Check-ins --------------------------------------------------------------------


def checkin_create(
    *, owner: User, fields: dict[str, Any], idempotency_key: str = ""
) -> tuple[CheckIn, bool]:
    """Record an answer. Returns (check-in, created). A repeated `idempotency_key`
    returns the first check-in instead of making a second one."""
    if idempotency_key:
        first = CheckIn.objects.filter(owner=owner, idempotency_key=idempotency_key).first()
        if first is not None:
            return first, False
    try:
        with transaction.atomic():
            return _create(owner=owner, fields=fields, idempotency_key=idempotency_key), True
    except IntegrityError:
        # Two requests with the same key at once: the other one won.
        first = CheckIn.objects.filter(owner=owner, idempotency_key=idempotency_key).first()
        if idempotency_key and first is not None:
            return first, False
        raise Conflict("This reminder was answered already.", code="prompt_answered") from None


def _create(*, owner: User, fields: dict[str, Any], idempotency_key: str) -> CheckIn:
    fields = dict(fields)
    prompt_id = fields.pop("prompt", None)
    trigger_ids = fields.pop("trigger_ids", [])
    shared = fields.pop("shared", False)
    now = timezone.now()
    prompt = None
    if prompt_id is not None:
        prompt = Prompt.objects.select_for_update().filter(pk=prompt_id, user=owner).first()
        if prompt is None:
            raise Invalid("No such check-in reminder.", code="does_not_exist", param="prompt")
        if prompt.status == Prompt.Status.ANSWERED:
            raise Conflict("This reminder was answered already.", code="prompt_answered")
    else:
        prompt = _waiting_prompt(owner, now=now)
    checkin = CheckIn.objects.create(
        owner=owner,
        prompt=prompt,
        idempotency_key=idempotency_key,
        created_at=now,
        updated_at=now,
        **fields,
    )
    _set_triggers(checkin, trigger_ids)
    if prompt is not None:
        Prompt.objects.filter(pk=prompt.pk).update(
            status=Prompt.Status.ANSWERED, answered_at=now, snoozed_until=None
        )
    if shared and sharing.grant(item=checkin, by=owner):
        checkin.save(update_fields=["shared_with", "shared_at"])
    sharing.item_changed(item=checkin)
    return checkin


def _waiting_prompt(owner: User, *, now: datetime) -> Prompt | None:
    """A check-in made without naming a prompt answers the one waiting (pending,
    snoozed or not, whose slot has come), so no reminder nags about it later.
    Older ones still waiting are answered by it too; the latest is linked."""
    waiting = list(
        Prompt.objects.select_for_update()
        .filter(user=owner, status=Prompt.Status.PENDING, slot_at__lte=now)
        .order_by("-slot_at")
    )
    if not waiting:
        return None
    older = [prompt.pk for prompt in waiting[1:]]
    if older:
        Prompt.objects.filter(pk__in=older).update(
            status=Prompt.Status.ANSWERED, answered_at=now, snoozed_until=None
        )
    return waiting[0]


def _set_triggers(checkin: CheckIn, trigger_ids: list[Any]) -> None:
    from triggers.models import Trigger

    # Ids only: whole triggers would decrypt their text just to be counted.
    mine = list(
        Trigger.objects.filter(owner_id=checkin.owner_id, pk__in=trigger_ids).values_list(
            "pk", flat=True
        )
    )
    if len(mine) != len(set(trigger_ids)):
        raise Invalid(
            "Only your own triggers can be linked.", code="does_not_exist", param="trigger_ids"
        )
    checkin.triggers.set(mine)  # type: ignore[arg-type]  # primary keys, as set() takes


def checkin_update(*, checkin: CheckIn, by: User, fields: dict[str, Any]) -> CheckIn:
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk, owner=by)
        before = sharing.seen_by(checkin)
        fields = dict(fields)
        shared = fields.pop("shared", None)
        if "trigger_ids" in fields:
            _set_triggers(checkin, fields.pop("trigger_ids"))
        for name, value in fields.items():
            setattr(checkin, name, value)
        checkin.updated_at = timezone.now()
        if shared is True:
            sharing.grant(item=checkin, by=by)
        elif shared is False:
            sharing.revoke(item=checkin, by=by)
        checkin.save()
        sharing.item_changed(item=checkin, before=before)
    return checkin


def checkin_delete(*, checkin: CheckIn) -> None:
    with transaction.atomic():
        before = sharing.seen_by(checkin)
        deleted_pk = checkin.pk
        checkin.delete()
        checkin.pk = deleted_pk
        sharing.item_changed(item=checkin, before=before, deleted=True)


def response_send(
    *, checkin: CheckIn, by: User, kind: str, note: str = ""
) -> tuple[Response, bool]:
    """The partner answers a shared check-in (the caller checked that they see it).

    One response per person per check-in: sending again replaces the kind and the
    note of the first. Returns (response, created). Only the first one tells the
    check-in's owner (a `response` in their stream, which may email them);
    a change updates both pages quietly, so changing one's mind sends no second
    email."""
    if checkin.shared_with_id is None:
        raise NotFound()
    with transaction.atomic():
        # The check-in's row orders two sends at once: the second finds the first.
        CheckIn.objects.select_for_update().filter(pk=checkin.pk).first()
        response = Response.objects.filter(checkin=checkin, responder=by).first()
        created = response is None
        if response is None:
            response = Response.objects.create(
                checkin=checkin,
                responder=by,
                partnership_id=checkin.shared_with_id,
                kind=kind,
                note=note,
            )
            stream.record(
                recipient_id=checkin.owner_id,
                kind=Notification.Kind.RESPONSE,
                partnership_id=checkin.shared_with_id,
                target_type="checkin",
                target_id=checkin.pk,
            )
        else:
            response.kind, response.note = kind, note
            response.save(update_fields=["kind", "note"])
        _responses_touched(checkin, by)
    return response, created


def response_create(*, checkin: CheckIn, by: User, kind: str, note: str = "") -> Response:
    """`response_send`, for callers that need only the response."""
    return response_send(checkin=checkin, by=by, kind=kind, note=note)[0]


def response_withdraw(*, checkin: CheckIn, by: User) -> None:
    """The responder takes their response back. The owner's stream keeps the
    entry it had (it names the check-in, not the response); their page updates."""
    with transaction.atomic():
        deleted, _ = Response.objects.filter(checkin=checkin, responder=by).delete()
        if not deleted:
            raise NotFound("You have not responded to this check-in.")
        _responses_touched(checkin, by)


def _responses_touched(checkin: CheckIn, by: User) -> None:
    feed.touch([(checkin.owner_id, "checkin", checkin.pk), (by.pk, "partner_checkin", checkin.pk)])


# --- Links in the reminder email --------------------------------------------------


@dataclass
class LinkOutcome:
    # "snoozed", "skipped", "done_already", "expired" or "invalid"
    result: str
    action: str = ""


def prompt_act_by_link(*, token: str) -> LinkOutcome:
    """Skip or snooze the reminder a signed email link names, once.

    The row is locked and its state compared with the one the link expects: a
    second press, or a press after the reminder was answered, finds it changed."""
    from checkins import links

    data = links.read(token)
    if data is None:
        return LinkOutcome("expired" if links.expired(token) else "invalid")
    action = data["a"]
    with transaction.atomic():
        prompt = Prompt.objects.select_for_update().filter(pk=data["p"]).first()
        if prompt is None:
            return LinkOutcome("invalid", action)
        if prompt.status != Prompt.Status.PENDING or links.state_of(prompt) != data["s"]:
            return LinkOutcome("done_already", action)
        if action == "skip":
            prompt_skip(prompt=prompt)
            return LinkOutcome("skipped", action)
        prompt_snooze(prompt=prompt, minutes=links.SNOOZE_MINUTES)
        return LinkOutcome("snoozed", action)
