from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.db import models
from django.forms.fields import InvalidJSONInput
from django.utils import timezone

from config.input_bounds import datetime_problem, json_value_problem, too_deep_message

from .content_guard import check_text
from .models import Scenario
from .policy import FactSpec, FactType, Policy
from .policy.model import UNKNOWN_AGE


def guarded_text(value: str, *, max_length: int) -> str:
    """For admin forms: the content guard's refusals as field errors, one per problem."""
    problems = check_text(value or "", max_length=max_length)
    if problems:
        raise forms.ValidationError([problem.message for problem in problems])
    return value


# --- Input bounds (config.input_bounds) for forms and the admin ---------------------------------------


class BoundedJSONField(forms.JSONField):
    """Django's JSON field, refusing (instead of failing on) JSON nested too deeply and text with lone
    surrogates, and showing such input back as typed."""

    def to_python(self, value: Any) -> Any:
        try:
            converted = super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(f"The JSON is {too_deep_message()}.", code="invalid") from None
        problem = json_value_problem(converted)
        if problem:
            raise forms.ValidationError(f"The JSON is not allowed: {problem}.", code="invalid")
        return converted

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            value = super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)
        return InvalidJSONInput(data) if json_value_problem(value) else value


class _BoundedDateTimeMixin:
    def validate(self, value: dt.datetime | None) -> None:
        super().validate(value)  # type: ignore[misc]
        if value is not None:
            problem = datetime_problem(value, now=timezone.now())
            if problem:
                raise forms.ValidationError(problem, code="out_of_range")


class BoundedDateTimeField(_BoundedDateTimeMixin, forms.DateTimeField):
    """A date and time within the years the product schedules in (from 2000 to five years ahead)."""


class BoundedSplitDateTimeField(_BoundedDateTimeMixin, forms.SplitDateTimeField):
    """The admin's date and time inputs, within the same years."""


# For every ModelAdmin: the same bounds on the admin's JSON and datetime inputs.
ADMIN_FORMFIELD_OVERRIDES = {
    models.JSONField: {"form_class": BoundedJSONField},
    models.DateTimeField: {"form_class": BoundedSplitDateTimeField, "widget": admin_widgets.AdminSplitDateTime},
}


class DraftPolicyVersionForm(forms.Form):
    policy = forms.SlugField(initial="cse", max_length=40)
    version = forms.CharField(max_length=40, help_text="A new label, for example 2026-12-draft.")
    change_note = forms.CharField(widget=forms.Textarea, required=False, help_text="What this draft changes and why.")


# --- Scenarios ----------------------------------------------------------------------------------

FACT_PREFIX = "fact__"


