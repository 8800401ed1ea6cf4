from django.urls import path

from triggers import views
from triggers.models import Boundary, SelfCareNote, Trigger
from triggers.serializers import (
    BoundarySerializer,
    PartnerBoundarySerializer,
    PartnerSelfCareNoteSerializer,
    PartnerTriggerSerializer,
    SelfCareNoteSerializer,
    TriggerSerializer,
)

KINDS = [
    ("triggers", Trigger, TriggerSerializer, PartnerTriggerSerializer),
    ("boundaries", Boundary, BoundarySerializer, PartnerBoundarySerializer),
    ("self-care", SelfCareNote, SelfCareNoteSerializer, PartnerSelfCareNoteSerializer),
]


def _routes(prefix, model, own, partner):  # type: ignore[no-untyped-def]
    own_kw = {"model": model, "serializer_class": own}
    partner_kw = {"model": model, "partner_serializer_class": partner}
    item = f"{prefix}/<uuid:item_id>"
    return [
        path(prefix, views.OwnItemList.as_view(**own_kw), name=f"{prefix}"),
        path(item, views.OwnItemDetail.as_view(**own_kw), name=f"{prefix}-detail"),
        path(f"{item}/share", views.OwnItemShare.as_view(**own_kw), name=f"{prefix}-share"),
        path(
            f"{item}/questions",
            views.OwnItemQuestions.as_view(model=model),
            name=f"{prefix}-questions",
        ),
        path(
            f"partner/{prefix}",
            views.PartnerItemList.as_view(**partner_kw),
            name=f"partner-{prefix}",
        ),
        path(
            f"partner/{item}",
            views.PartnerItemDetail.as_view(**partner_kw),
            name=f"partner-{prefix}-detail",
        ),
        path(
            f"partner/{item}/acknowledge",
            views.PartnerItemAcknowledge.as_view(**partner_kw),
            name=f"partner-{prefix}-acknowledge",
        ),
        path(
            f"partner/{item}/questions",
            views.PartnerItemQuestions.as_view(model=model),
            name=f"partner-{prefix}-questions",
        ),
    ]


urlpatterns = [route for kind in KINDS for route in _routes(*kind)]
urlpatterns.append(path("questions", views.QuestionList.as_view(), name="questions"))
urlpatterns.append(
    path(
        "questions/<uuid:question_id>/answer",
        views.QuestionAnswer.as_view(),
        name="question-answer",
    )
)
urlpatterns.append(
    path(
        "questions/<uuid:question_id>/replies",
        views.QuestionReplies.as_view(),
        name="question-replies",
    )
)
