"""Every write the consent kernel makes. One transaction per use case.

Invitations and pairing, pausing and ending a partnership, the consent log, and
the notifications that say *that* something happened. Ending, pausing and an
account leaving go through `partners.sharing`, which knows every registered
kind (`partners.kinds`): no signal is involved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from attune.crypto import DecryptionError
from attune.errors import Conflict, NotFound
from partners import emails, feed, selectors, sharing, stream, tasks
from partners.errors import (
    AlreadyPaired,
    ExpiredInvitation,
    InvalidInvitation,
    OwnInvitation,
    TooManyInvitationEmails,
    UsedInvitation,
    WithdrawnInvitation,
)
from partners.models import (
    ConsentEvent,
    Invitation,
    InvitedAddress,
    Membership,
    Notification,
    Partnership,
)
from partners.tokens import hash_address, hash_token, new_token, open_token, seal_token
from partners.viewer import viewer_of

logger = logging.getLogger(__name__)

# One inviter may email one address this often a day; past it they hear so.
INVITATION_EMAILS_PER_INVITER_PER_DAY = 3
# Everyone together may email one address this often a day; past it the link is
# still made but no email goes, and nobody is told, since telling would let one
# inviter learn that others had invited the same person.
INVITATION_EMAILS_PER_ADDRESS_PER_DAY = 5


def invitation_url(token: str) -> str:
    """The token rides in the fragment, which browsers never send to any server:
    it stays out of access logs, Referer headers and `?next=`. The page POSTs it."""
    return f"{settings.SITE_URL}/invitation#{token}"


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str

    @property
    def url(self) -> str:
        return invitation_url(self.token)


def invitation_create(*, inviter: User, email: str = "") -> NewInvitation:
    if Membership.objects.filter(user=inviter, ended_at__isnull=True).exists():
        raise AlreadyPaired("You already have a partner; end that partnership first.")
    token = new_token()
    now = timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        send_email = bool(email) and _count_invited_address(inviter=inviter, email=email, now=now)
        invitation = Invitation(
            inviter=inviter,
            email=email,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + settings.INVITATION_TTL,
        )
        if send_email:
            # The email task gets only the id (broker messages are not secret);
            # the token waits here, encrypted, until the email has gone.
            invitation.token_sealed = seal_token(token, invitation_id=invitation.pk)
        invitation.save(force_insert=True)
        if send_email:
            invitation_id = str(invitation.pk)
            transaction.on_commit(lambda: tasks.send_invitation_email.delay(invitation_id))
    return NewInvitation(invitation=invitation, token=token)


def _count_invited_address(*, inviter: User, email: str, now: datetime) -> bool:
    """Count one more invitation email to `email`; whether it may go.

    Nobody's inbox becomes a target for a stranger's messages: a few a day from
    each inviter (more is refused, which tells the inviter only of their own
    invitations), and a few more from everyone together (past that, nothing is
    sent and nothing is said).
    """
    day_ago = now - timedelta(days=1)
    InvitedAddress.objects.filter(created_at__lt=day_ago).delete()
    address_hash = hash_address(email)
    recent = InvitedAddress.objects.filter(address_hash=address_hash, created_at__gte=day_ago)
    if recent.filter(inviter=inviter).count() >= INVITATION_EMAILS_PER_INVITER_PER_DAY:
        raise TooManyInvitationEmails(param="email")
    may_send = recent.count() < INVITATION_EMAILS_PER_ADDRESS_PER_DAY
    InvitedAddress.objects.create(address_hash=address_hash, inviter=inviter, created_at=now)
    return may_send


def invitation_email_send(*, invitation_id: str) -> bool:
    """Send the invitation email once. False when there is nothing (more) to send.

    The conditional UPDATE is the claim: a redelivered task finds `emailed_at`
    set and stops. A failed send releases the claim so a retry can take it; a
    sent one wipes the sealed token, which nothing needs any more.
    """
    now = timezone.now()
    claimed = (
        Invitation.objects.filter(
            pk=invitation_id,
            emailed_at__isnull=True,
            accepted_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=now,
        )
        .exclude(email="")
        .exclude(token_sealed="")
        .update(emailed_at=now)
    )
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("inviter").get(pk=invitation_id)
    try:
        token = open_token(invitation.token_sealed, invitation_id=invitation.pk)
    except DecryptionError:
        # Its key was dropped: this token can never be sent. The inviter still
        # has the link and sees no email went ("emailed" stays empty).
        Invitation.objects.filter(pk=invitation_id).update(emailed_at=None, token_sealed="")
        return False
    try:
        emails.send_invitation(invitation=invitation, url=invitation_url(token))
    except Exception:
        Invitation.objects.filter(pk=invitation_id).update(emailed_at=None)
        raise
    Invitation.objects.filter(pk=invitation_id).update(token_sealed="")
    return True


def invitation_withdraw(*, invitation_id: str, by: User) -> None:
    """Idempotent; an invitation that was already accepted cannot be taken back."""
    withdrawn = Invitation.objects.filter(
        pk=invitation_id, inviter=by, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), token_sealed="")
    if withdrawn:
        return
    invitation = Invitation.objects.filter(pk=invitation_id, inviter=by).first()
    if invitation is None:
        raise NotFound()
    if invitation.accepted_at:
        raise Conflict("This invitation was already accepted.", code="invitation_accepted")


def invitation_withdraw_exposed(*, token: str) -> None:
    """A token that arrived in a URL path (a link from before links kept it in
    the fragment) now sits in access logs: the invitation can no longer be trusted."""
    Invitation.objects.filter(
        token_hash=hash_token(token), accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), token_sealed="")


def invitation_accept(*, token: str, user: User) -> Partnership:
    """Pair `user` with the inviter. Single-use even when two accepts race.

    Both people's rows are locked first, so two accepts that share a person run
    one after the other; the conditional UPDATE then finds the invitation already
    claimed. The partial unique index on active memberships is the last word.
    """
    try:
        with transaction.atomic():
            return _accept(token=token, user=user)
    except IntegrityError:
        raise AlreadyPaired() from None


UNUSABLE = {
    "expired": ExpiredInvitation,
    "withdrawn": WithdrawnInvitation,
    "accepted": UsedInvitation,
}


def invitation_usable(*, token: str, now: datetime) -> Invitation:
    """The pending invitation a link holds, or the refusal that says why not: the
    holder may learn how that one link stopped working, nothing about its inviter."""
    invitation = selectors.invitation_by_token(token=token)
    if invitation is None:
        raise InvalidInvitation()
    state = invitation.status_at(now)
    if state != "pending":
        raise UNUSABLE.get(state, InvalidInvitation)()
    return invitation


def _accept(*, token: str, user: User) -> Partnership:
    now = timezone.now()
    invitation = invitation_usable(token=token, now=now)
    if invitation.inviter_id == user.pk:
        raise OwnInvitation()
    pair = sorted([invitation.inviter_id, user.pk])
    # Lock both people first, always in the same order, before touching any
    # other row: two pairings that share a person then queue up here. Taking
    # these locks later deadlocks, because the claim below takes key-share locks
    # on users through its foreign key.
    list(User.objects.select_for_update(no_key=True).filter(pk__in=pair).order_by("pk"))
    claimed = Invitation.objects.filter(
        pk=invitation.pk,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=now,
    ).update(accepted_at=now, accepted_by=user, token_sealed="")
    if claimed != 1:
        raise InvalidInvitation()
    if Membership.objects.filter(user_id__in=pair, ended_at__isnull=True).exists():
        raise AlreadyPaired()

    partnership = Partnership.objects.create(created_at=now)
    Membership.objects.bulk_create(
        [Membership(partnership=partnership, user_id=uid, created_at=now) for uid in pair]
    )
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(user_id=uid, kind=ConsentEvent.Kind.PAIRED, partnership=partnership)
            for uid in pair
        ]
    )
    stream.record(
        recipient_id=invitation.inviter_id,
        kind=Notification.Kind.PAIRED,
        partnership_id=partnership.pk,
    )
    # Any other link either of them still has out would pair them a second time
    # once this partnership ends; nobody would expect that.
    Invitation.objects.filter(
        inviter_id__in=pair, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now, token_sealed="")
    return partnership


def consent_record(
    *,
    user: User,
    kind: str,
    partnership_id: Any,
    item_type: str = "",
    item_id: Any = None,
) -> ConsentEvent:
    """Append to `user`'s consent log; other apps record their grants and revokes here."""
    return ConsentEvent.objects.create(
        user=user,
        kind=kind,
        partnership_id=partnership_id,
        item_type=item_type,
        item_id=item_id,
    )


