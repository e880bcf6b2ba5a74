"""Demo history for calibration and agreement: about sixteen weeks of answers by the demo reviewers
on shared published scenarios, their sittings of the certification assessment (certified when they
passed), a few closed rounds with notes, one open round, then snapshots.

Plausible, not random noise: each reviewer has a skill level; one scenario is genuinely contested
(reviewers split between its gold clause and a neighbouring one); Team South's agreement falls
over the last weeks; one reviewer's kappa against gold falls. Idempotent (a marker quiz) and fast
(bulk_create). Works from whatever published case scenarios exist.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Team, TeamMembership, User
from analytics.snapshots import snapshots_compute
from calibration.models import CalibrationRound, DiscussionNote, RoundItem
from quiz.models import Answer, Attempt, AttemptItem, Certification, Quiz
from quiz.scoring import passes, rubric_from_dict
from quiz.services.attempts import answer_score
from quiz.services.exposure import attempt_results_exposures_record, round_results_exposures_record
from training.models import PolicyVersion, Scenario
from training.policy import Policy
from training.selectors import engine_policy, gold_outcome, published_policy_version

MARKER_TITLE = "Weekly shared set (demo history)"
WEEKS = 16
PER_WEEK = 10
MIN_SCENARIOS = 6
ROUND_SIZE = 6
# Scenarios no demo reviewer sees graded: the open round takes ROUND_SIZE, and the rest leave every
# team a blind round of at least 12.
BLIND_RESERVE = 24
# Skill: the chance a reviewer gives the gold decision on an ordinary case.
SKILL = {"trainee": 0.9, "amira": 0.98, "ben": 0.95, "chen": 0.93, "dara": 0.9}
SKILL.update({"eli": 0.97, "fatima": 0.95, "gus": 0.93, "hana": 0.94})
DRIFTING_TEAM = "Trust & Safety South"
DRIFTING_REVIEWER = "ben"
DRIFT_WEEKS = 3
NOTES = (
    "The split came from whether the folder link alone decides the case. The rule that applies looks at "
    "what the post says the link holds, not at whether anyone opened it; agreed to re-read that rule together.",
    "Most of the team agreed. The one disagreement was about a post that argues against exploitation; "
    "we walked through why advocacy is permitted even when the topic is named plainly.",
    "Reviewers hesitated between two behaviour clauses. Agreed: the clause follows what the account "
    "asks for, not the wording it uses. Raised with the policy team as possibly unclear guidance.",
)


def _decision(policy: Policy, clause_id: str | None) -> dict[str, Any]:
    if clause_id is None:
        return {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False}
    clause = policy.clauses[clause_id]
    violating = clause.verdict.value == "violating"
    return {
        "verdict": clause.verdict.value,
        "clause_id": clause_id,
        "action": "permanent_suspension" if violating else "no_action",
        "report_to_ncmec": bool(clause.report_to_ncmec),
    }


def _alternative(policy: Policy, gold_clause: str | None, rng: random.Random) -> str | None:
    """A plausible wrong decision: a clause of the same kind, or the other side of the line."""
    if gold_clause is None:
        return rng.choice([c.id for c in policy.clauses.values() if c.kind.value == "permitted"] or [None])
    kind = policy.clauses[gold_clause].kind
    same = [c.id for c in policy.clauses.values() if c.kind is kind and c.id != gold_clause]
    return rng.choice(same) if same and rng.random() < 0.7 else None


class _Builder:
    def __init__(self, version: PolicyVersion, scenarios: list[Scenario], now: dt.datetime) -> None:
        self.version = version
        self.policy = engine_policy(version)
        self.rubric = rubric_from_dict({})
        self.scenarios = scenarios
        self.now = now
        self.gold = {s.pk: gold_outcome(version, s.facts).as_dict() for s in scenarios}
        rng = random.Random(4821)
        self.alternatives = {s.pk: _alternative(self.policy, self.gold[s.pk]["clause_id"], rng) for s in scenarios}
        self.contested_scenario = scenarios[0]
        self.contested = scenarios[0].pk  # reviewers split on this one every time it comes up
        self.attempts: list[Attempt] = []
        self.items: list[tuple[Attempt, list[int]]] = []
        self.answers: list[tuple[Attempt, Scenario, dict[str, Any], dt.datetime]] = []

    def decide(self, rng: random.Random, skill: float, scenario: Scenario) -> dict[str, Any]:
        gold_clause = self.gold[scenario.pk]["clause_id"]
        if scenario.pk == self.contested:
            skill = 0.5
        if rng.random() < skill:
            gold = self.gold[scenario.pk]
            # A reviewer who gets the clause right usually gets the rest right too.
            decision = {key: gold[key] for key in ("verdict", "action", "report_to_ncmec", "report_route")}
            decision["clause_id"] = gold_clause or ""
            if rng.random() > skill:
                decision["action"] = "permanent_suspension" if gold["verdict"] == "violating" else "no_action"
            return decision
        return {**_decision(self.policy, self.alternatives[scenario.pk]), "report_route": ""}

    def attempt(self, user: User, started: dt.datetime, scenarios: list[Scenario], **kwargs: Any) -> Attempt:
        attempt = Attempt(
            user=user,
            policy_version=self.version,
            seed=len(self.attempts) + 1,
            status=Attempt.Status.SUBMITTED,
            started_at=started,
            submitted_at=started + dt.timedelta(minutes=25),
            rubric=self.rubric.as_dict(),
            **kwargs,
        )
        self.attempts.append(attempt)
        self.items.append((attempt, [s.pk for s in scenarios]))
        return attempt

    def save(self) -> None:
        Attempt.objects.bulk_create(self.attempts)
        AttemptItem.objects.bulk_create(
            AttemptItem(attempt=attempt, scenario_id=scenario_id, position=position)
            for attempt, ids in self.items
            for position, scenario_id in enumerate(ids, start=1)
        )
        rows = []
        for attempt, scenario, given, answered_at in self.answers:
            expected, result = answer_score(version=self.version, rubric=self.rubric, scenario=scenario, given=given)
            rows.append(
                Answer(
                    attempt=attempt,
                    scenario=scenario,
                    confidence=4 if result.is_correct else 3,
                    answered_at=answered_at,
                    expected=expected,
                    scored_policy_version=self.version,
                    scored_rubric=self.rubric.as_dict(),
                    points=result.points,
                    max_points=result.max_points,
                    part_results=result.parts_as_dict(),
                    is_correct=result.is_correct,
                    is_critical_miss=result.is_critical_miss,
                    **given,
                )
            )
        Answer.objects.bulk_create(rows, batch_size=500)
        by_attempt: dict[int, list[Answer]] = {}
        for answer in rows:
            by_attempt.setdefault(answer.attempt_id, []).append(answer)
        for attempt in self.attempts:
            answers = by_attempt.get(attempt.pk, [])
            available = sum(a.max_points for a in answers)
            attempt.score = sum(a.points for a in answers) / available if available else None
            attempt.critical_misses = sum(a.is_critical_miss for a in answers)
        Attempt.objects.bulk_update(self.attempts, ["score", "critical_misses"], batch_size=500)


def _members(team: Team) -> list[User]:
    return list(
        User.objects.filter(memberships__team=team, memberships__kind=TeamMembership.Kind.MEMBER).order_by("username")
    )


def _lead(team: Team) -> User | None:
    return User.objects.filter(memberships__team=team, memberships__kind=TeamMembership.Kind.LEAD).first()


@transaction.atomic
def demo_history_create(users: dict[str, User]) -> None:
    """Create the demo history once; a second call changes nothing."""
    if Quiz.objects.filter(title=MARKER_TITLE).exists():
        return
    version = published_policy_version()
    scenarios = list(
        Scenario.objects.filter(
            status=Scenario.Status.PUBLISHED, is_worked_example=False, kind=Scenario.Kind.CASE
        ).order_by("key")
    )
    teams = list(Team.objects.filter(memberships__user__in=list(users.values())).distinct().order_by("name"))
    if version is None or len(scenarios) < MIN_SCENARIOS or not teams:
        return
    now = timezone.now()
    builder = _Builder(version, scenarios, now)
    quiz = Quiz.objects.create(
        title=MARKER_TITLE,
        description="Shared scenarios answered by every reviewer each week, so agreement can be measured.",
        mode=Quiz.Mode.PRACTICE,
        question_count=PER_WEEK,
        is_active=False,
        policy_version=version,
    )
    rng = random.Random(2020)
    pools = _pools(builder.scenarios)
    this_monday = (now - dt.timedelta(days=now.weekday())).replace(hour=10, minute=0, second=0, microsecond=0)
    for week in range(WEEKS, 0, -1):
        monday = this_monday - dt.timedelta(weeks=week)
        weekly = [builder.contested_scenario] if week % 3 == 0 else []
        weekly += rng.sample(pools.practice, min(PER_WEEK - len(weekly), len(pools.practice)))
        for team in teams:
            for user in _members(team):
                skill = SKILL.get(user.username, 0.9)
                if team.name == DRIFTING_TEAM and week <= DRIFT_WEEKS:
                    skill -= 0.32
                if user.username == DRIFTING_REVIEWER and week <= DRIFT_WEEKS + 1:
                    skill -= 0.45
                started = monday + dt.timedelta(days=rng.randint(0, 4), hours=rng.randint(0, 6))
                attempt = builder.attempt(user, started, weekly, quiz=quiz, mode=Quiz.Mode.PRACTICE)
                for offset, scenario in enumerate(weekly):
                    builder.answers.append(
                        (
                            attempt,
                            scenario,
                            builder.decide(rng, skill, scenario),
                            started + dt.timedelta(minutes=2 * offset),
                        )
                    )
    assessments = _demo_assessments(builder, teams, this_monday, rng, pools)
    rounds = _demo_rounds(builder, teams, this_monday, rng, pools)
    builder.save()
    _certify(assessments)
    # What the demo reviewers have seen graded, as the services would have recorded it.
    for attempt in builder.attempts:
        if attempt.quiz_id is not None:
            attempt_results_exposures_record(attempt=attempt, shown_at=attempt.submitted_at)
    for calibration_round, _ in rounds:
        if calibration_round.closed_at is not None:
            round_results_exposures_record(calibration_round=calibration_round, shown_at=calibration_round.closed_at)
    for calibration_round, note in rounds:
        if note:
            DiscussionNote.objects.create(
                calibration_round=calibration_round, author=_lead(calibration_round.team), text=note
            )
    snapshots_compute(today=timezone.localdate())


CERTIFICATION_TITLE = "CSE policy certification"


def _demo_assessments(
    builder: _Builder, teams: list[Team], this_monday: dt.datetime, rng: random.Random, pools: _Pools
) -> list[Attempt]:
    """Each reviewer sat the certification assessment once or twice (a recertification three weeks
    later), between six and two weeks ago, on practised scenarios only (so rounds stay blind)."""
    assessment = Quiz.objects.filter(title=CERTIFICATION_TITLE, mode=Quiz.Mode.ASSESSMENT).first()
    if assessment is None or len(pools.practice) < assessment.question_count:
        return []
    sat = []
    for team in teams:
        for user in _members(team):
            skill = SKILL.get(user.username, 0.9) - 0.05
            for sitting in range(2):
                started = this_monday - dt.timedelta(weeks=6 - 3 * sitting, days=-rng.randint(0, 4), hours=-2)
                drawn = rng.sample(pools.practice, assessment.question_count)
                attempt = builder.attempt(
                    user,
                    started,
                    drawn,
                    quiz=assessment,
                    mode=Quiz.Mode.ASSESSMENT,
                    deadline_at=started + dt.timedelta(minutes=assessment.time_limit_minutes or 20),
                )
                for offset, scenario in enumerate(drawn):
                    builder.answers.append(
                        (
                            attempt,
                            scenario,
                            builder.decide(rng, skill, scenario),
                            started + dt.timedelta(minutes=offset),
                        )
                    )
                sat.append(attempt)
                if rng.random() < 0.6:  # most sit it once
                    break
    return sat


def _certify(assessments: list[Attempt]) -> None:
    """Pass or fail each demo assessment as attempt_submit would, and certify the passes."""
    for attempt in assessments:
        attempt.passed = passes(attempt.score or 0.0, attempt.critical_misses, attempt.quiz.pass_mark_percent)
    Attempt.objects.bulk_update(assessments, ["passed"])
    Certification.objects.bulk_create(
        Certification(
            user=attempt.user,
            attempt=attempt,
            policy_version=attempt.policy_version,
            score=attempt.score,
            certified_at=attempt.submitted_at,
        )
        for attempt in assessments
        if attempt.passed
    )


@dataclass
class _Pools:
    """Which scenarios the demo history uses where, so that every round is blind when it opens and every
    team is left with scenarios nobody in it has seen graded, for a lead's first round."""

    practice: list[Scenario]
    rounds: list[list[Scenario]]  # one set per closed round of a team, never seen before the round
    unseen: list[Scenario]  # the open round takes some; the rest stay blind for every team


