from collections import OrderedDict
from datetime import UTC
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response


class CursorPage(CursorPagination):
    """`{"results": [...], "next": url|null}`, newest first, `?page_size=` up to 100.

    Newest by `created_at`, unless the selector orders its rows itself: the
    cursor holds the first ordering field's value in plain sight (`p=`), so a
    list must be ordered by a time its reader may know. The partner's lists are
    ordered by when each item was shared (see `triggers.selectors.partner_items`).
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        chosen = tuple(str(field) for field in queryset.query.order_by)
        return chosen or super().get_ordering(request, queryset, view)

    def decode_cursor(self, request: Any) -> Cursor | None:
        """A cursor we cannot read is the caller's mistake: 400 on `cursor`, not 404 or 500.

        Every list here is ordered by a timestamp first, and our cursors carry it
        with its offset; any other position would only fail later, in the query.
        """
        try:
            cursor = super().decode_cursor(request)
            position = cursor.position if cursor else None
            moment = None if position is None else parse_datetime(str(position))
            if position is not None and (moment is None or is_naive(moment)):
                raise ValueError(position)
            if moment is not None:
                moment.astimezone(UTC)  # OverflowError past the calendar's ends
        except (NotFound, ValueError, OverflowError):
            raise ValidationError(
                {"cursor": ["This page link is not valid any more: start from the first page."]},
                code="invalid_cursor",
            ) from None
        return cursor

    def get_paginated_response(self, data: Any) -> Response:
        return Response(OrderedDict([("results", data), ("next", self.get_next_link())]))

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["results", "next"],
            "properties": {
                "results": schema,
                "next": {"type": "string", "format": "uri", "nullable": True},
            },
        }
