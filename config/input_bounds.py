"""Bounds on what the outside world may send, checked at every boundary (the API's JSON parser, the
product's forms and the admin's), so that odd input is refused with a readable 400 instead of
failing later in a page, a sum or the database.

Pure functions: no settings, no database. The DRF parser is config.parsers; the form fields are in
training.forms; the API's datetime field is quiz.api.fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# Our payloads nest two or three levels (facts in an answer); anything far deeper is not ours.
MAX_JSON_DEPTH = 32

# Datetimes the product schedules (rounds, due dates) fall in this window: from 2000 to five years
# ahead. Far outside it, date arithmetic (a round extended by two days) overflows.
EARLIEST_DATETIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
YEARS_AHEAD = 5


def json_value_problem(value: Any) -> str | None:
    """Why a decoded JSON value cannot be taken in, or None. Refuses nesting deeper than
    MAX_JSON_DEPTH and strings with lone surrogates (``"\\ud800"`` decodes to a str that cannot be
    encoded as UTF-8, so it would fail when stored or shown). Iterative, so any depth is safe."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "text must be valid Unicode: a lone surrogate (such as \\ud800) is not"
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return too_deep_message()
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def too_deep_message() -> str:
    return f"nested more than {MAX_JSON_DEPTH} levels deep"


def latest_datetime(now: dt.datetime) -> dt.datetime:
    """Five years after `now` (28 February for a 29 February `now` that has no twin)."""
    try:
        return now.replace(year=now.year + YEARS_AHEAD)
    except ValueError:
        return now.replace(year=now.year + YEARS_AHEAD, day=28)


def datetime_problem(value: dt.datetime, *, now: dt.datetime) -> str | None:
    """Why a datetime is outside the window the product schedules in, or None."""
    latest = latest_datetime(now)
    if value < EARLIEST_DATETIME or value > latest:
        return (
            f"Choose a date and time between {EARLIEST_DATETIME:%Y-%m-%d} and {latest:%Y-%m-%d} (five years from now)."
        )
    return None
