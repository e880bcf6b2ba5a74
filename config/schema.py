"""The OpenAPI schema: drf-spectacular's, documenting besides each operation's success what else it
can answer, so that clients (and schemathesis) know every status code:

- 403 everywhere: not signed in, a write without the CSRF token, or a role the operation refuses;
- 400 where the operation reads a body or filters: the body does not parse (config.parsers) or a value
  is refused, with the reasons by field (or under "detail");
- 404 where a path names an object (missing, or another team's) and on paginated lists (a page past
  the end).

Integer path parameters are documented as the digits Django's path converter takes (no sign).

Operations declare any other code themselves (409 where a state conflicts, 404 or 400 where a body
names something missing). The policy's vocabulary in the schema: training.api.fields.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField(help_text="What went wrong.")})

FORBIDDEN = OpenApiResponse(
    ERROR_DETAIL, description="Not signed in, no CSRF token on a write, or the role does not allow it."
)
NOT_FOUND = OpenApiResponse(ERROR_DETAIL, description="No such object for this user (missing, or another team's).")
BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Refused input: the reasons by field name (a message or a list of them), or under "detail".',
)
CONFLICT = OpenApiResponse(ERROR_DETAIL, description="The object's state does not allow this now.")


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any) -> Any:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            if parameter["in"] == "path" and parameter.get("schema", {}).get("type") == "integer":
                # Django's <int:...> path converter takes digits only: "-1" is no URL of ours.
                parameter["schema"]["minimum"] = 0
        query = [parameter["name"] for parameter in parameters if parameter["in"] == "query"]
        errors = {"403": FORBIDDEN}
        if "requestBody" in operation or any(name != "page" for name in query):
            errors["400"] = BAD_REQUEST
        if any(parameter["in"] == "path" for parameter in parameters) or "page" in query:
            errors["404"] = NOT_FOUND
        responses = operation["responses"]
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation
