from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from attune.api.views import caller
from attune.errors import Invalid
from sync import feed

DEFAULT_LIMIT, MAX_LIMIT = 100, 500


ChangeSerializer = inline_serializer(
    "Change",
    {
        "type": serializers.ChoiceField(choices=sorted(feed.types())),
        "id": serializers.UUIDField(),
        "op": serializers.ChoiceField(choices=["upsert", "delete"]),
        "data": serializers.DictField(
            required=False, help_text="The object as its own endpoint shows it (upsert only)."
        ),
    },
)


class SyncView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("cursor", str, description="From the previous page; omit to start."),
            OpenApiParameter(
                "page_size", int, description=f"1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}"
            ),
        ],
        responses={
            200: inline_serializer(
                "SyncPage",
                {
                    "changes": serializers.ListField(child=ChangeSerializer),
                    "cursor": serializers.CharField(),
                    "has_more": serializers.BooleanField(),
                },
            ),
            410: OpenApiResponse(
                # The one error shape (attune.api.schema), code `resync_required`.
                response={"$ref": "#/components/schemas/Error"},
                description=(
                    "`resync_required`: the cursor is older than what the feed keeps "
                    "(entries after it were dropped). Forget what was synced and start "
                    "again without a cursor."
                ),
            ),
        },
    )
    def get(self, request: Request) -> Response:
        """Every change since `cursor` to what the caller may see, oldest first.

        Apply each change in order: `upsert` stores `data` under (`type`, `id`),
        `delete` forgets it. Keep calling with the returned `cursor` while
        `has_more` is true. Without a cursor the feed starts from the beginning,
        which ends in the full current state.
        """
        page = feed.read(
            user=caller(request),
            cursor=request.query_params.get("cursor"),
            limit=_page_size(request.query_params.get("page_size")),
        )
        return Response({"changes": page.changes, "cursor": page.cursor, "has_more": page.has_more})


def _page_size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Invalid(f"A number from 1 to {MAX_LIMIT}.", code="invalid", param="page_size")
    return int(raw)
