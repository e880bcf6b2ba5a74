"""Snapshots over time, drift alerts, the compute_snapshots command and the dashboards that read them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from analytics import snapshots
from analytics.models import AgreementSnapshot, DriftAlert, ReviewerSnapshot, ReviewerStanding, ScenarioFigures
from analytics.snapshots import (
    DEFAULT_DRIFT_THRESHOLDS,
    drift_thresholds,
    period_bounds,
    scenario_figures_refresh,
    snapshots_compute,
    snapshots_refresh,
    snapshots_sweep,
)
from quiz.models import Answer
from tests.quiz.factories import AnswerFactory, AttemptFactory, QuizFactory
from tests.quiz.test_attempts_concurrency import run_at_once
from tests.training.factories import BENIGN_FACTS, ScenarioFactory

TODAY = dt.date(2026, 3, 18)  # a Wednesday


def answer(user, scenario, quiz, day, clause="V4"):
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    attempt = AttemptFactory(user=user, quiz=quiz, started_at=when, status="submitted")
    verdict = "not_violating" if clause == "" else "violating"
    return AnswerFactory(attempt=attempt, scenario=scenario, verdict=verdict, clause_id=clause, answered_at=when)


@pytest.fixture
def history(published_policy, trainee, second_trainee, team_lead):
    """Two weeks where both reviewers agree with gold, then two where the second trainee says the
    opposite of gold on every case."""
    quiz = QuizFactory()
    violating = [ScenarioFactory() for _ in range(3)]
    benign = [ScenarioFactory(facts=BENIGN_FACTS, intended_clause="") for _ in range(3)]
    for weeks_ago in (4, 3, 2, 1):
        day = TODAY - dt.timedelta(weeks=weeks_ago)
        for scenario in violating:
            answer(trainee, scenario, quiz, day, "V4")
            answer(second_trainee, scenario, quiz, day, "V4" if weeks_ago > 2 else "")
        for scenario in benign:
            answer(trainee, scenario, quiz, day, "")
            answer(second_trainee, scenario, quiz, day, "" if weeks_ago > 2 else "V4")
    return quiz


def test_weeks_run_monday_to_sunday_and_months_are_calendar_months():
    assert period_bounds(TODAY, "week") == (dt.date(2026, 3, 16), dt.date(2026, 3, 22))
    assert period_bounds(TODAY, "month") == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_thresholds_are_read_from_settings_at_call_time_over_the_defaults(settings):
    settings.CONCORDANCE = {**settings.CONCORDANCE, "DRIFT_THRESHOLDS": {"team_alpha": 0.5}}
    assert drift_thresholds() == {**DEFAULT_DRIFT_THRESHOLDS, "team_alpha": 0.5}


def test_the_command_measures_every_week_and_raises_drift_alerts(history, team, second_trainee):
    out = StringIO()
    call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=out)
    alphas = list(
        AgreementSnapshot.objects.filter(scope="team_period", team=team)
        .order_by("period_start")
        .values_list("alpha", flat=True)
    )
    assert alphas == [1.0, 1.0, pytest.approx(-5 / 6), pytest.approx(-5 / 6), None]
    alerts = list(DriftAlert.objects.order_by("metric").values_list("metric", "user_id"))
    assert alerts == [("reviewer_kappa", second_trainee.pk), ("team_alpha", None)]
    assert "Team North, by week: 5 period(s) measured, 2 alert(s) raised." in out.getvalue()


def test_running_the_command_again_keeps_ended_weeks_as_measured_and_raises_nothing_new(history):
    call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=StringIO())
    first = AgreementSnapshot.objects.filter(period_end__lt=TODAY).order_by("pk").values_list("pk", "computed_at")
    first = list(first)
    out = StringIO()
    call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=out)
    assert (
        list(AgreementSnapshot.objects.filter(period_end__lt=TODAY).order_by("pk").values_list("pk", "computed_at"))
        == first
    )
    assert DriftAlert.objects.count() == 2
    # The team's current week and the all-teams current week are measured again; 4 + 4 ended weeks are kept.
    assert "Team North, by week: 1 period(s) measured, 0 alert(s) raised." in out.getvalue()
    assert "Done: 0 round(s), 2 period(s) measured, 8 kept as measured, 0 alert(s) raised." in out.getvalue()


def test_reviewer_snapshots_measure_each_reviewer_against_gold(history, second_trainee):
    call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=StringIO())
    last = ReviewerSnapshot.objects.filter(user=second_trainee).order_by("period_start").last()
    assert (last.n_answers, last.accuracy, last.sensitivity, last.specificity) == (6, 0.0, 0.0, 0.0)
    assert last.confusion == {"V4": {"none": 3}, "none": {"V4": 3}}


def test_a_higher_threshold_in_settings_is_used_without_a_restart(history, settings):
    settings.CONCORDANCE = {**settings.CONCORDANCE, "DRIFT_THRESHOLDS": {"team_alpha": -1.0, "reviewer_kappa": -1.0}}
    call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=StringIO())
    assert not DriftAlert.objects.exists()


def test_the_command_exits_with_one_readable_line_on_a_bad_date(db):
    with pytest.raises(CommandError, match=r"^--today must be a date like 2026-01-31; got 'soon'.$"):
        call_command("compute_snapshots", "--today", "soon")


class TestLeadDashboard:
    @pytest.fixture
    def measured(self, history):
        call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=StringIO())

    def test_anonymous_visitors_are_sent_to_log_in(self, anonymous_client):
        assert anonymous_client.get(reverse("analytics:lead-dashboard"))["Location"].startswith("/login/")

    def test_a_trainee_gets_403(self, trainee_client):
        assert trainee_client.get(reverse("analytics:lead-dashboard")).status_code == 403

    def test_a_lead_of_another_team_gets_404_for_this_team(self, other_lead_client, team):
        assert other_lead_client.get(reverse("analytics:lead-dashboard"), {"team": team.pk}).status_code == 404

    def test_the_lead_sees_the_trend_chart_heatmap_alerts_and_reviewers(self, lead_client, measured):
        page = lead_client.get(reverse("analytics:lead-dashboard")).content.decode()
        assert 'id="trend-chart"' in page and 'id="trend-data"' in page
        assert "team agreement (alpha)" in page and "kappa against gold" in page
        assert "<th>V4</th>" in page and "Pairwise kappa" in page

    def test_the_dashboard_runs_a_fixed_number_of_queries(self, lead_client, measured, django_assert_num_queries):
        # session, user, teams led, team snapshots, clause snapshots, reviewer snapshots, open alerts,
        # overdue rounds of the teams led (the teams are a subquery), answers not yet counted (quiz, rounds)
        with django_assert_num_queries(10):
            lead_client.get(reverse("analytics:lead-dashboard"))

    def test_the_reviewer_table_exports_as_csv(self, lead_client, measured):
        response = lead_client.get(reverse("analytics:lead-dashboard"), {"table": "reviewers", "format": "csv"})
        lines = response.content.decode().splitlines()
        assert lines[0] == "reviewer,period_start,n_answers,accuracy,kappa_vs_gold,sensitivity,specificity"
        assert len(lines) == 3

    def test_an_unknown_export_format_is_a_400_with_a_message(self, lead_client, measured):
        response = lead_client.get(reverse("analytics:lead-dashboard"), {"format": "xml"})
        assert (response.status_code, response.json()) == (400, {"format": ["Choose one of: csv, json."]})

    def test_a_lead_acknowledges_an_alert(self, lead_client, measured, team_lead):
        alert = DriftAlert.objects.filter(user__isnull=True).get()
        lead_client.post(reverse("analytics:alert-acknowledge", args=[alert.pk]))
        alert.refresh_from_db()
        assert alert.acknowledged_by == team_lead


class TestContestedAndItems:
    def test_a_lead_gets_403(self, lead_client):
        assert lead_client.get(reverse("analytics:contested-list")).status_code == 403

    def test_the_policy_team_sees_a_scenario_that_reviewers_answer_against_gold(
        self, policy_client, published_policy, trainee, second_trainee, team_lead, outside_trainee
    ):
        quiz = QuizFactory()
        scenario = ScenarioFactory(key="SPLIT-1", title="Contested folder")
        others = [ScenarioFactory() for _ in range(2)]
        from tests.accounts.factories import UserFactory

        reviewers = [trainee, second_trainee, outside_trainee] + [UserFactory() for _ in range(3)]
        for index, user in enumerate(reviewers):
            answer(user, scenario, quiz, TODAY, "V4" if index < 2 else ("V3" if index % 2 else ""))
            for other in others:
                answer(user, other, quiz, TODAY, "V4")
        scenario_figures_refresh()
        page = policy_client.get(reverse("analytics:contested-list")).content.decode()
        assert f'<a href="/training/scenarios/{scenario.pk}/">SPLIT-1</a> · Contested folder' in page
        assert 'href="/training/policy/#clause-V4"' in page and "#rule-R-V4-link-to-material" in page
        data = policy_client.get(reverse("analytics:item-analysis"), {"format": "json"}).json()
        assert data["rows"][0]["scenario"] == "SPLIT-1"

    def test_the_contested_list_runs_a_fixed_number_of_queries(self, policy_client, history, django_assert_num_queries):
        scenario_figures_refresh()
        policy_client.get(reverse("analytics:contested-list"))  # the engine has parsed the published version
        # session, user, stored figures with their scenarios, the published and draft versions (one
        # query), quiz answers given and round answers counted since the figures were measured
        with django_assert_num_queries(6):
            policy_client.get(reverse("analytics:contested-list"))

    def test_the_item_analysis_query_count_does_not_grow_with_the_answers(
        self, policy_client, history, trainee, django_assert_num_queries
    ):
        scenario_figures_refresh()
        policy_client.get(reverse("analytics:item-analysis"))  # the engine has parsed the published version
        quiz = QuizFactory()
        for _ in range(5):
            answer(trainee, ScenarioFactory(), quiz, TODAY, "V4")
        scenario_figures_refresh()
        # session, user, stored figures with their scenarios, published and draft versions, quiz answers
        # given and round answers counted since the figures were measured
        with django_assert_num_queries(6):
            policy_client.get(reverse("analytics:item-analysis"))

    def test_the_csv_exports_run_the_same_fixed_number_of_queries(
        self, policy_client, history, django_assert_num_queries
    ):
        scenario_figures_refresh()
        policy_client.get(reverse("analytics:item-analysis"))
        # session, user, stored figures with their scenarios, published and draft versions
        for name in ("analytics:item-analysis", "analytics:contested-list"):
            with django_assert_num_queries(4):
                policy_client.get(reverse(name), {"format": "csv"})

    def test_the_pages_read_the_stored_figures_and_say_when_they_were_measured(self, policy_client, history, trainee):
        quiz = QuizFactory()
        scenario = ScenarioFactory(key="LATE-1", title="Answered after the measurement")
        scenario_figures_refresh()
        attempt = AttemptFactory(user=trainee, quiz=quiz, status="submitted")
        AnswerFactory(attempt=attempt, scenario=scenario, answered_at=timezone.now() + dt.timedelta(seconds=1))
        page = policy_client.get(reverse("analytics:item-analysis")).content.decode()
        # Not measured yet: the new scenario is not listed, and the page says an answer is still being counted.
        assert "LATE-1" not in page
        assert 'id="measured">Measured <time' in page and "1 newer answer is still being counted." in page
        scenario_figures_refresh(scenario_ids=[scenario.pk])
        page = policy_client.get(reverse("analytics:item-analysis")).content.decode()
        assert "LATE-1" in page


# --- What the background tasks call: refresh, sweep, per-scenario figures -------------------------


def week_of(day):
    return period_bounds(day, "week")[0]


class TestRefresh:
    def test_it_measures_the_week_and_month_of_the_days_given_for_the_reviewers_team_and_all_teams(
        self, history, team, trainee, second_trainee
    ):
        day = TODAY - dt.timedelta(weeks=1)

        report = snapshots_refresh(user_ids=[trainee.pk], days=[day])

        team_periods = AgreementSnapshot.objects.filter(scope="team_period", team=team)
        assert sorted(team_periods.values_list("granularity", "period_start")) == [
            ("month", dt.date(2026, 3, 1)),
            ("week", week_of(day)),
        ]
        assert team_periods.get(granularity="week").alpha == pytest.approx(-5 / 6)
        assert AgreementSnapshot.objects.filter(scope="all_period").count() == 2
        assert set(ReviewerSnapshot.objects.filter(granularity="week").values_list("user_id", "period_start")) == {
            (trainee.pk, week_of(day)),
            (second_trainee.pk, week_of(day)),
        }
        assert (report.teams, report.periods_computed) == (1, 4)  # the team's and all teams' week and month

    def test_running_it_again_stores_the_same_figures_and_no_more_rows(self, history, trainee):
        day = TODAY - dt.timedelta(weeks=2)
        snapshots_refresh(user_ids=[trainee.pk], days=[day])
        fields = ("scope", "granularity", "period_start", "clause_id", "alpha", "alpha_low", "alpha_high", "ac1")
        first = sorted(AgreementSnapshot.objects.values_list(*fields), key=str)
        reviewers = sorted(ReviewerSnapshot.objects.values_list("user_id", "period_start", "kappa_vs_gold"))

        snapshots_refresh(user_ids=[trainee.pk], days=[day])

        assert sorted(AgreementSnapshot.objects.values_list(*fields), key=str) == first
        assert sorted(ReviewerSnapshot.objects.values_list("user_id", "period_start", "kappa_vs_gold")) == reviewers

    def test_a_reviewer_in_no_team_changes_no_period_but_the_scenario_figures(self, history, outside_trainee):
        from tests.accounts.factories import UserFactory

        loner = UserFactory()
        scenario = ScenarioFactory()
        for user in (loner, outside_trainee):
            answer(user, scenario, QuizFactory(), TODAY)

        report = snapshots_refresh(user_ids=[loner.pk], days=[TODAY], scenario_ids=[scenario.pk])

        assert report.periods_computed == 0 and not AgreementSnapshot.objects.exists()
        assert ScenarioFigures.objects.get(scenario=scenario).n_answers == 2

    def test_a_failure_while_writing_leaves_the_previous_figures(self, history, trainee, monkeypatch):
        day = TODAY - dt.timedelta(weeks=1)
        snapshots_refresh(user_ids=[trainee.pk], days=[day])
        before = sorted(AgreementSnapshot.objects.values_list("pk", "computed_at"))

        def broken(*args, **kwargs):
            raise ConnectionError("the database went away mid-write")

        monkeypatch.setattr(snapshots, "_insert", broken)
        with pytest.raises(ConnectionError):
            snapshots_refresh(user_ids=[trainee.pk], days=[day])

        assert sorted(AgreementSnapshot.objects.values_list("pk", "computed_at")) == before


class TestSweep:
    def test_it_measures_every_period_never_measured_up_to_the_current_one(self, history, team):
        report = snapshots_sweep(today=TODAY)

        weeks = AgreementSnapshot.objects.filter(scope="team_period", team=team, granularity="week")
        assert weeks.count() == 5  # four weeks with answers and the current one
        assert report.alerts_raised == 2

    def test_with_nothing_new_it_changes_nothing(self, history):
        snapshots_sweep(today=TODAY)
        before = sorted(AgreementSnapshot.objects.values_list("pk", "computed_at"))

        report = snapshots_sweep(today=TODAY)

        assert sorted(AgreementSnapshot.objects.values_list("pk", "computed_at")) == before
        assert (report.periods_computed, report.alerts_raised, report.scenarios_measured) == (0, 0, 0)

    def test_an_ended_period_measured_before_it_ended_is_measured_again(self, history, team):
        snapshots_sweep(today=TODAY)
        week = AgreementSnapshot.objects.get(
            scope="team_period", team=team, granularity="week", period_start=week_of(TODAY - dt.timedelta(weeks=1))
        )
        # Measured on its Wednesday, before its last answers could have come in.
        early = timezone.make_aware(dt.datetime.combine(week.period_start + dt.timedelta(days=2), dt.time(9)))
        AgreementSnapshot.objects.filter(pk=week.pk).update(computed_at=early)

        report = snapshots_sweep(today=TODAY)

        measured = AgreementSnapshot.objects.get(
            scope="team_period", team=team, granularity="week", period_start=week.period_start
        )
        assert measured.computed_at > early and measured.alpha == week.alpha
        assert report.periods_computed == 1


def _figures_by_scenario():
    return {
        scenario_id: figures
        for scenario_id, *figures in ScenarioFigures.objects.values_list(
            "scenario_id", "n_answers", "facility", "discrimination", "agreement", "distribution"
        )
    }


class TestScenarioFigures:
    def test_a_refresh_of_some_scenarios_keeps_the_reviewer_ranking_of_the_full_run(self, history):
        scenario_figures_refresh()
        full = {
            f.scenario_id: (f.n_answers, f.facility, f.discrimination, f.agreement)
            for f in ScenarioFigures.objects.all()
        }
        some = sorted(full)[:2]

        assert scenario_figures_refresh(scenario_ids=some) == 2

        again = {
            f.scenario_id: (f.n_answers, f.facility, f.discrimination, f.agreement)
            for f in ScenarioFigures.objects.all()
        }
        assert again == full
        assert set(ReviewerStanding.objects.values_list("group", flat=True)) == {"upper", "lower"}

    def test_a_scenario_left_with_no_counted_answer_loses_its_row(self, history, trainee):
        scenario_figures_refresh()
        scenario_id = ScenarioFigures.objects.order_by("scenario_id").values_list("scenario_id", flat=True)[0]
        Answer.objects.filter(scenario_id=scenario_id).delete()

        scenario_figures_refresh(scenario_ids=[scenario_id])

        assert not ScenarioFigures.objects.filter(scenario_id=scenario_id).exists()

    def test_the_command_measures_them_too(self, history):
        out = StringIO()
        call_command("compute_snapshots", "--granularity", "week", "--today", TODAY.isoformat(), stdout=out)
        assert ScenarioFigures.objects.count() == 6
        assert "Scenario figures: 6 scenario(s) measured." in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
class TestConcurrentWriters:
    """Two tasks for the same target at once: they queue on the target's lock; neither fails, and the
    target holds one whole set of rows afterwards."""

    def test_two_refreshes_of_the_same_team_at_once(self, history, team, trainee, second_trainee):
        day = TODAY - dt.timedelta(weeks=1)

        results = run_at_once(
            lambda: snapshots_refresh(user_ids=[trainee.pk], days=[day], scenario_ids=[]),
            lambda: snapshots_refresh(user_ids=[second_trainee.pk], days=[day], scenario_ids=[]),
        )

        assert [type(result).__name__ for result in results] == ["SnapshotReport", "SnapshotReport"]
        rows = AgreementSnapshot.objects.filter(team=team, granularity="week", period_start=week_of(day))
        assert sorted(rows.values_list("scope", "clause_id")) == [
            ("clause_period", "V4"),
            ("clause_period", "none"),
            ("team_period", ""),
        ]
        assert ReviewerSnapshot.objects.filter(granularity="week").count() == 2

    def test_a_full_run_and_a_refresh_at_once(self, history, team, trainee):
        results = run_at_once(
            lambda: snapshots_compute(granularities=["week"], today=TODAY, recompute=True),
            lambda: snapshots_refresh(user_ids=[trainee.pk], days=[TODAY - dt.timedelta(weeks=1)]),
        )

        assert [type(result).__name__ for result in results] == ["SnapshotReport", "SnapshotReport"]
        weeks = AgreementSnapshot.objects.filter(scope="team_period", team=team, granularity="week")
        assert weeks.count() == 5 and weeks.values("period_start").distinct().count() == 5

    def test_two_refreshes_of_the_same_scenario_figures_at_once(self, history):
        scenario_figures_refresh()
        scenario_ids = list(ScenarioFigures.objects.values_list("scenario_id", flat=True))

        results = run_at_once(*[lambda: scenario_figures_refresh(scenario_ids=scenario_ids) for _ in range(2)])

        assert results == [6, 6]
        assert ScenarioFigures.objects.count() == 6
