"""Serializer fields that hold the API's input bounds (config.input_bounds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from config.input_bounds import datetime_problem


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time within the years the product schedules in: from 2000 to five years ahead."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Between 2000-01-01 and five years from now.")
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> dt.datetime:
        parsed = super().to_internal_value(value)
        problem = datetime_problem(parsed, now=timezone.now())
        if problem:
            raise serializers.ValidationError(problem, code="out_of_range")
        return parsed
