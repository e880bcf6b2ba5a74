"""Reads for calibration rounds. Access helpers raise 404 when the user may not see a round."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, Team, TeamMembership, User
from analytics.agreement import (
    Interval,
    decision_weights,
    difference_interval,
    gwet_ac2,
    krippendorff_alpha,
    krippendorff_alpha_weighted,
)
from analytics.item_analysis import decision_label, item_statistics
from analytics.models import AgreementSnapshot
from calibration.models import CalibrationRound, DiscussionNote, RoundItem
from quiz.models import Answer, Attempt
from training.selectors import engine_policy, gold_outcome


def is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def is_staff_reader(user: User) -> bool:
    return is_admin(user) or user.role == Role.POLICY_TEAM


def teams_led_by(user: User) -> QuerySet[Team]:
    """Teams a lead leads; an admin sees every team."""
    if is_admin(user):
        return Team.objects.order_by("name")
    return Team.objects.filter(memberships__user=user, memberships__kind=TeamMembership.Kind.LEAD).order_by("name")


def team_for_lead_get(user: User, pk: int) -> Team:
    team = teams_led_by(user).filter(pk=pk).first()
    if team is None:
        raise Http404("No such team.")
    return team


def team_members(team: Team) -> list[User]:
    return list(
        User.objects.filter(memberships__team=team, memberships__kind=TeamMembership.Kind.MEMBER).order_by("username")
    )


def rounds_for_user(user: User) -> QuerySet[CalibrationRound]:
    """Rounds a user may see: a lead those of the teams they lead, a reviewer those they are in,
    the policy team and admins every round."""
    rounds = CalibrationRound.objects.select_related("team", "policy_version").annotate(
        n_scenarios=Count("items", distinct=True), n_cohort=Count("cohort", distinct=True)
    )
    if is_staff_reader(user):
        return rounds
    if user.role == Role.TEAM_LEAD:
        return rounds.filter(team__in=teams_led_by(user))
    return rounds.filter(cohort=user)


def round_for_user_get(user: User, pk: int) -> CalibrationRound:
    calibration_round = rounds_for_user(user).filter(pk=pk).first()
    if calibration_round is None:
        raise Http404("No such calibration round.")
    return calibration_round


def overdue_rounds_for_lead(user: User) -> list[CalibrationRound]:
    """Rounds of the teams a lead leads that are past their closing time but not closed (nor
    cancelled): the lead has to close them before anyone sees results. One query."""
    return list(
        CalibrationRound.objects.filter(
            team__in=teams_led_by(user),
            closed_at__isnull=True,
            cancelled_at__isnull=True,
            closes_at__lte=timezone.now(),
        )
        .select_related("team")
        .order_by("closes_at")
    )


def round_is_managed_by(calibration_round: CalibrationRound, user: User) -> bool:
    """Only the team's leads (and admins) create, close and annotate a round."""
    if is_admin(user):
        return True
    return TeamMembership.objects.filter(
        team_id=calibration_round.team_id, user=user, kind=TeamMembership.Kind.LEAD
    ).exists()


def round_items(calibration_round: CalibrationRound) -> list[RoundItem]:
    return list(calibration_round.items.select_related("scenario").order_by("position"))


def round_progress(calibration_round: CalibrationRound) -> list[dict[str, Any]]:
    """How many scenarios each cohort member has answered: counts only, never the answers."""
    answered = dict(
        Answer.objects.filter(attempt__calibration_round=calibration_round)
        .values("attempt__user_id")
        .annotate(n=Count("pk"))
        .values_list("attempt__user_id", "n")
    )
    return [
        {"user": user, "answered": answered.get(user.pk, 0)} for user in calibration_round.cohort.order_by("username")
    ]


def reviewer_round_answers(calibration_round: CalibrationRound, user: User) -> dict[int, Answer]:
    """The reviewer's own answers in the round, by scenario id."""
    return {
        answer.scenario_id: answer
        for answer in Answer.objects.filter(attempt__calibration_round=calibration_round, attempt__user=user)
    }


def round_answers(calibration_round: CalibrationRound, *, reviewer: User | None = None) -> list[Answer]:
    """The answers given in the round (only `reviewer`'s when given), by reviewer username and then
    in the round's order, each with its reviewer. One query. Who may read them is the caller's rule."""
    position = RoundItem.objects.filter(
        calibration_round=OuterRef("attempt__calibration_round"), scenario=OuterRef("scenario")
    ).values("position")[:1]
    answers = Answer.objects.filter(attempt__calibration_round=calibration_round)
    if reviewer is not None:
        answers = answers.filter(attempt__user=reviewer)
    return list(
        answers.select_related("attempt__user")
        .annotate(position=Subquery(position))
        .order_by("attempt__user__username", "position", "scenario_id")
    )


@dataclass
class RoundScenarioResult:
    item: RoundItem
    gold_label: str
    gold: Any  # training.policy.Outcome
    distribution: list[tuple[str, int]]
    n_answers: int
    agreement: float
    facility: float
    split: bool
    notes: list[DiscussionNote]


@dataclass
class RoundResults:
    snapshot: AgreementSnapshot | None
    scenarios: list[RoundScenarioResult]
    most_split: RoundScenarioResult | None
    notes: list[DiscussionNote]
    clause_titles: dict[str, str]
    change: RoundChange | None = None
    policy_aware: PolicyAwareFigures | None = None


SPLIT_BELOW = 0.6  # per-scenario pairwise agreement under which a scenario "split" the cohort


def round_results(calibration_round: CalibrationRound) -> RoundResults:
    """Distribution, gold and agreement per scenario, for a CLOSED round only (blind until then)."""
    if calibration_round.closed_at is None:
        raise Http404("Results are shown once the round is closed.")
    items = round_items(calibration_round)
    version = calibration_round.policy_version
    matrices = _answer_matrices(calibration_round, [item.scenario_id for item in items])
    labels = matrices["decision"]
    golds = [gold_outcome(version, item.scenario.facts) for item in items]
    gold_labels = [decision_label(str(g.verdict), g.clause_id) for g in golds]
    stats = item_statistics(labels, gold_labels)
    notes = list(DiscussionNote.objects.filter(calibration_round=calibration_round).select_related("author"))
    results = []
    for item, gold, gold_label, stat in zip(items, golds, gold_labels, stats, strict=True):
        results.append(
            RoundScenarioResult(
                item=item,
                gold_label=gold_label,
                gold=gold,
                distribution=[(str(label), count) for label, count in stat.distribution],
                n_answers=stat.n_answers,
                agreement=stat.agreement,
                facility=stat.facility,
                split=stat.n_answers >= 2 and stat.agreement < SPLIT_BELOW,
                notes=[note for note in notes if note.scenario_id == item.scenario_id],
            )
        )
    measured = [r for r in results if r.n_answers >= 2]
    most_split = min(measured, key=lambda r: (r.agreement, r.item.position)) if measured else None
    if most_split is not None and not most_split.split:
        most_split = None
    snapshot = AgreementSnapshot.objects.filter(
        scope=AgreementSnapshot.Scope.ROUND, calibration_round=calibration_round
    ).first()
    policy = engine_policy(version)
    return RoundResults(
        snapshot=snapshot,
        scenarios=results,
        most_split=most_split,
        notes=[note for note in notes if note.scenario_id is None],
        clause_titles={clause_id: clause.title for clause_id, clause in policy.clauses.items()},
        change=_change_since_previous_round(calibration_round, labels, [item.scenario_id for item in items]),
        policy_aware=_policy_aware_figures(matrices, policy),
    )


ANSWER_PARTS = ("verdict", "clause_id", "action", "report_to_ncmec")


def _answer_matrices(calibration_round: CalibrationRound, scenario_ids: list[int]) -> dict[str, list[list[Any]]]:
    """Reviewers x scenarios (in the given order) for the decision label and each part of the answer;
    None where a reviewer gave no answer. One query."""
    answers = list(
        Answer.objects.filter(attempt__calibration_round=calibration_round)
        .exclude(verdict="")
        .values_list("attempt__user_id", "scenario_id", *ANSWER_PARTS)
    )
    users = sorted({row[0] for row in answers})
    position = {user_id: i for i, user_id in enumerate(users)}
    column = {scenario_id: i for i, scenario_id in enumerate(scenario_ids)}
    matrices: dict[str, list[list[Any]]] = {
        name: [[None] * len(scenario_ids) for _ in users] for name in ("decision", *ANSWER_PARTS)
    }
    for user_id, scenario_id, *parts in answers:
        if scenario_id not in column:
            continue
        row, col = position[user_id], column[scenario_id]
        matrices["decision"][row][col] = decision_label(parts[0], parts[1])
        for name, value in zip(ANSWER_PARTS, parts, strict=True):
            matrices[name][row][col] = value if value not in ("", None) else _NOT_GIVEN
    return matrices