class ScenarioForm(forms.Form):
    """Authoring form for a scenario. The facts get one field each, built from the vocabulary of
    the published policy: a select for a choice, a checkbox for yes/no, a text box for an age.
    The form shapes input; the service checks it (guard, vocabulary, engine) and its field errors
    are put back on these fields by `add_service_errors`."""

    key = forms.CharField(
        max_length=40,
        required=False,
        help_text="Optional. A stable identity such as V1-012; left blank, the next free key for the clause is used.",
    )
    title = forms.CharField(max_length=200)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A short, clinical case summary: what the post or message does and its context, never its content.",
    )
    kind = forms.ChoiceField(choices=Scenario.Kind.choices, initial=Scenario.Kind.CASE)
    difficulty = forms.ChoiceField(choices=Scenario.Difficulty.choices, initial=Scenario.Difficulty.MEDIUM)
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. depiction, repost.")
    intended_clause = forms.ChoiceField(
        required=False,
        help_text="The clause you expect the engine to decide. It must agree, or the scenario is refused.",
    )
    intended_action = forms.ChoiceField(required=False, help_text="Optional: the enforcement action you expect.")
    intended_route = forms.ChoiceField(required=False, help_text="Optional: the reporting route you expect.")
    is_worked_example = forms.BooleanField(
        required=False,
        label="Worked example",
        help_text="Shown with its answer on the clause's lesson page, and never drawn into quizzes.",
    )

    def __init__(self, *args: Any, policy: Policy, scenario: Scenario | None = None, **kwargs: Any):
        if scenario is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(scenario, policy)
        super().__init__(*args, **kwargs)
        if scenario is not None:
            # The key is a scenario's identity across revisions: it never changes.
            self.fields["key"].disabled = True
        self.fields["intended_clause"].choices = [("", "No clause applies")] + [
            (clause.id, f"{clause.id} · {clause.title}") for clause in policy.clauses.values()
        ]
        self.fields["intended_action"].choices = [("", "Not stated")] + [
            (action_id, action.title) for action_id, action in policy.actions.items()
        ]
        self.fields["intended_route"].choices = [("", "Not stated")] + [
            (route_id, route.title) for route_id, route in policy.reporting_routes.items()
        ]
        self.fact_names = list(policy.input_facts)
        for name, spec in policy.input_facts.items():
            self.fields[FACT_PREFIX + name] = self._fact_field(spec)
            if FACT_PREFIX + name not in self.initial:
                self.initial[FACT_PREFIX + name] = spec.default

    @staticmethod
    def _fact_field(spec: FactSpec) -> forms.Field:
        label = spec.name.replace("_", " ").capitalize()
        if spec.type is FactType.BOOL:
            return forms.BooleanField(required=False, label=label, help_text=spec.summary)
        if spec.type is FactType.AGE:
            return forms.CharField(
                max_length=10,
                label=label,
                help_text=f'{spec.summary} A whole number of years, or "{UNKNOWN_AGE}".',
            )
        return forms.ChoiceField(
            choices=[(value, str(value).replace("_", " ")) for value in spec.values],
            label=label,
            help_text=spec.summary,
        )

    @staticmethod
    def initial_for(scenario: Scenario, policy: Policy) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "key": scenario.key,
            "title": scenario.title,
            "text": scenario.text,
            "kind": scenario.kind,
            "difficulty": scenario.difficulty,
            "tags": ", ".join(scenario.tags),
            "intended_clause": scenario.intended_clause,
            "intended_action": scenario.intended_action,
            "intended_route": scenario.intended_route,
            "is_worked_example": scenario.is_worked_example,
        }
        for name, spec in policy.input_facts.items():
            initial[FACT_PREFIX + name] = scenario.facts.get(name, spec.default)
        return initial

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[FACT_PREFIX + name] for name in self.fact_names]

    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self if not field.name.startswith(FACT_PREFIX)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        facts: dict[str, Any] = {}
        for name in self.fact_names:
            field_name = FACT_PREFIX + name
            if field_name not in cleaned:
                continue
            value = cleaned[field_name]
            if isinstance(self.fields[field_name], forms.CharField):
                value = value.strip().lower()
                if value != UNKNOWN_AGE:
                    if not value.isdigit():
                        self.add_error(field_name, f'Give a whole number of years, or "{UNKNOWN_AGE}".')
                        continue
                    value = int(value)
            facts[name] = value
        cleaned["facts"] = facts
        cleaned["tag_list"] = [tag.strip() for tag in cleaned.get("tags", "").split(",") if tag.strip()]
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "kind": data["kind"],
            "difficulty": data["difficulty"],
            "tags": data["tag_list"],
            "facts": data["facts"],
            "intended_clause": data["intended_clause"],
            "intended_action": data["intended_action"],
            "intended_route": data["intended_route"],
            "is_worked_example": data["is_worked_example"],
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the service's field errors (title, text, facts.<name>, ...) on the matching fields."""
        for where, messages in errors.items():
            field_name = FACT_PREFIX + where.removeprefix("facts.") if where.startswith("facts.") else where
            for message in messages:
                self.add_error(field_name if field_name in self.fields else None, message)


class ScenarioReviewNoteForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What should the author change?",
        help_text="Sent back with the draft. The content guard checks notes too.",
    )
