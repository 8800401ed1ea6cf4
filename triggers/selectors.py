"""Reads scoped to the person asking: their own items, or what their partner shares now."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from accounts import selectors as accounts_selectors
from accounts.models import Membership, User
from attune.errors import NotFound
from triggers.models import Question, SharedItem

Item = TypeVar("Item", bound=SharedItem)


def own_items(model: type[Item], *, owner: User) -> QuerySet[Item]:
    return model._default_manager.filter(owner=owner)


def own_item(model: type[Item], *, owner: User, item_id: Any) -> Item:
    item = own_items(model, owner=owner).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def partner_items(model: type[Item], *, viewer: User) -> QuerySet[Item]:
    """What `viewer`'s current partner shares with them right now, the latest
    shared first. Not by creation: when an item was written is the owner's to
    keep, and a list's order (and its page cursor) would tell it."""
    visible = accounts_selectors.shared_with_me_filter(viewer=viewer)
    return shared_items(model, visible=visible).order_by("-shared_at", "-id")


def shared_items(model: type[Item], *, visible: dict[str, Any] | None) -> QuerySet[Item]:
    """The items that `visible`, a `shared_with_me_filter` read during this request,
    selects; none when it is None."""
    if visible is None:
        return model._default_manager.none()
    return model._default_manager.filter(**visible)


def partner_item(model: type[Item], *, viewer: User, item_id: Any) -> Item:
    item = partner_items(model, viewer=viewer).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def questions_for_partner(item: SharedItem) -> QuerySet[Question]:
    """The thread on an item the partner can see: within the partnership it is shared with."""
    if item.shared_with_id is None:
        return Question.objects.none()
    return Question.objects.filter(**{item.KIND: item}, partnership_id=item.shared_with_id)


def questions_for_owner(item: SharedItem, *, owner: User) -> QuerySet[Question]:
    """The thread on the owner's item within their current partnership, shared or not."""
    membership = accounts_selectors.active_membership(user=owner)
    if membership is None:
        return Question.objects.none()
    return Question.objects.filter(**{item.KIND: item}, partnership_id=membership.partnership_id)


def question_for_owner(*, owner: User, question_id: Any) -> Question:
    """A question on one of `owner`'s items, asked in their current partnership."""
    membership = accounts_selectors.active_membership(user=owner)
    if membership is None:
        raise NotFound()
    question = (
        Question.objects.select_related("trigger", "boundary")
        .filter(pk=question_id, partnership_id=membership.partnership_id)
        .first()
    )
    item = question.item if question else None
    if question is None or item is None or item.owner_id != owner.pk:
        raise NotFound()
    return question


def questions_visible_to(user: User) -> QuerySet[Question]:
    """Every thread `user` can read now: on their own items and on the items their
    partner shares with them, within their current partnership."""
    return questions_visible(
        user=user,
        membership=accounts_selectors.active_membership(user=user),
        shared=accounts_selectors.shared_with_me_filter(viewer=user),
    )


def questions_visible(
    *, user: User, membership: Membership | None, shared: dict[str, Any] | None
) -> QuerySet[Question]:
    """`questions_visible_to`, given `user`'s active membership and
    `shared_with_me_filter` as read during this request."""
    if membership is None:
        return Question.objects.none()
    readable = Q(trigger__owner=user) | Q(boundary__owner=user)
    if shared is not None:
        readable |= Q(
            trigger__owner_id=shared["owner_id"], trigger__shared_with_id=shared["shared_with_id"]
        ) | Q(
            boundary__owner_id=shared["owner_id"],
            boundary__shared_with_id=shared["shared_with_id"],
        )
    return Question.objects.filter(partnership_id=membership.partnership_id).filter(readable)


def questions_listed_for(
    user: User, *, about: str | None = None, answered: bool | None = None
) -> QuerySet[Question]:
    """Every thread `user` can read now (`questions_visible_to`), each marked
    `about` "mine" (on my items, for me to answer) or "partner" (on the items my
    partner shares with me), narrowed by `about` and `answered` when given."""
    mine = Q(trigger__owner=user) | Q(boundary__owner=user)
    whose = Case(When(mine, then=Value("mine")), default=Value("partner"), output_field=CharField())
    questions = questions_visible_to(user).annotate(about=whose)
    if about is not None:
        questions = questions.filter(about=about)
    if answered is not None:
        questions = questions.filter(answered_at__isnull=not answered)
    return questions
