"""The API's JSON parser: DRF's, refusing with a 400 what it would otherwise let through to a 500."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from config.input_bounds import json_value_problem, too_deep_message


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, also refusing bodies nested too deeply (Python's decoder raises
    RecursionError on them, which DRF does not catch) and text that is not valid Unicode."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - {too_deep_message()}.") from None
        problem = json_value_problem(data)
        if problem:
            raise ParseError(f"JSON parse error - {problem}.")
        return data
