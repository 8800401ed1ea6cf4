"""The triggers app's sections of `me/export` (registered in `triggers.apps`)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from partners.viewer import viewer_of
from triggers import selectors
from triggers.models import (
    Boundary,
    Question,
    Reply,
    SelfCareNote,
    SharedItem,
    Trigger,
    asked_models,
)
from triggers.serializers import (
    BoundarySerializer,
    QuestionSerializer,
    SelfCareNoteSerializer,
    TriggerSerializer,
)


def export_triggers(*, user: User) -> Any:
    mine = selectors.own_items(Trigger, viewer=viewer_of(user=user))
    return TriggerSerializer(mine.order_by("created_at"), many=True).data


def export_boundaries(*, user: User) -> Any:
    mine = selectors.own_items(Boundary, viewer=viewer_of(user=user))
    return BoundarySerializer(mine.order_by("created_at"), many=True).data


def export_self_care(*, user: User) -> Any:
    mine = selectors.own_items(SelfCareNote, viewer=viewer_of(user=user))
    return SelfCareNoteSerializer(mine.order_by("created_at"), many=True).data


def export_questions(*, user: User) -> dict[str, Any]:
    """Questions I asked, questions asked about my items (with my answers), and
    the replies I wrote in any thread (mine only: the other side's are theirs).

    Of my own questions, the item and its answer show only while that item is
    shared with me now: my export must not tell whether an item I can no longer
    see still exists.
    """
    ordered = Question.objects.order_by("created_at")
    asked = list(ordered.filter(asker=user))
    visible = _visible_threads(user=user)
    hidden = {
        "item_type": None,
        "item_id": None,
        "answer": None,
        "answered_at": None,
        "reply_count": None,
    }
    return {
        "asked": [
            data if (q.partnership_id, q.item_id) in visible else data | hidden
            for q, data in zip(asked, QuestionSerializer(asked, many=True).data, strict=True)
        ],
        "received": QuestionSerializer(
            ordered.about_any({model: _owned(model, user) for model in asked_models()}), many=True
        ).data,
        "my_replies": [
            {
                "question": str(reply.question_id),
                "text": reply.text,
                "created_at": reply.created_at.isoformat(),
            }
            for reply in Reply.objects.filter(author=user).order_by("created_at", "id")
        ],
    }


def _visible_threads(*, user: User) -> set[tuple[Any, Any]]:
    """(partnership, item) pairs whose thread `user` may read as the partner now."""
    pairs: set[tuple[Any, Any]] = set()
    viewer = viewer_of(user=user)
    for model in asked_models():
        shared = selectors.partner_items(model, viewer=viewer)
        pairs.update(shared.values_list("shared_with_id", "pk"))
    return pairs


def _owned(model: type[SharedItem], user: User) -> Any:
    return model._default_manager.filter(owner=user)
