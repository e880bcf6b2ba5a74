"""Factories for quizzes, attempts, answers and calibration rounds. Helpers append here; keep one
factory per model and explicit values for whatever a test asserts."""

import datetime as dt

import factory
from django.utils import timezone

from calibration.models import CalibrationRound, RoundItem
from quiz.models import Answer, Attempt, AttemptItem, Quiz
from tests.accounts.factories import TeamFactory, UserFactory
from tests.training.factories import ScenarioFactory, published_policy_version

# Two answers to a V4 scenario: the gold one, and one with the neighbouring clause.
V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}
V3 = {**V4, "clause_id": "V3"}


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"Quiz {n}")
    mode = Quiz.Mode.PRACTICE
    question_count = 5


class AttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attempt

    user = factory.SubFactory(UserFactory)
    quiz = factory.SubFactory(QuizFactory)
    mode = factory.LazyAttribute(lambda obj: obj.quiz.mode if obj.quiz else "calibration")
    policy_version = factory.LazyFunction(published_policy_version)
    seed = factory.Sequence(lambda n: n)
    started_at = factory.LazyFunction(timezone.now)


class AttemptItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttemptItem

    attempt = factory.SubFactory(AttemptFactory)
    scenario = factory.SubFactory(ScenarioFactory)
    position = factory.Sequence(lambda n: n)


class AnswerFactory(factory.django.DjangoModelFactory):
    """A raw answer row; tests that need scoring should go through the quiz services."""

    class Meta:
        model = Answer

    attempt = factory.SubFactory(AttemptFactory)
    scenario = factory.SubFactory(ScenarioFactory)
    verdict = "violating"
    clause_id = "V4"
    action = "permanent_suspension"
    report_to_ncmec = True
    answered_at = factory.LazyFunction(timezone.now)


class CalibrationRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalibrationRound

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Round {n}")
    policy_version = factory.LazyFunction(published_policy_version)
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class RoundItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundItem

    calibration_round = factory.SubFactory(CalibrationRoundFactory)
    scenario = factory.SubFactory(ScenarioFactory)
    position = factory.Sequence(lambda n: n)


# --- Quiz taking (issue 4) -------------------------------------------------------------------

from quiz.models import Assignment, QuizItem  # noqa: E402
from tests.training.factories import B5_FACTS, BENIGN_FACTS, P3_FACTS, V1_FACTS  # noqa: E402


class QuizItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizItem

    quiz = factory.SubFactory(QuizFactory)
    scenario = factory.SubFactory(ScenarioFactory)
    position = factory.Sequence(lambda n: n + 1)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    quiz = factory.SubFactory(QuizFactory)
    trainee = None
    team = None
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


# One published scenario per outcome family: key -> (facts, intended clause, difficulty).
QUIZ_BANK = {
    "Q-V4": (
        {
            "subject": "children_generally",
            "content_form": "link",
            "conduct": "links_elsewhere",
            "links_to_material": True,
        },
        "V4",
        "easy",
    ),
    "Q-V1": (V1_FACTS, "V1", "medium"),
    "Q-B5": (B5_FACTS, "B5", "hard"),
    "Q-P3": (P3_FACTS, "P3", "medium"),
    "Q-BENIGN": (BENIGN_FACTS, "", "easy"),
}


def quiz_bank() -> dict:
    """Five published scenarios, one per outcome family (V4, V1, B5, P3, no clause), by key."""
    return {
        key: ScenarioFactory(
            key=key, title=f"Case {number}", facts=facts, intended_clause=clause, difficulty=difficulty
        )
        for number, (key, (facts, clause, difficulty)) in enumerate(QUIZ_BANK.items(), start=1)
    }


# --- Shared quizzes (issue 4, second pass) -----------------------------------------------------


class SharedQuizFactory(QuizFactory):
    """A quiz the policy team wrote: a template every lead may assign."""

    is_shared = True
    created_by = factory.SubFactory(UserFactory, role="policy_team")