def partnership_set_paused(*, user: User, paused: bool) -> Membership:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
        )
        if membership is None:
            raise NotFound("You have no partner right now.")
        if membership.sharing_paused != paused:
            membership.sharing_paused = paused
            membership.save(update_fields=["sharing_paused"])
            kind = ConsentEvent.Kind.SHARING_PAUSED if paused else ConsentEvent.Kind.SHARING_RESUMED
            consent_record(user=user, kind=kind, partnership_id=membership.partnership_id)
            sharing.pause_changed(membership=membership)
            stream.record(
                recipient_id=selectors.other_member_id(
                    partnership_id=membership.partnership_id, user_id=user.pk
                ),
                kind=Notification.Kind.PAUSED if paused else Notification.Kind.RESUMED,
                partnership_id=membership.partnership_id,
            )
        return membership


def partnership_set_over_time(*, user: User, agreed: bool) -> Membership:
    """Agree, or stop agreeing, to look back together (see `partners.agreement`).

    Only this person's side changes, and only in their current partnership: a
    next partnership starts with nobody agreeing. The partner learns it from the
    partnership itself (`over_time.partner`), not from any message.
    """
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(user=user, ended_at__isnull=True).first()
        )
        if membership is None:
            raise NotFound("You have no partner right now.")
        if (membership.over_time_since is not None) != agreed:
            membership.over_time_since = timezone.now() if agreed else None
            membership.save(update_fields=["over_time_since"])
            kind = (
                ConsentEvent.Kind.OVER_TIME_AGREED
                if agreed
                else ConsentEvent.Kind.OVER_TIME_WITHDRAWN
            )
            consent_record(user=user, kind=kind, partnership_id=membership.partnership_id)
        return membership


