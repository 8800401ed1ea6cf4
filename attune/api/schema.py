"""OpenAPI additions: every operation documents its errors in the shared shape."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape of every /api/v1/ response, the same as allauth's.",
    "required": ["status", "errors"],
    "properties": {
        "status": {"type": "integer", "example": 400},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "example": "invalid"},
                    "message": {"type": "string"},
                    "param": {
                        "type": "string",
                        "description": "The field concerned, dotted for nested ones.",
                    },
                },
            },
        },
    },
}

DESCRIPTIONS = {
    "400": "Invalid input: each error names its `param`.",
    "401": "Not signed in: send `X-Session-Token` (app) or the session cookie (browser).",
    "404": "No such object, or one the caller may not see.",
    "409": "Conflicts with the current state (for example `no_partner`, `already_paired`).",
    "429": "Too many requests: slow down and retry later.",
}


def _errors_for(method: str, operation: dict[str, Any], path: str) -> list[str]:
    codes = ["401"]
    if method != "get" or operation.get("parameters"):
        codes.append("400")
    if "{" in path or method != "post":
        codes.append("404")
    if method in ("post", "put", "patch", "delete"):
        codes += ["409", "429"]
    return codes


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (see SPECTACULAR_SETTINGS)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code in _errors_for(method, operation, path):
                operation["responses"].setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


class ItemAutoSchema(AutoSchema):
    """For views whose DELETE answers 200 with the changed object (revoking a share
    returns the item), where drf-spectacular would assume 204 and no body."""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        if self.method == "DELETE" and getattr(self.view, "delete_returns_object", False):
            serializer = self._get_serializer()
            return {"200": self._get_response_for_code(serializer, "200", direction=direction)}
        return super()._get_response_bodies(direction)
