"""The demo's history keeps the blindness rule: its rounds were blind when they opened, and every team is
left enough scenarios nobody in it has seen graded for a lead's first round of twelve."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from calibration.models import CalibrationRound
from calibration.services import round_create
from quiz.models import GoldExposure

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


def test_every_demo_round_was_blind_for_its_cohort_when_it_opened(demo):
    rounds = list(CalibrationRound.objects.prefetch_related("cohort", "items"))
    leaks = [
        (calibration_round.title, exposure.user.username, exposure.scenario.key)
        for calibration_round in rounds
        for exposure in GoldExposure.objects.filter(
            user__in=calibration_round.cohort.all(),
            scenario__in=[item.scenario_id for item in calibration_round.items.all()],
            shown_at__lt=calibration_round.opens_at,
        ).select_related("user", "scenario")
    ]

    assert len(rounds) >= 5
    assert leaks == []


def test_every_demo_team_lead_can_start_a_blind_round_of_twelve(demo):
    now = timezone.now()
    for team in Team.objects.order_by("name"):
        lead = User.objects.filter(memberships__team=team, memberships__kind=TeamMembership.Kind.LEAD).first()
        members = list(User.objects.filter(memberships__team=team, memberships__kind=TeamMembership.Kind.MEMBER))

        calibration_round = round_create(
            team=team,
            title="First blind round",
            created_by=lead,
            cohort=members,
            auto_count=12,
            opens_at=now,
            closes_at=now + dt.timedelta(days=3),
        )

        assert calibration_round.items.count() == 12, team.name