def partnership_end(*, user: User, message: str = "") -> None:
    """Either partner ends it, alone and at once. The other sees only that it ended,
    in their app; an email goes only when `user` chose to send a message with it.

    The message is sent once, from this process after the commit: it is never
    stored, queued or logged."""
    with transaction.atomic():
        partnership = _end_active_partnership(user=user)
        if message and partnership is not None:
            other_id = selectors.other_member_id(partnership_id=partnership.pk, user_id=user.pk)
            transaction.on_commit(
                partial(_send_ending_message, sender=user, recipient_id=other_id, message=message)
            )


def _send_ending_message(*, sender: User, recipient_id: Any, message: str) -> None:
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None or not recipient.email:
        return
    try:
        emails.send_ending_message(
            sender_name=sender.public_name, to=recipient.email, message=message
        )
    except Exception:
        # The ending stands; the message is not repeated in the log.
        logger.warning("A partnership-ending message could not be sent.")


def _end_active_partnership(*, user: User) -> Partnership | None:
    membership = (
        Membership.objects.select_for_update()
        .select_related("partnership")
        .filter(user=user, ended_at__isnull=True)
        .first()
    )
    if membership is None:
        raise NotFound("You have no partner right now.")
    now = timezone.now()
    partnership = membership.partnership
    partnership.ended_at = now
    partnership.save(update_fields=["ended_at"])
    member_ids = list(
        Membership.objects.filter(partnership=partnership).values_list("user_id", flat=True)
    )
    Membership.objects.filter(partnership=partnership).update(ended_at=now)
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(user_id=uid, kind=ConsentEvent.Kind.UNPAIRED, partnership=partnership)
            for uid in member_ids
        ]
    )
    # News from a partnership that has ended is no longer anyone's business;
    # the other learns only that it ended.
    Notification.objects.filter(
        Q(partnership=partnership) | Q(emailed_at__isnull=True, due_at__isnull=False),
        recipient_id__in=member_ids,
    ).delete()
    for other_id in member_ids:
        if other_id != user.pk:
            stream.record(
                recipient_id=other_id,
                kind=Notification.Kind.UNPAIRED,
                partnership_id=partnership.pk,
            )
    sharing.partnership_ended(partnership=partnership, member_ids=member_ids)
    return partnership


