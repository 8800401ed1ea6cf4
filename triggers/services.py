"""Every write to triggers, boundaries and their questions. One transaction each.

Each write then tells the kernel what changed (`partners.sharing.item_changed`),
which decides whose feed hears of it: the owner always, the partner only when
what they can see changed.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from attune.errors import NotFound
from partners import feed, sharing, stream
from partners import selectors as partner_selectors
from partners.consent import shareable
from partners.models import Notification
from triggers.models import Question, Reply, SharedItem, asked_models, question_item_owner

Item = TypeVar("Item", bound=SharedItem)


def thread_touches(item: SharedItem, *, partnership_id: Any, recipients: list[Any]) -> list[Any]:
    """Feed entries for the questions on `item` within one partnership."""
    if partnership_id is None:
        return []
    ids = (
        Question.objects.about(item)
        .filter(partnership_id=partnership_id)
        .values_list("pk", flat=True)
    )
    return [(recipient, "question", pk) for pk in ids for recipient in recipients]


def item_create(*, model: type[Item], owner: User, fields: dict[str, Any]) -> Item:
    now = timezone.now()
    with transaction.atomic():
        item = shareable(model).create(
            owner=owner, created_at=now, updated_at=now, content_changed_at=now, **fields
        )
        sharing.item_changed(item=item)
    return item


def item_update(*, item: Item, fields: dict[str, Any]) -> Item:
    now = timezone.now()
    before = sharing.seen_by(item)
    changed = [name for name, value in fields.items() if getattr(item, name) != value]
    for name in changed:
        setattr(item, name, fields[name])
    if not changed:
        return item
    item.updated_at = now
    if any(name in item.SHARED_FIELDS for name in changed):
        item.content_changed_at = now
    with transaction.atomic():
        item.save(update_fields=[*changed, "updated_at", "content_changed_at"])
        sharing.item_changed(item=item, before=before)
    return item


def item_delete(*, item: SharedItem) -> None:
    """The owner's answers and replies go with the item; the askers keep their
    questions and their own replies, detached."""
    with transaction.atomic():
        before = sharing.seen_by(item)
        threads = thread_touches(
            item,
            partnership_id=item.shared_with_id,
            recipients=[
                item.owner_id,
                partner_selectors.other_member_id(
                    partnership_id=item.shared_with_id, user_id=item.owner_id
                ),
            ],
        )
        _owner_words_erase(Question.objects.about(item))
        deleted_pk = item.pk
        item.delete()
        item.pk = deleted_pk
        sharing.item_changed(item=item, before=before, deleted=True)
        feed.touch(threads)


def item_share(*, item: Item, by: User) -> Item:
    """Share with `by`'s current partnership. Sharing what is already shared does nothing."""
    with transaction.atomic():
        item = _locked(item, owner=by)
        before = sharing.seen_by(item)
        if sharing.grant(item=item, by=by):
            # A new share starts unacknowledged.
            item.acknowledged_at = None
            item.save(update_fields=["shared_with", "shared_at", "acknowledged_at"])
            sharing.item_changed(item=item, before=before)
        return item


def item_unshare(*, item: Item, by: User) -> Item:
    """Stop sharing at once. Revoking what is not shared does nothing."""
    with transaction.atomic():
        item = _locked(item, owner=by)
        before = sharing.seen_by(item)
        if sharing.revoke(item=item, by=by):
            item.acknowledged_at = None
            item.save(update_fields=["shared_with", "shared_at", "acknowledged_at"])
            sharing.item_changed(item=item, before=before)
        return item


def _locked(item: Item, *, owner: User) -> Item:
    locked = shareable(type(item)).select_for_update().filter(pk=item.pk, owner=owner).first()
    if locked is None:
        raise NotFound()
    return locked


def item_acknowledge(*, item: Item, by: User) -> Item:
    """The partner says "I have read and understood this" (the caller checked visibility)."""
    item.acknowledged_at = timezone.now()
    with transaction.atomic():
        type(item)._default_manager.filter(pk=item.pk).update(acknowledged_at=item.acknowledged_at)
        feed.touch([(item.owner_id, item.KIND, item.pk), (by.pk, f"partner_{item.KIND}", item.pk)])
        stream.record(
            recipient_id=item.owner_id,
            kind=Notification.Kind.ACKNOWLEDGED,
            partnership_id=item.shared_with_id,
            target_type=item.KIND,
            target_id=item.pk,
        )
    return item


def question_ask(*, item: SharedItem, by: User, text: str) -> Question:
    """`item` is one `by` can see now (the caller checked), so it is shared with them."""
    if item.shared_with_id is None:
        raise NotFound()
    with transaction.atomic():
        question = Question.objects.create(
            item_type=item.KIND,
            item_id=item.pk,
            asker=by,
            partnership_id=item.shared_with_id,
            text=text,
        )
        stream.record(
            recipient_id=item.owner_id,
            kind=Notification.Kind.QUESTION,
            partnership_id=item.shared_with_id,
            target_type="question",
            target_id=question.pk,
        )
        feed.touch([(item.owner_id, "question", question.pk), (by.pk, "question", question.pk)])
    return question


def question_answer(*, question: Question, text: str) -> Question:
    with transaction.atomic():
        question.answer = text
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_at"])
        stream.record(
            recipient_id=question.asker_id,
            kind=Notification.Kind.ANSWER,
            partnership_id=question.partnership_id,
            target_type="question",
            target_id=question.pk,
        )
        item = question.item
        feed.touch(
            [
                (item.owner_id if item else None, "question", question.pk),
                (question.asker_id, "question", question.pk),
            ]
        )
    return question


def threads_ended(partnership_id: Any, member_ids: list[Any]) -> list[Any]:
    """A partnership ended: its threads leave both feeds (the kernel calls this)."""
    touches = []
    questions = Question.objects.filter(partnership_id=partnership_id)
    for question in questions.annotate(item_owner_id=question_item_owner()):
        touches += [
            (question.item_owner_id, "question", question.pk),
            (question.asker_id, "question", question.pk),
        ]
    return touches


def answers_erase(user: User) -> None:
    """An account is going (the kernel calls this): answers are the owner's words
    and go with it. The partner's questions stay theirs, detached from the items."""
    on_mine = {model: model._default_manager.filter(owner=user) for model in asked_models()}
    _owner_words_erase(Question.objects.about_any(on_mine))


def _owner_words_erase(questions: Any) -> None:
    """The item is going: its owner's answer and replies go; each question, and its
    asker's own replies, stay with the asker, detached from the item."""
    Reply.objects.filter(question__in=questions).exclude(author_id=F("question__asker_id")).delete()
    questions.update(item_type=None, item_id=None, answer=None, answered_at=None)


def reply_add(*, question: Question, by: User, text: str) -> Reply:
    """A follow-up in the thread, from its asker or from the item's owner (the
    caller found the question among those `by` can read now).

    The other side hears of it as they hear of a question or an answer: a reply
    by the owner is an `answer` for the asker, a reply by the asker a `question`
    for the owner."""
    item = question.item
    if item is None:
        raise NotFound()
    by_asker = by.pk == question.asker_id
    with transaction.atomic():
        reply = Reply.objects.create(question=question, author=by, text=text)
        stream.record(
            recipient_id=item.owner_id if by_asker else question.asker_id,
            kind=Notification.Kind.QUESTION if by_asker else Notification.Kind.ANSWER,
            partnership_id=question.partnership_id,
            target_type="question",
            target_id=question.pk,
        )
        feed.touch(
            [(item.owner_id, "question", question.pk), (question.asker_id, "question", question.pk)]
        )
    return reply