def _pools(scenarios: list[Scenario]) -> _Pools:
    rest = scenarios[1:]  # the contested one is practised, never put in a round
    unseen = rest[::3][:BLIND_RESERVE]
    others = [s for s in rest if s not in unseen]
    rounds = [others[:ROUND_SIZE], others[ROUND_SIZE : 2 * ROUND_SIZE]]
    return _Pools(practice=[scenarios[0], *others[2 * ROUND_SIZE :]], rounds=rounds, unseen=unseen)


def _demo_rounds(
    builder: _Builder, teams: list[Team], this_monday: dt.datetime, rng: random.Random, pools: _Pools
) -> list[tuple[CalibrationRound, str]]:
    plans = []
    for index, team in enumerate(teams):
        for number, weeks_ago in enumerate((10, 5)):
            title = f"{team.name}: monthly calibration, weeks ago {weeks_ago}"
            plans.append((team, title, weeks_ago, pools.rounds[number], NOTES[(index + number) % len(NOTES)]))
    if teams:
        plans.append((teams[0], f"{teams[0].name}: this month's calibration", 0, pools.unseen[:ROUND_SIZE], None))
    created = []
    for team, title, weeks_ago, chosen, note in plans:
        closed = note is not None
        members = _members(team)
        if len(members) < 2 or not chosen:
            continue
        opens = this_monday - dt.timedelta(weeks=weeks_ago)
        calibration_round = CalibrationRound.objects.create(
            team=team,
            title=title,
            policy_version=builder.version,
            opens_at=opens,
            closes_at=opens + dt.timedelta(days=5) if closed else builder.now + dt.timedelta(days=5),
            closed_at=opens + dt.timedelta(days=5, hours=2) if closed else None,
            created_by=_lead(team),
        )
        calibration_round.cohort.set(members)
        RoundItem.objects.bulk_create(
            RoundItem(calibration_round=calibration_round, scenario=s, position=i)
            for i, s in enumerate(chosen, start=1)
        )
        if closed:
            for user in members:
                started = opens + dt.timedelta(days=rng.randint(0, 3), hours=1)
                attempt = builder.attempt(
                    user,
                    started,
                    chosen,
                    calibration_round=calibration_round,
                    mode="calibration",
                    deadline_at=calibration_round.closes_at,
                )
                skill = SKILL.get(user.username, 0.9)
                for offset, scenario in enumerate(chosen):
                    builder.answers.append(
                        (
                            attempt,
                            scenario,
                            builder.decide(rng, skill, scenario),
                            started + dt.timedelta(minutes=3 * offset),
                        )
                    )
        created.append((calibration_round, note or ""))
    return created
