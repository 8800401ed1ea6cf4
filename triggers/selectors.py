"""Reads scoped to the person asking: their own items, or what their partner shares now.

Every read takes a `partners.viewer.Viewer` (resolved once per request) and
asks the kernel's consent rule (`owned_by`, `shared_with`, `shared_q`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, TypeVar

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from attune.errors import NotFound
from attune.fields import open_values
from partners import compiled
from partners.consent import shareable
from partners.viewer import Viewer
from triggers.models import Question, SharedItem, about_any_q, asked_models

Item = TypeVar("Item", bound=SharedItem)


def own_items(model: type[Item], *, viewer: Viewer) -> QuerySet[Item]:
    return shareable(model).owned_by(viewer)


def own_item(model: type[Item], *, viewer: Viewer, item_id: Any) -> Item:
    item = own_items(model, viewer=viewer).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def partner_items(model: type[Item], *, viewer: Viewer) -> QuerySet[Item]:
    """What `viewer`'s current partner shares with them right now, the latest
    shared first. Not by creation: when an item was written is the owner's to
    keep, and a list's order (and its page cursor) would tell it."""
    return shareable(model).shared_with(viewer).order_by("-shared_at", "-id")


def partner_item(model: type[Item], *, viewer: Viewer, item_id: Any) -> Item:
    item = partner_items(model, viewer=viewer).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def threads_on(items: QuerySet[Any], partnership_id: Any) -> list[tuple[str, Any]]:
    """The questions on `items` within one partnership, as sync entries (the
    registered kinds' `threads`)."""
    if partnership_id is None:
        return []
    on_items = Question.objects.about_any({items.model: items})
    ids = on_items.filter(partnership_id=partnership_id).values_list("pk", flat=True)
    return [("question", pk) for pk in ids]


def questions_for_partner(item: SharedItem) -> QuerySet[Question]:
    """The thread on an item the partner can see: within the partnership it is shared with."""
    if item.shared_with_id is None:
        return Question.objects.none()
    return Question.objects.about(item).filter(partnership_id=item.shared_with_id)


def questions_for_owner(item: SharedItem, *, viewer: Viewer) -> QuerySet[Question]:
    """The thread on the owner's item within their current partnership, shared or not."""
    if not viewer.paired:
        return Question.objects.none()
    return Question.objects.about(item).filter(partnership_id=viewer.partnership_id)


def question_for_owner(*, viewer: Viewer, question_id: Any) -> Question:
    """A question on one of the viewer's items, asked in their current partnership."""
    if not viewer.paired:
        raise NotFound()
    question = (
        Question.objects.filter(_on_mine(viewer))
        .filter(pk=question_id, partnership_id=viewer.partnership_id)
        .first()
    )
    if question is None:
        raise NotFound()
    return question


def _on_mine(viewer: Viewer) -> Q:
    return about_any_q({model: shareable(model).owned_by(viewer) for model in asked_models()})


def questions_visible(viewer: Viewer) -> QuerySet[Question]:
    """Every thread the viewer can read now: on their own items and on the items
    their partner shares with them, within their current partnership."""
    if not viewer.paired:
        return Question.objects.none()
    # Asks every kind in subqueries: built and compiled once per shape of
    # viewer (`partners.compiled`), not on every sync page, inbox page and
    # unread count (bench/RESULTS.md, "Issue 12, session 6").
    return Question.objects.filter(compiled.rows_where(Question, _readable_q, viewer))


def _readable_q(viewer: Viewer) -> Q:
    # One subquery per kind (mine or shared with me now), not two.
    readable = about_any_q({model: shareable(model).visible_to(viewer) for model in asked_models()})
    return Q(partnership_id=viewer.partnership_id) & readable


def questions_among(viewer: Viewer, ids: Collection[Any]) -> list[dict[str, Any]]:
    """The rows of `questions_visible(viewer).filter(pk__in=ids)`, opened: the
    question type's read in a sync page, without model instances, compiled
    once per shape of viewer (`partners.compiled`)."""
    if not viewer.paired or not ids:
        return []
    rows = compiled.values_among(questions_visible, viewer, list(ids), ())
    return [open_values(Question, row) for row in rows]


def questions_listed_for(
    viewer: Viewer, *, about: str | None = None, answered: bool | None = None
) -> QuerySet[Question]:
    """Every thread the viewer can read now (`questions_visible`), each marked
    `about` "mine" (on my items, for me to answer) or "partner" (on the items my
    partner shares with me), narrowed by `about` and `answered` when given."""
    whose = Case(
        When(_on_mine(viewer), then=Value("mine")),
        default=Value("partner"),
        output_field=CharField(),
    )
    questions = questions_visible(viewer).annotate(about=whose)
    if about is not None:
        questions = questions.filter(about=about)
    if answered is not None:
        questions = questions.filter(answered_at__isnull=not answered)
    return questions