def account_leave(*, user: User) -> list[Any]:
    """Before `user`'s row is deleted (inside the deletion's transaction): end their
    partnership, let each kind erase what must not outlive them, and return the
    ids of their partnerships for `partnerships_forget`."""
    if Membership.objects.filter(user=user, ended_at__isnull=True).exists():
        _end_active_partnership(user=user)
    sharing.owner_leaving(user=user)
    return list(Membership.objects.filter(user=user).values_list("partnership_id", flat=True))


def partnerships_forget(*, partnership_ids: list[Any]) -> None:
    """A partnership whose members are both gone holds nothing anyone can see."""
    Partnership.objects.filter(pk__in=partnership_ids).exclude(Q(members__isnull=False)).delete()


def notifications_send(*, recipient_id: str) -> bool:
    """Email everything pending and due for one person, in one message.

    The recipient's row lock serialises two senders; marking the rows emailed
    before sending is the claim. A failed send releases it for a retry. What
    the recipient may no longer see (a share taken back, a pause, an ending)
    is dropped from the email here, at send time, and never sent.
    """
    now = timezone.now()
    with transaction.atomic():
        recipient = User.objects.select_for_update(no_key=True).filter(pk=recipient_id).first()
        if recipient is None:
            return False
        pending = Notification.objects.filter(
            recipient=recipient, emailed_at__isnull=True, due_at__lte=now
        )
        if not pending.exists():
            return False
        allowed_at = stream.next_email_at(recipient=recipient, after=now)
        if allowed_at > now:
            pending.update(due_at=allowed_at)
            return False
        viewer = viewer_of(user=recipient)
        news = list(
            stream.visible(viewer)
            .filter(pk__in=pending.values("pk"))
            .order_by("-created_at", "-id")
            .values_list("pk", "kind", "target_type", "target_id")
        )
        ids = [pk for pk, *_ in news]
        pending.exclude(pk__in=ids).update(due_at=None)
        if not news:
            return False
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
        partner = User.objects.get(pk=viewer.partner_id)
    try:
        emails.send_notification_digest(
            recipient=recipient,
            partner_name=partner.public_name,
            news=[
                emails.News(kind=kind, url=stream.url_of(kind=kind, target_type=t, target_id=i))
                for _, kind, t, i in news
            ],
        )
    except Exception:
        Notification.objects.filter(pk__in=ids).update(emailed_at=None)
        raise
    return True


def notifications_send_due() -> int:
    """Hand each person with news due to a send task; the dispatcher calls this each run."""
    recipients = selectors.recipients_with_due_notifications()
    for recipient_id in recipients:
        tasks.send_notifications.delay(str(recipient_id))
    return len(recipients)


# The dispatcher runs every minute; compaction is wanted about once an hour.
COMPACTION_EVERY = timedelta(hours=1)
_COMPACTION_KEY = "partners:stream-compaction"


def stream_compact_due() -> bool:
    """From the dispatcher's pass: enqueue the stream's compaction at most once an
    hour (the cache is shared by every process). Whether it was enqueued."""
    if not cache.add(_COMPACTION_KEY, True, timeout=int(COMPACTION_EVERY.total_seconds())):
        return False
    transaction.on_commit(tasks.compact_stream.delay)
    return True


def stream_compact(*, now: datetime | None = None) -> int:
    """Forget feed and inbox entries older than `STREAM_RETENTION_DAYS`. Safe to
    run twice and beside writers: each step deletes only what stays unneeded."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.STREAM_RETENTION_DAYS)
    return feed.compact(before=cutoff) + stream.compact(before=cutoff)
