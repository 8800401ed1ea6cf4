"""The triggers and boundaries API. Each view: validate, call one service, render.

The same views serve triggers and boundaries; `urls.py` hands each its model
and serializers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView, ListCreateAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from attune.api.schema import ItemAutoSchema
from attune.api.throttling import WriteRateThrottle
from attune.api.views import caller, choice_param
from attune.errors import NotFound
from partners.viewer import request_viewer
from triggers import selectors, services
from triggers.models import Question, Reply, SharedItem
from triggers.serializers import (
    AnswerSerializer,
    ListedQuestionSerializer,
    PartnerItemSerializer,
    QuestionSerializer,
    ReplySerializer,
)


class ItemView(GenericAPIView):
    # Both are set per route in urls.py.
    model: Any = SharedItem
    partner_serializer_class: type[serializers.Serializer] = serializers.Serializer

    def own_item(self) -> SharedItem:
        return selectors.own_item(
            self.model, viewer=request_viewer(self.request), item_id=self.kwargs["item_id"]
        )

    def partner_item(self) -> SharedItem:
        return selectors.partner_item(
            self.model, viewer=request_viewer(self.request), item_id=self.kwargs["item_id"]
        )

    def render(self, item: SharedItem, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(item).data, status=status_code)

    def validated(self, **kwargs: Any) -> dict[str, Any]:
        serializer = self.get_serializer(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class OwnItemList(ItemView, ListCreateAPIView):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.own_items(self.model, viewer=request_viewer(self.request))

    def post(self, request: Request) -> Response:
        item = services.item_create(
            model=self.model, owner=caller(request), fields=self.validated()
        )
        return self.render(item, status.HTTP_201_CREATED)


class OwnItemDetail(ItemView):
    def get(self, request: Request, item_id: str) -> Response:
        return self.render(self.own_item())

    def patch(self, request: Request, item_id: str) -> Response:
        item = self.own_item()
        fields = self.validated(partial=True)
        return self.render(services.item_update(item=item, fields=fields))

    def delete(self, request: Request, item_id: str) -> Response:
        services.item_delete(item=self.own_item())
        return Response(status=status.HTTP_204_NO_CONTENT)


class OwnItemShare(ItemView):
    schema = ItemAutoSchema()
    delete_returns_object = True

    @extend_schema(request=None)
    def post(self, request: Request, item_id: str) -> Response:
        return self.render(services.item_share(item=self.own_item(), by=caller(request)))

    def delete(self, request: Request, item_id: str) -> Response:
        return self.render(services.item_unshare(item=self.own_item(), by=caller(request)))


class OwnItemQuestions(ItemView, ListAPIView):
    serializer_class = QuestionSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.questions_for_owner(self.own_item(), viewer=request_viewer(self.request))


class PartnerItemView(ItemView):
    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return self.partner_serializer_class


class PartnerItemList(PartnerItemView, ListAPIView):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        # Rows, not model instances: what the page shows and the cursor orders by.
        shown = PartnerItemSerializer.columns(self.model)
        items = selectors.partner_items(self.model, viewer=request_viewer(self.request))
        return items.values(*shown, "created_at")


class PartnerItemDetail(PartnerItemView):
    def get(self, request: Request, item_id: str) -> Response:
        return self.render(self.partner_item())


class PartnerItemAcknowledge(PartnerItemView):
    @extend_schema(request=None)
    def post(self, request: Request, item_id: str) -> Response:
        item = self.partner_item()
        return self.render(services.item_acknowledge(item=item, by=caller(request)))


class PartnerItemQuestions(ItemView, ListCreateAPIView):
    serializer_class = QuestionSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "questions"

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.questions_for_partner(self.partner_item())

    def post(self, request: Request, item_id: str) -> Response:
        item = self.partner_item()
        data = self.validated()
        question = services.question_ask(item=item, by=caller(request), text=data["text"])
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionAnswer(GenericAPIView):
    serializer_class = AnswerSerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "questions"

    @extend_schema(request=AnswerSerializer, responses=QuestionSerializer)
    def post(self, request: Request, question_id: str) -> Response:
        question = selectors.question_for_owner(
            viewer=request_viewer(request), question_id=question_id
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = services.question_answer(
            question=question, text=serializer.validated_data["text"]
        )
        return Response(QuestionSerializer(question).data)


class QuestionReplies(ListCreateAPIView):
    """A question's thread after its first turn: replies from its asker and from
    the item's owner, oldest first. Only those two, and only while each may read
    the question (the asker while the item is shared with them and not paused;
    the owner within their current partnership): `selectors.questions_visible`,
    the kernel's rule. POST adds a reply; the other side hears of it in their
    activity stream (an `answer` for the asker, a `question` for the owner)."""

    serializer_class = ReplySerializer
    throttle_classes = [WriteRateThrottle]
    throttle_scope = "questions"

    def question(self) -> Question:
        if not hasattr(self, "_question"):
            viewer = request_viewer(self.request)
            found = selectors.questions_visible(viewer).filter(pk=self.kwargs["question_id"])
            question = found.first()
            if question is None:
                raise NotFound()
            self._question = question
        return self._question

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if "question_id" in self.kwargs:
            context["asker_id"] = self.question().asker_id
            context["reader_id"] = caller(self.request).pk
        return context

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Reply.objects.filter(question=self.question()).order_by("created_at", "id")

    def post(self, request: Request, question_id: str) -> Response:
        question = self.question()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = services.reply_add(
            question=question, by=caller(request), text=serializer.validated_data["text"]
        )
        return Response(self.get_serializer(reply).data, status=status.HTTP_201_CREATED)


ABOUT = ("mine", "partner")


class QuestionList(ListAPIView):
    """Every question I can read now, in one list: on my items (to answer) and on
    the items my partner shares with me (mine to them), newest first."""

    serializer_class = ListedQuestionSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "about",
                enum=list(ABOUT),
                required=False,
                description="`mine`: on my items; `partner`: on what my partner shares with me.",
            ),
            OpenApiParameter(
                "answered", enum=["true", "false"], required=False, description="Answered or not."
            ),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        about = choice_param(self.request, "about", ABOUT)
        answered = choice_param(self.request, "answered", ("true", "false"))
        return selectors.questions_listed_for(
            request_viewer(self.request),
            about=about,
            answered=None if answered is None else answered == "true",
        )
