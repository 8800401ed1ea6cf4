from collections import OrderedDict
from typing import Any

from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class CursorPage(CursorPagination):
    """`{"results": [...], "next": url|null}`, newest first, `?page_size=` up to 100."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-created_at", "-id")

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
