"""Display filters for agreement figures: undefined values read as "undefined", never "nan"."""

import math

from django import template

register = template.Library()


def _undefined(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@register.filter
def figure(value) -> str:
    return "undefined" if _undefined(value) else f"{value:.2f}"


@register.filter
def percent(value) -> str:
    return "undefined" if _undefined(value) else f"{value * 100:.0f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
