"""Forms for calibration rounds. They shape input; the rules live in calibration.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from accounts.models import Team, User
from config.input_bounds import latest_datetime
from training.forms import BoundedDateTimeField
from training.models import Scenario
from training.policy import Policy

# What the round page suggests as the new closing time: two days after the current one.
EXTENSION = dt.timedelta(days=2)
# A new round opens now and closes after this, unless the lead says otherwise.
DEFAULT_ROUND_LENGTH = dt.timedelta(days=7)
CONFIDENCE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class RoundPlanForm(forms.Form):
    """How many scenarios for a round: the planner's inputs (a GET form beside the round form)."""

    reviewers = forms.IntegerField(min_value=2, max_value=500, label="Reviewers in the cohort")
    expected_alpha = forms.FloatField(
        min_value=0.05,
        max_value=1.0,
        initial=0.6,
        label="Expected agreement (alpha)",
        help_text="Roughly what the team reached in recent rounds; 0.6 if you do not know.",
    )
    width = forms.FloatField(
        min_value=0.05,
        max_value=1.0,
        initial=0.3,
        label="Widest acceptable 95% interval",
        help_text="0.3 tells a team at 0.6 from one at 0.9; 0.2 needs about twice the scenarios.",
    )


class RoundCreateForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    title = forms.CharField(max_length=200)
    cohort = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple, help_text="Reviewers of the team."
    )
    scenarios = forms.ModelMultipleChoiceField(
        queryset=Scenario.objects.none(), required=False, widget=forms.SelectMultiple(attrs={"size": 10})
    )
    auto_count = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        label="Automatic pick",
        help_text="How many scenarios to pick across clauses (in addition to any chosen above), among those "
        "nobody in the cohort has seen graded.",
    )
    allow_fewer = forms.BooleanField(
        required=False,
        label="Take fewer if needed",
        help_text="If the bank has fewer blind scenarios than asked for, create the round with those it has.",
    )
    opens_at = BoundedDateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When reviewers can start answering (your time zone).",
    )
    closes_at = BoundedDateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When answers stop; you close the round to see the results.",
    )

    def __init__(self, *args, teams, candidates, scenarios, seen_counts: dict[int, int], **kwargs) -> None:
        """``seen_counts``: for each scenario, how many reviewers of the lead's teams have seen it graded;
        the list marks them, and the service refuses any that someone in the chosen cohort has seen."""
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if not self.is_bound:
            # A lead's usual round: their team (when they lead one), opening now for a week.
            only_team = list(teams[:2])
            if len(only_team) == 1:
                self.initial.setdefault("team", only_team[0].pk)
            now = timezone.localtime().replace(second=0, microsecond=0)
            self.initial.setdefault("opens_at", now)
            self.initial.setdefault("closes_at", now + DEFAULT_ROUND_LENGTH)
        self.fields["cohort"].queryset = candidates
        self.fields["scenarios"].queryset = scenarios
        self.fields["scenarios"].help_text = (
            "Only scenarios nobody in the cohort has seen graded can be used; the list marks those your "
            "reviewers have seen."
        )

        def label(scenario: Scenario) -> str:
            seen = seen_counts.get(scenario.pk, 0)
            mark = f" (seen graded by {seen} reviewer{'s' if seen != 1 else ''})" if seen else " (blind)"
            return f"{scenario.key} · {scenario.title}{mark}"

        self.fields["scenarios"].label_from_instance = label


class RoundAnswerForm(forms.Form):
    """One blind answer. The choices come from the round's policy version; nothing here reveals gold."""

    verdict = forms.ChoiceField(
        choices=[("violating", "Violating"), ("not_violating", "Not violating")], widget=forms.RadioSelect
    )
    clause_id = forms.ChoiceField(label="Clause", required=False)
    action = forms.ChoiceField(label="Enforcement action", required=False)
    report_to_ncmec = forms.TypedChoiceField(
        label="Report to NCMEC?",
        choices=[("", "—"), ("true", "Yes"), ("false", "No")],
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )
    report_route = forms.ChoiceField(label="Reporting route", required=False)
    confidence = forms.TypedChoiceField(
        choices=CONFIDENCE_CHOICES, coerce=int, empty_value=None, required=False, help_text="1 = a guess, 5 = certain."
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text="Why: name the facts that decided it. Describe, never quote.",
    )

    def __init__(self, *args, policy: Policy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clause_id"].choices = [("", "No clause applies")] + [
            (clause.id, f"{clause.id} · {clause.title}") for clause in policy.clauses.values()
        ]
        self.fields["action"].choices = [("", "—")] + [(c.id, c.title) for c in policy.actions.values()]
        self.fields["report_route"].choices = [("", "—")] + [(c.id, c.title) for c in policy.reporting_routes.values()]


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, label="Discussion note")
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.none(), required=False, label="About scenario")

    def __init__(self, *args, scenarios, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = scenarios
        self.fields["scenario"].label_from_instance = lambda s: f"{s.key} · {s.title}"


class RoundExtendForm(forms.Form):
    closes_at = BoundedDateTimeField(
        label="New closing time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    @staticmethod
    def suggested_closing(closes_at: dt.datetime, *, now: dt.datetime) -> dt.datetime:
        """Two days after the later of the current closing time and now, and never past the latest
        closing time the form accepts (a round already closing in the year 9999 would overflow)."""
        latest = latest_datetime(now)
        start = max(closes_at, now)
        return latest if start >= latest - EXTENSION else start + EXTENSION
