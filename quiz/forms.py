"""Forms for taking quizzes and for leads setting them. They shape input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from training.models import Scenario
from training.policy import Policy

from .models.quizzes import Quiz

CONFIDENCE_CHOICES = [("", "Not stated")] + [(str(n), f"{n}") for n in range(1, 6)]
YES_NO = [("yes", "Yes, a report to NCMEC is due"), ("no", "No report to NCMEC is due")]


class AnswerForm(forms.Form):
    """One answer. Choices come from the attempt's policy version; the clause list is grouped by verdict."""

    verdict = forms.ChoiceField(
        choices=[("violating", "Violating"), ("not_violating", "Not violating")],
        widget=forms.RadioSelect,
        required=False,
    )
    clause_id = forms.ChoiceField(required=False, label="Clause")
    action = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Enforcement action")
    report_to_ncmec = forms.ChoiceField(choices=YES_NO, required=False, widget=forms.RadioSelect, label="NCMEC report")
    report_route = forms.ChoiceField(required=False, widget=forms.RadioSelect, label="Reporting route")
    confidence = forms.ChoiceField(
        choices=CONFIDENCE_CHOICES, required=False, label="Confidence (1 unsure – 5 certain)"
    )
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Rationale (optional)")

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


class QuizForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    mode = forms.ChoiceField(choices=Quiz.Mode.choices)
    question_count = forms.IntegerField(min_value=1, max_value=200, initial=10, label="Number of questions")
    time_limit_minutes = forms.IntegerField(
        min_value=1,
        max_value=600,
        required=False,
        label="Time limit (minutes)",
        help_text="Assessments only; leave empty for none.",
    )
    pass_mark_percent = forms.IntegerField(min_value=0, max_value=100, initial=80, label="Pass mark (%)")
    cooldown_hours = forms.IntegerField(
        min_value=0, max_value=24 * 30, initial=24, label="Cooldown before a retake (hours)"
    )
    scenarios = forms.ModelMultipleChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        label="Fixed scenarios (optional)",
        help_text="Leave empty for a stratified draw from the published bank.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, scenarios: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scenarios"].queryset = scenarios
        self.fields["scenarios"].label_from_instance = lambda s: f"{s.key} · {s.title} ({s.get_difficulty_display()})"


class AssignmentForm(forms.Form):
    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none())
    team = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="— no team —")
    trainee = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="— no single trainee —")
    due_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Due")

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
