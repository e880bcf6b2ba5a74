"""Forms for taking quizzes and for leads setting them. They shape input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from quiz.models.quizzes import Quiz
from quiz.scoring import DEFAULT_RUBRIC, RubricInvalid, rubric_from_dict
from quiz.services.attempts import RATIONALE_MAX_LENGTH
from training.forms import BoundedDateTimeField
from training.models import Scenario
from training.policy import Policy

CONFIDENCE_CHOICES = [("", "Not stated")] + [(str(n), f"{n}") for n in range(1, 6)]
YES_NO = [("yes", "Yes, a report to NCMEC is due"), ("no", "No report to NCMEC is due")]


class AnswerForm(forms.Form):
    """One answer. Choices come from the attempt's policy version; the clause list is grouped by verdict."""

    verdict = forms.ChoiceField(
        choices=[("violating", "Violating"), ("not_violating", "Not violating")],
        widget=forms.RadioSelect,
        required=False,
    )
    clause_id = forms.ChoiceField(
        required=False, label="Clause", widget=forms.Select(attrs={"aria-describedby": "clause-help"})
    )
    action = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Enforcement action")
    report_to_ncmec = forms.ChoiceField(choices=YES_NO, required=False, widget=forms.RadioSelect, label="NCMEC report")
    report_route = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Reporting route")
    confidence = forms.ChoiceField(
        choices=CONFIDENCE_CHOICES, required=False, label="Confidence (1 unsure – 5 certain)"
    )
    rationale = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": RATIONALE_MAX_LENGTH}),
        label="Rationale (optional)",
        help_text=f"Why you chose this answer, in your own words; up to {RATIONALE_MAX_LENGTH} characters.",
    )

    def __init__(self, *args: Any, policy: Policy, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        violating = [(c.id, f"{c.id} · {c.title}") for c in policy.clauses.values() if c.verdict.value == "violating"]
        permitted = [(c.id, f"{c.id} · {c.title}") for c in policy.clauses.values() if c.verdict.value != "violating"]
        self.fields["clause_id"].choices = [
            ("", "No clause applies"),
            ("Violating clauses", violating),
            ("Permitted (not violating)", permitted),
        ]
        self.fields["action"].choices = [(key, action.title) for key, action in policy.actions.items()]
        self.fields["report_route"].choices = [(key, route.title) for key, route in policy.reporting_routes.items()]
        self.violating_clause_ids = [cid for cid, _ in violating]
        self.permitted_clause_ids = [cid for cid, _ in permitted]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        ncmec = data.get("report_to_ncmec")
        confidence = data.get("confidence")
        return {
            "verdict": data.get("verdict") or "",
            "clause_id": data.get("clause_id") or "",
            "action": data.get("action") or "",
            "report_to_ncmec": None if not ncmec else ncmec == "yes",
            "report_route": data.get("report_route") or "",
            "confidence": int(confidence) if confidence else None,
            "rationale": data.get("rationale") or "",
        }


RUBRIC_FIELDS = {
    "verdict": "Verdict",
    "clause": "Clause",
    "action": "Enforcement action",
    "ncmec": "NCMEC report",
    "route": "Reporting route (reporting items)",
    "critical_miss_penalty": "Critical-miss penalty",
}


def _points_field(part: str, label: str) -> forms.FloatField:
    help_text = (
        "Taken off on top of the parts missed when a violation is answered as not violating (or a due report as none)."
        if part == "critical_miss_penalty"
        else ""
    )
    return forms.FloatField(
        label=label,
        required=False,
        initial=getattr(DEFAULT_RUBRIC, part),
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "100", "inputmode": "decimal"}),
    )


class QuizForm(forms.Form):
    """A quiz and its rubric. The rubric's rules are `rubric_from_dict`'s; this form only places its messages."""

    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to trainees next to the quiz.",
    )
    mode = forms.ChoiceField(
        choices=Quiz.Mode.choices,
        help_text="Practice and adaptive practice show the answer after each question; an assessment after "
        "submission, and a pass certifies.",
    )
    question_count = forms.IntegerField(min_value=1, max_value=200, initial=10, label="Number of questions")
    time_limit_minutes = forms.IntegerField(
        min_value=1,
        max_value=600,
        required=False,
        label="Time limit (minutes)",
        help_text="Leave empty for no limit.",
    )
    pass_mark_percent = forms.IntegerField(
        min_value=0, max_value=100, initial=80, label="Pass mark (%)", help_text="Assessments only."
    )
    cooldown_hours = forms.IntegerField(
        min_value=0,
        max_value=24 * 30,
        initial=24,
        label="Cooldown before a retake (hours)",
        help_text="Assessments only.",
    )
    scenarios = forms.ModelMultipleChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        label="Fixed scenarios (optional)",
        help_text="Tick scenarios to ask exactly these, in this order; leave all unticked for a stratified draw "
        "from the published bank.",
        widget=forms.CheckboxSelectMultiple,
    )
    rubric_verdict = _points_field("verdict", RUBRIC_FIELDS["verdict"])
    rubric_clause = _points_field("clause", RUBRIC_FIELDS["clause"])
    rubric_action = _points_field("action", RUBRIC_FIELDS["action"])
    rubric_ncmec = _points_field("ncmec", RUBRIC_FIELDS["ncmec"])
    rubric_route = _points_field("route", RUBRIC_FIELDS["route"])
    rubric_critical_miss_penalty = _points_field("critical_miss_penalty", RUBRIC_FIELDS["critical_miss_penalty"])

    SETTINGS_FIELDS = ("title", "description", "mode", "question_count", "time_limit_minutes")
    ASSESSMENT_FIELDS = ("pass_mark_percent", "cooldown_hours")
    RUBRIC_FIELD_NAMES = tuple(f"rubric_{part}" for part in RUBRIC_FIELDS)

    def __init__(self, *args: Any, scenarios: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].queryset = scenarios
        self.fields["scenarios"].label_from_instance = lambda s: f"{s.key} · {s.title} ({s.get_difficulty_display()})"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # A part left empty takes the default; a part that did not parse already has its own error.
        values = {part: data[f"rubric_{part}"] for part in RUBRIC_FIELDS if data.get(f"rubric_{part}") is not None}
        if any(f"rubric_{part}" in self.errors for part in RUBRIC_FIELDS):
            return data
        try:
            data["rubric"] = rubric_from_dict(values).as_dict()
        except RubricInvalid as error:
            for part, message in error.problems.items():
                field = f"rubric_{part}" if part in RUBRIC_FIELDS else None
                text = message.removeprefix(f"{part} ")
                self.add_error(field, text[0].upper() + text[1:] + ".")
        return data

    def field_group(self, names: tuple[str, ...]) -> list[forms.BoundField]:
        return [self[name] for name in names]

    @property
    def settings_fields(self) -> list[forms.BoundField]:
        return self.field_group(self.SETTINGS_FIELDS)

    @property
    def assessment_fields(self) -> list[forms.BoundField]:
        return self.field_group(self.ASSESSMENT_FIELDS)

    @property
    def rubric_fields(self) -> list[forms.BoundField]:
        return self.field_group(self.RUBRIC_FIELD_NAMES)


class AssignmentForm(forms.Form):
    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none())
    team = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="— no team —")
    trainee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="— no single trainee —")
    due_at = BoundedDateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Due")

    def __init__(self, *args: Any, quizzes: Any, teams: Any, trainees: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes
        self.fields["team"].queryset = teams
        self.fields["trainee"].queryset = trainees
        self.fields["trainee"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("team")) == bool(data.get("trainee")):
            raise forms.ValidationError("Choose either a team or a single trainee.")
        return data