_NOT_GIVEN = "(not given)"


def _decision_labels(calibration_round: CalibrationRound, scenario_ids: list[int]) -> list[list[str | None]]:
    """Reviewers x scenarios (in the given order): each reviewer's decision label, None where they gave none."""
    return _answer_matrices(calibration_round, scenario_ids)["decision"]


@dataclass(frozen=True)
class PolicyAwareFigures:
    """Agreement that knows the policy: a neighbouring clause counts as a partial agreement
    (analytics.agreement.decision_weights), beside agreement on each part of the answer."""

    alpha: float
    ac2: float
    parts: list[tuple[str, float]]  # (part, nominal alpha on that part alone)


PART_NAMES = {"verdict": "Verdict", "clause_id": "Clause", "action": "Action", "report_to_ncmec": "NCMEC report"}


def _policy_aware_figures(matrices: dict[str, list[list[Any]]], policy: Any) -> PolicyAwareFigures | None:
    decisions = matrices["decision"]
    labels = sorted({label for row in decisions for label in row if label is not None})
    if not decisions or len(labels) < 2:
        return None
    verdict_of = {clause_id: clause.verdict.value for clause_id, clause in policy.clauses.items()}
    verdict_of["none"] = "not_violating"
    kind_of = {clause_id: clause.kind.value for clause_id, clause in policy.clauses.items()}
    weights = decision_weights(labels, verdict_of, kind_of)
    return PolicyAwareFigures(
        alpha=krippendorff_alpha_weighted(decisions, weights, labels),
        ac2=gwet_ac2(decisions, weights, labels),
        parts=[(PART_NAMES[name], krippendorff_alpha(matrices[name])) for name in ANSWER_PARTS],
    )


@dataclass(frozen=True)
class RoundChange:
    """Alpha in this round minus alpha in the team's previous closed round, with its interval."""

    previous: CalibrationRound
    change: Interval
    shared_scenarios: int


def _change_since_previous_round(
    calibration_round: CalibrationRound, labels: list[list[str | None]], scenario_ids: list[int]
) -> RoundChange | None:
    previous = (
        CalibrationRound.objects.filter(
            team_id=calibration_round.team_id, closed_at__lt=calibration_round.closed_at, cancelled_at__isnull=True
        )
        .order_by("-closed_at")
        .first()
    )
    if previous is None or not labels:
        return None
    previous_ids = list(previous.items.order_by("position").values_list("scenario_id", flat=True))
    previous_labels = _decision_labels(previous, previous_ids)
    if not previous_labels:
        return None
    change = difference_interval(
        krippendorff_alpha,
        previous_labels,
        labels,
        units_before=previous_ids,
        units_after=scenario_ids,
        seed=calibration_round.pk,
    )
    return RoundChange(previous, change, len(set(previous_ids) & set(scenario_ids)))


def round_distribution(calibration_round: CalibrationRound) -> list[dict[str, Any]]:
    """Per scenario, in the round's order: the answer counts by decision label (no names), once
    the round is closed."""
    if calibration_round.closed_at is None:
        raise Http404("Results are shown once the round is closed.")
    counts: dict[int, Counter[str]] = {}
    for scenario_id, verdict, clause_id in Answer.objects.filter(
        attempt__calibration_round=calibration_round
    ).values_list("scenario_id", "verdict", "clause_id"):
        counts.setdefault(scenario_id, Counter())[decision_label(verdict, clause_id)] += 1
    return [
        {
            "scenario": item.scenario_id,
            "key": item.scenario.key,
            "distribution": dict(counts.get(item.scenario_id, Counter())),
        }
        for item in round_items(calibration_round)
    ]


def round_open_attempts(calibration_round: CalibrationRound) -> int:
    return Attempt.objects.filter(calibration_round=calibration_round, status=Attempt.Status.IN_PROGRESS).count()


def cohort_candidates(teams: QuerySet[Team]) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__team__in=teams, memberships__kind=TeamMembership.Kind.MEMBER)
        .distinct()
        .order_by("username")
    )
