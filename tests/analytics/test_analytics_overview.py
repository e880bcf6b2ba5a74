"""The policy team's view across every team: all-teams snapshots, the overview page, and the
contested queue's draft impact."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import TeamMembership
from analytics.models import AgreementSnapshot
from analytics.selectors import PartChange, contested_scenarios
from analytics.snapshots import scenario_figures_refresh
from tests.accounts.factories import TeamMembershipFactory, UserFactory
from tests.quiz.factories import AnswerFactory, AttemptFactory, QuizFactory
from tests.training.factories import BENIGN_FACTS, PolicyVersionFactory, ScenarioFactory, shipped_policy_document

TODAY = dt.date(2026, 3, 18)  # a Wednesday


def answer(user, scenario, quiz, day, clause="V4"):
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    attempt = AttemptFactory(user=user, quiz=quiz, started_at=when, status="submitted")
    verdict = "not_violating" if clause == "" else "violating"
    return AnswerFactory(attempt=attempt, scenario=scenario, verdict=verdict, clause_id=clause, answered_at=when)


@pytest.fixture
def two_teams_history(published_policy, trainee, second_trainee, outside_trainee, other_team):
    """In February, Team North agrees on every case; Team South's reviewers split on the V4 cases
    (one says V4, the other says no clause applies), and both agree on the benign ones."""
    other_member = UserFactory(username="olga")
    TeamMembershipFactory(team=other_team, user=other_member)
    quiz = QuizFactory()
    violating = [ScenarioFactory() for _ in range(2)]
    benign = [ScenarioFactory(facts=BENIGN_FACTS, intended_clause="") for _ in range(2)]
    day = dt.date(2026, 2, 10)
    for scenario in violating:
        answer(trainee, scenario, quiz, day, "V4")
        answer(second_trainee, scenario, quiz, day, "V4")
        answer(outside_trainee, scenario, quiz, day, "V4")
        answer(other_member, scenario, quiz, day, "")
    for scenario in benign:
        for user in (trainee, second_trainee, outside_trainee, other_member):
            answer(user, scenario, quiz, day, "")
    return quiz


@pytest.fixture
def measured(two_teams_history):
    call_command("compute_snapshots", "--granularity", "month", "--today", TODAY.isoformat(), stdout=StringIO())


class TestAllTeamsSnapshots:
    def test_the_command_measures_every_month_over_all_teams_together(self, measured):
        snapshot = AgreementSnapshot.objects.get(scope="all_period", period_start=dt.date(2026, 2, 1))
        assert (snapshot.team, snapshot.n_raters, snapshot.n_units, snapshot.n_answers) == (None, 4, 4, 16)
        # 4 cases, 6 pairs each: the two benign cases agree fully, the V4 cases 3 of 6 pairs each.
        assert snapshot.percent_agreement == pytest.approx((6 + 6 + 3 + 3) / 24)

    def test_each_gold_clause_gets_its_own_all_teams_snapshot(self, measured):
        rows = AgreementSnapshot.objects.filter(scope="all_clause_period", period_start=dt.date(2026, 2, 1))
        assert sorted(rows.values_list("clause_id", "percent_agreement")) == [("V4", 0.5), ("none", 1.0)]

    def test_ended_months_are_kept_as_measured_on_a_second_run(self, measured):
        before = list(AgreementSnapshot.objects.filter(scope="all_period").values_list("pk", "computed_at"))
        out = StringIO()
        call_command("compute_snapshots", "--granularity", "month", "--today", TODAY.isoformat(), stdout=out)
        after = AgreementSnapshot.objects.filter(scope="all_period", period_end__lt=TODAY)
        assert list(after.values_list("pk", "computed_at")) == [b for b in before if b[0] in {a.pk for a in after}]
        assert "All teams, by month: 1 period(s) measured." in out.getvalue()

    def test_a_run_narrowed_to_one_team_leaves_the_all_teams_figures_alone(self, two_teams_history):
        call_command("compute_snapshots", "--team", "Team North", "--today", TODAY.isoformat(), stdout=StringIO())
        assert not AgreementSnapshot.objects.filter(scope__in=["all_period", "all_clause_period"]).exists()

    def test_a_reviewer_in_two_teams_counts_once(self, two_teams_history, trainee, other_team):
        TeamMembershipFactory(team=other_team, user=trainee, kind=TeamMembership.Kind.MEMBER)
        call_command("compute_snapshots", "--granularity", "month", "--today", TODAY.isoformat(), stdout=StringIO())
        snapshot = AgreementSnapshot.objects.get(scope="all_period", period_start=dt.date(2026, 2, 1))
        assert (snapshot.n_raters, snapshot.n_answers) == (4, 16)


class TestAgreementOverviewPage:
    url = reverse("analytics:agreement-overview")

    def test_anonymous_visitors_are_sent_to_log_in(self, anonymous_client):
        response = anonymous_client.get(self.url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")

    def test_a_trainee_gets_403(self, trainee_client):
        assert trainee_client.get(self.url).status_code == 403

    def test_a_team_lead_gets_403(self, lead_client):
        assert lead_client.get(self.url).status_code == 403

    def test_an_admin_may_read_it(self, admin_client_):
        assert admin_client_.get(self.url).status_code == 200

    def test_with_nothing_measured_it_says_how_figures_appear(self, policy_client):
        page = policy_client.get(self.url).content.decode()
        assert "No measurements yet: figures appear once reviewers in teams have answered shared scenarios" in page

    def test_the_policy_team_sees_the_clause_heatmap_and_the_least_clear_clause_first(self, policy_client, measured):
        page = policy_client.get(self.url).content.decode()
        assert "Agreement by clause and month, all teams" in page
        assert "<th>Feb 2026</th>" in page
        unclear = page.split('id="unclear"')[1].split("</section>")[0]
        assert unclear.index("<strong>V4</strong> · Links to exploitation material elsewhere") < unclear.index(
            "<strong>none</strong> · no clause applies"
        )

    def test_the_chart_data_holds_the_overall_alpha_and_each_team(self, policy_client, measured):
        chart = policy_client.get(self.url).context["chart"]
        assert chart["labels"][:2] == ["2026-02-01", "2026-03-01"]
        assert [team["label"] for team in chart["teams"]] == ["Team North", "Team South"]

    def test_the_heatmap_exports_as_csv(self, policy_client, measured):
        response = policy_client.get(self.url, {"table": "heatmap", "format": "csv"})
        lines = response.content.decode().splitlines()
        assert lines[0] == "clause_id,title,2026-02-01,2026-03-01,pooled"
        assert lines[1] == "V4,Links to exploitation material elsewhere,0.5,,0.5"

    def test_an_unknown_table_is_a_400_with_a_message(self, policy_client, measured):
        response = policy_client.get(self.url, {"table": "teams", "format": "csv"})
        assert (response.status_code, response.json()) == (400, {"table": ["Choose one of: heatmap, trend."]})

    def test_the_page_runs_a_fixed_number_of_queries(self, policy_client, measured, django_assert_num_queries):
        policy_client.get(self.url)  # parse the published version once, as a warm process has
        # session, user, all-teams snapshots, all-teams clause snapshots, team snapshots with team names,
        # published version, answers not yet counted (quiz answers, closed rounds)
        with django_assert_num_queries(8):
            policy_client.get(self.url)


@pytest.fixture
def contested_b4(published_policy):
    """A B4 case that reviewers split on, and a draft that makes B4 reportable to NCMEC."""
    document = shipped_policy_document()
    for clause in document["clauses"]:
        if clause["id"] == "B4":
            clause["report_to_ncmec"] = True
    draft = PolicyVersionFactory(version="2026-12-draft", document={**document, "version": "2026-12-draft"})
    facts = {"conduct": "sends_sexual_media", "recipient_is_minor": True}
    scenario = ScenarioFactory(key="B4-900", title="Media sent to a minor", facts=facts, intended_clause="B4")
    quiz = QuizFactory()
    for index in range(6):
        answer(UserFactory(), scenario, quiz, TODAY, "B4" if index % 2 else "B5")
    scenario_figures_refresh()
    return draft, scenario


class TestContestedDraftImpact:
    def test_every_changed_part_of_the_gold_answer_is_named_in_words(self, contested_b4):
        analysis = contested_scenarios()
        assert [item.scenario.key for item in analysis.items] == ["B4-900"]
        assert analysis.items[0].draft_changes == [PartChange("report_to_ncmec", "NCMEC", "not due", "due")]

    def test_the_page_shows_the_change_and_the_gold_answer_with_titles(self, policy_client, contested_b4):
        page = policy_client.get(reverse("analytics:contested-list")).content.decode()
        assert '<th scope="col">Under draft 2026-12-draft</th>' in page
        assert "NCMEC: not due → <strong>due</strong>" in page
        assert "B4 · Sending sexual media to a child</a>" in page
        assert "Action: Permanent suspension" in page

    def test_the_export_lists_the_draft_changes(self, policy_client, contested_b4):
        row = policy_client.get(reverse("analytics:contested-list"), {"format": "json"}).json()["rows"][0]
        assert (row["draft"], row["draft_changes"]) == ("2026-12-draft", "NCMEC: not due → due")

    def test_the_api_lists_the_draft_changes(self, policy_client, contested_b4):
        item = policy_client.get("/api/contested/").json()[0]
        assert item["draft_changes"] == [{"part": "report_to_ncmec", "before": "not due", "after": "due"}]

    def test_a_scenario_the_draft_leaves_alone_says_no_change(self, policy_client, published_policy):
        PolicyVersionFactory(version="2026-12-draft")
        scenario = ScenarioFactory(key="V4-900", title="Folder link")
        quiz = QuizFactory()
        for index in range(6):
            answer(UserFactory(), scenario, quiz, TODAY, "V4" if index % 2 else "")
        scenario_figures_refresh()
        page = policy_client.get(reverse("analytics:contested-list")).content.decode()
        assert '<td class="draft-impact"><span class="small muted">no change</span></td>' in page

    def test_with_nothing_contested_the_page_says_so(self, policy_client, published_policy):
        page = policy_client.get(reverse("analytics:contested-list")).content.decode()
        assert "No contested scenarios: every scenario answered by five or more reviewers" in page


PREVALENCE = (
    "One answer ('none') makes up 90% of ratings: kappa and alpha can be low while raw agreement is high; "
    "read Gwet's AC1 beside them."
)


class TestReadingHelp:
    def test_the_prevalence_caution_is_shown_beside_ac1_with_a_how_to_read_note(self, policy_client, db):
        AgreementSnapshot.objects.create(
            scope="all_period",
            granularity="month",
            period_start=dt.date(2026, 2, 1),
            period_end=dt.date(2026, 2, 28),
            alpha=0.1,
            ac1=0.85,
            n_units=12,
            n_raters=4,
            percent_agreement=0.9,
            warnings=[PREVALENCE],
            computed_at=timezone.now(),
        )
        page = policy_client.get(reverse("analytics:agreement-overview")).content.decode()
        ac1_card = page.split('<div class="stat-label">Gwet\'s AC1</div>')[1].split("</div>")[0]
        assert f'<span class="badge warn">read alpha with AC1</span> {PREVALENCE}'.replace("'", "&#x27;") in ac1_card
        assert "<summary><strong>How to read these figures</strong></summary>" in page

    def test_the_round_results_explain_how_to_read_alpha_and_ac1(self, lead_client, team, team_lead, published_policy):
        from calibration.services import round_close, round_create

        now = timezone.now()
        calibration_round = round_create(
            team=team,
            title="Reading help",
            created_by=team_lead,
            opens_at=now - dt.timedelta(hours=2),
            closes_at=now + dt.timedelta(days=1),
            cohort=_two_members(team),
            scenarios=[ScenarioFactory()],
        )
        round_close(calibration_round=calibration_round, closed_by=team_lead)
        page = lead_client.get(reverse("calibration:round-detail", args=[calibration_round.pk])).content.decode()
        assert "Gwet's AC1</strong>: agreement after chance too, but it stays stable when one answer dominates." in page


def _two_members(team):
    members = [UserFactory(), UserFactory()]
    for user in members:
        TeamMembershipFactory(team=team, user=user, kind=TeamMembership.Kind.MEMBER)
    return members
