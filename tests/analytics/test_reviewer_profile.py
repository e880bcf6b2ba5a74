"""A reviewer's profile for their lead and the policy team: trend against gold, clauses, rounds and
certifications; another team's lead and trainees cannot read it."""

import datetime as dt

import pytest
from django.utils import timezone

from analytics.models import AgreementSnapshot, Granularity, ReviewerSnapshot
from quiz.models import Quiz
from quiz.services.attempts import answer_record, attempt_start
from tests.quiz.factories import QuizFactory

pytestmark = pytest.mark.django_db

WRONG_FOR_V1 = {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False}


def _url(user):
    return f"/quiz/reviewers/{user.pk}/"


@pytest.fixture
def measured(trainee, team):
    """Two weeks of the trainee's figures against gold."""
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for weeks_ago, kappa in ((2, 0.8), (1, 0.6)):
        start = monday - dt.timedelta(weeks=weeks_ago)
        ReviewerSnapshot.objects.create(
            user=trainee,
            team=team,
            granularity=Granularity.WEEK,
            period_start=start,
            period_end=start + dt.timedelta(days=6),
            n_answers=10,
            accuracy=kappa + 0.1,
            kappa_vs_gold=kappa,
            computed_at=timezone.now(),
        )


def test_the_lead_of_the_reviewers_team_reads_the_profile(lead_client, trainee, measured):
    response = lead_client.get(_url(trainee))

    assert response.status_code == 200
    assert [s.kappa_vs_gold for s in response.context["profile"].trend] == [0.8, 0.6]


def test_the_policy_team_reads_any_profile(policy_client, trainee):
    assert policy_client.get(_url(trainee)).status_code == 200


def test_another_teams_lead_gets_a_404(other_lead_client, trainee):
    assert other_lead_client.get(_url(trainee)).status_code == 404


def test_a_trainee_is_refused_even_their_own(trainee_client, trainee):
    assert trainee_client.get(_url(trainee)).status_code == 403


def test_a_missing_reviewer_is_a_404(lead_client):
    assert lead_client.get("/quiz/reviewers/987654/").status_code == 404


def test_clauses_show_mastery_from_answers_whose_gold_was_shown(lead_client, trainee, bank):
    attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.PRACTICE, question_count=5))
    answer_record(attempt=attempt, scenario=bank["Q-V1"], user=trainee, **WRONG_FOR_V1)

    profile = lead_client.get(_url(trainee)).context["profile"]

    assert (profile.mastery, [m.clause for m in profile.memory]) == ({"V1": 0.0}, ["V1"])


def test_rounds_show_how_much_the_reviewer_answered(lead_client, trainee, answered_round):
    rounds = lead_client.get(_url(trainee)).context["profile"].rounds

    assert [(r.pk, r.answered, r.items_count) for r in rounds] == [(answered_round.pk, 2, 2)]


def test_the_profile_runs_a_fixed_number_of_queries(
    lead_client, trainee, measured, answered_round, django_assert_num_queries
):
    # session, user, reviewer, led teams, membership, snapshots, answers, rounds, certifications
    with django_assert_num_queries(9):
        response = lead_client.get(_url(trainee))

    assert response.status_code == 200


def test_the_lead_dashboard_links_each_reviewer_to_their_profile(lead_client, trainee, team, measured):
    for snapshot in ReviewerSnapshot.objects.filter(user=trainee):  # the team's own figures for those weeks
        AgreementSnapshot.objects.create(
            scope=AgreementSnapshot.Scope.TEAM_PERIOD,
            team=team,
            granularity=Granularity.WEEK,
            period_start=snapshot.period_start,
            period_end=snapshot.period_end,
            computed_at=timezone.now(),
        )

    page = lead_client.get(f"/quiz/teams/?team={team.pk}").content.decode()

    assert f'href="{_url(trainee)}"' in page
