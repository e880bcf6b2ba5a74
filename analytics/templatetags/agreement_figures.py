"""Display filters for agreement figures: an undefined value (too few answers) reads as a dash, never "nan"."""

import math

from django import template

register = template.Library()

UNDEFINED = "–"


def _undefined(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@register.filter
def figure(value) -> str:
    return UNDEFINED if _undefined(value) else f"{value:.2f}"


@register.filter
def percent(value) -> str:
    return UNDEFINED if _undefined(value) else f"{value * 100:.0f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def kappa_caveats(warnings) -> list[str]:
    """The warnings that concern reading kappa and alpha (one dominant answer, no variation), to show
    beside those figures rather than only in the list of cautions."""
    return [w for w in warnings or () if "kappa and alpha" in w]


@register.filter
def percentage(value, digits=1) -> str:
    """A figure already in percent (0-100, or beyond for efficiency), with a dash when undefined."""
    return UNDEFINED if _undefined(value) else f"{value:.{int(digits)}f}%"


@register.filter
def number(value, digits=1) -> str:
    return UNDEFINED if _undefined(value) else f"{value:.{int(digits)}f}"


@register.filter
def moved(change) -> str:
    """A difference in words: "rose 0.08", "fell 0.12", "did not change"; a dash when undefined."""
    if _undefined(change):
        return UNDEFINED
    if abs(change) < 0.005:
        return "did not change"
    return f"{'rose' if change > 0 else 'fell'} {abs(change):.2f}"
