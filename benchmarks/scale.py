"""Concordance at scale: build a realistic organisation on PostgreSQL, then time the batch jobs, answer
submission and the heaviest pages against it, in one run.

    python benchmarks/scale.py --answers 100000 [--requests 2000] [--page-requests 40] [--keep]

It creates its own throwaway database on 127.0.0.1 (user postgres, trust auth; ``--database-url`` to
point elsewhere), migrates it, and builds with COPY (no service call per answer): the shipped policy and
scenario bank, a draft version, 2,000 reviewers in 40 teams with their leads, answers spread over the
last 52 weeks in quiz attempts (each team's weekly set, and practice draws) and in a few hundred closed
calibration rounds. Every model constraint holds; answers are scored by the real engine and rubric.

Then it measures, in order:

* ``snapshots_first_s``: ``snapshots_compute()`` on empty snapshot tables; ``snapshots_full_s``:
  ``snapshots_compute(recompute=True)``, everything measured again and replaced (rounds, every team's
  weeks and months, all teams together, every scenario's figures); ``snapshots_incremental_s``: the
  command's ordinary run (only the current periods); ``snapshots_sweep_noop_s``: the daily sweep when
  nothing is new;
* ``snapshots_after_round_close_s``: a round with a 20-reviewer cohort is answered this week and closed
  (``round_close``), then the refresh its task runs (``snapshots_refresh``) is timed;
* ``rescore_dry_run_*``: ``manage.py rescore --policy-version <draft>`` in a subprocess: wall time, peak
  resident memory (``os.wait4``'s ``ru_maxrss``) and answers checked per second;
* answer submission through gunicorn (production settings, 2 sync workers, 127.0.0.1 only) at
  concurrency 8, a bounded number of requests: ``POST /api/attempts/<id>/answers/`` on open practice
  attempts, beside two floors measured the same way in the same run: a bare indexed ``INSERT`` through
  psycopg and a trivial view (the app's session and user lookup, then a tiny JSON response);
* p95 of the lead dashboard, the all-teams overview, the contested queue and the item analysis (and the
  two CSV exports), sequential requests through gunicorn, with each page's query count taken in-process.

The last line of output is one JSON object with every figure. Nothing here is a test: timings depend on
the machine, and the figures go into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET_KEY = "scale-benchmark-not-a-secret-" + "x" * 40
TEAMS = 40
REVIEWERS_PER_TEAM = 50
WEEKS = 52
ITEMS_PER_ATTEMPT = 10
ROUNDS = 300
ROUND_ITEMS = 8
ROUND_SHARE = 0.1  # share of the answers given in calibration rounds
WEEKLY_SET_SHARE = 0.6  # share of quiz attempts on the team's weekly shared set
HOST = "127.0.0.1"
GIVEN_PARTS = ("verdict", "clause_id", "action", "report_to_ncmec", "report_route")
CONCURRENCY = 8
# Extra gunicorn options, e.g. BENCH_GUNICORN="--threads 4" (still two worker processes).
GUNICORN_EXTRA = os.environ.get("BENCH_GUNICORN", "").split()


# --------------------------------------------------------------------------------------
# Serving a trivial view beside the app (gunicorn loads ``benchmarks.scale:application``)
# --------------------------------------------------------------------------------------

_application: Any = None


def trivial(request: Any) -> Any:
    """The floor of an authenticated request: session and user lookups, a tiny JSON answer."""
    from django.http import JsonResponse

    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Log in."}, status=403)
    return JsonResponse({"user": request.user.pk})


def __getattr__(name: str) -> Any:
    # This module doubles as the URLconf gunicorn serves: the app's URLs plus the trivial view.
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("bench/trivial/", trivial), path("", include("config.urls"))]
    raise AttributeError(name)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
    global _application
    if _application is None:
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()
        settings.ROOT_URLCONF = __name__
    return _application(environ, start_response)


# --------------------------------------------------------------------------------------
# Database and Django setup
# --------------------------------------------------------------------------------------


def create_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ.setdefault("TASKS_BACKEND", "database")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def say(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------------------
# Building the organisation
# --------------------------------------------------------------------------------------


def copy_rows(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """COPY rows (dicts by attname, ids included) into ``model``'s table; defaults fill the rest."""
    from django.db import connection, models

    if not rows:
        return
    fields = list(model._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = []
            for f in fields:
                value = row[f.attname] if f.attname in row else defaults[f.attname]
                values.append(json.dumps(value) if f.attname in json_fields and value is not None else value)
            copy.write_row(values)


def reset_sequences(*models: Any) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


class Org:
    """Ids of what was built, for the measurements."""

    def __init__(self) -> None:
        self.teams: list[int] = []
        self.members: dict[int, list[int]] = {}
        self.leads: dict[int, int] = {}
        self.policy_member = 0
        self.trainees: list[int] = []
        self.draft_label = ""
        self.case_scenarios: list[int] = []
        self.answers = 0
        self.rounds = 0


def build(n_answers: int, seed: int = 4821) -> Org:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, Team, TeamMembership, User
    from calibration.models import CalibrationRound, RoundItem
    from quiz.models import Answer, Attempt, AttemptItem, Certification, Quiz
    from quiz.scoring import AnswerKey, passes, rubric_from_dict, score_answer
    from quiz.services.attempts import expected_from_outcome
    from training.models import Scenario
    from training.selectors import engine_policy, gold_outcome, published_policy_version, quiz_scenarios
    from training.services import policy_version_create_draft, policy_version_update_draft

    rng = random.Random(seed)
    org = Org()
    call_command("load_policy", publish=True, verbosity=0)
    call_command("import_scenarios", verbosity=0)
    version = published_policy_version()
    assert version is not None
    policy = engine_policy(version)
    rubric = rubric_from_dict({})
    rubric_dict = rubric.as_dict()
    today = timezone.localdate()
    first_day = today - dt.timedelta(weeks=WEEKS) + dt.timedelta(days=1)

    # People: a policy-team member, 40 leads, 2,000 reviewers, 40 teams.
    password = make_password(secrets.token_urlsafe(16))
    users = [User(username="policy-1", role=Role.POLICY_TEAM, password=password)]
    users += [User(username=f"lead-{t:02d}", role=Role.TEAM_LEAD, password=password) for t in range(TEAMS)]
    users += [
        User(username=f"reviewer-{t:02d}-{r:02d}", role=Role.TRAINEE, password=password)
        for t in range(TEAMS)
        for r in range(REVIEWERS_PER_TEAM)
    ]
    User.objects.bulk_create(users, batch_size=1000)
    by_name = dict(User.objects.values_list("username", "pk"))
    org.policy_member = by_name["policy-1"]
    Team.objects.bulk_create([Team(name=f"Trust & Safety {t:02d}") for t in range(TEAMS)])
    team_ids = list(Team.objects.order_by("name").values_list("pk", flat=True))
    memberships = []
    for t, team_id in enumerate(team_ids):
        org.teams.append(team_id)
        org.leads[team_id] = by_name[f"lead-{t:02d}"]
        memberships.append(TeamMembership(team_id=team_id, user_id=org.leads[team_id], kind="lead"))
        org.members[team_id] = [by_name[f"reviewer-{t:02d}-{r:02d}"] for r in range(REVIEWERS_PER_TEAM)]
        memberships += [TeamMembership(team_id=team_id, user_id=u, kind="member") for u in org.members[team_id]]
        org.trainees += org.members[team_id]
    TeamMembership.objects.bulk_create(memberships, batch_size=2000)

    # A draft that extends NCMEC reports to B4-B6 (as the demo's): what the rescore dry run scores against.
    draft = policy_version_create_draft(policy="cse", version="scale-draft", created_by=None)
    document = draft.document
    for clause in document["clauses"]:
        if clause["id"] in {"B4", "B5", "B6"}:
            clause["report_to_ncmec"] = True
    policy_version_update_draft(version=draft, document=document)
    org.draft_label = "scale-draft"

    # Scenarios with their gold answers, difficulty and a plausible wrong decision.
    scenarios = list(quiz_scenarios().only("pk", "kind", "facts", "difficulty", "intended_clause"))
    expected = {s.pk: expected_from_outcome(gold_outcome(version, s.facts)) for s in scenarios}
    kind = {s.pk: s.kind for s in scenarios}
    hard = {s.pk: {"easy": 0.0, "medium": 0.06, "hard": 0.15}.get(s.difficulty, 0.06) for s in scenarios}
    case_ids = [s.pk for s in scenarios if s.kind == Scenario.Kind.CASE]
    org.case_scenarios = case_ids
    routes = list(policy.reporting_routes)
    clauses_by_kind: dict[str, list[str]] = {}
    for clause in policy.clauses.values():
        clauses_by_kind.setdefault(clause.kind.value, []).append(clause.id)

    def wrong(scenario_id: int) -> dict[str, Any]:
        gold = expected[scenario_id]
        if kind[scenario_id] == Scenario.Kind.REPORTING:
            return {"report_route": rng.choice([r for r in routes if r != gold["report_route"]] or routes)}
        if gold["clause_id"] and rng.random() < 0.7:
            same = [c for c in clauses_by_kind[policy.clauses[gold["clause_id"]].kind.value] if c != gold["clause_id"]]
            clause_id = rng.choice(same) if same else ""
        elif gold["clause_id"]:
            clause_id = ""
        else:
            clause_id = rng.choice([*clauses_by_kind.get("permitted", []), ""])
        verdict = policy.clauses[clause_id].verdict.value if clause_id else "not_violating"
        action = "permanent_suspension" if verdict == "violating" else "no_action"
        report = bool(policy.clauses[clause_id].report_to_ncmec) if clause_id else False
        return {"verdict": verdict, "clause_id": clause_id, "action": action, "report_to_ncmec": report}

    def given_for(scenario_id: int, skill: float) -> dict[str, Any]:
        gold = expected[scenario_id]
        if rng.random() < skill - hard[scenario_id]:
            if kind[scenario_id] == Scenario.Kind.REPORTING:
                return {"report_route": gold["report_route"]}
            return {k: gold[k] for k in ("verdict", "clause_id", "action", "report_to_ncmec")}
        return wrong(scenario_id)

    score_cache: dict[tuple[Any, ...], Any] = {}

    def scored(scenario_id: int, given: dict[str, Any]) -> Any:
        key = (
            scenario_id,
            *(given.get(k) for k in ("verdict", "clause_id", "action", "report_to_ncmec", "report_route")),
        )
        if key not in score_cache:
            gold = expected[scenario_id]
            score_cache[key] = score_answer(
                AnswerKey(
                    verdict=given.get("verdict", ""),
                    clause_id=given.get("clause_id", ""),
                    action=given.get("action", ""),
                    report_to_ncmec=given.get("report_to_ncmec"),
                    report_route=given.get("report_route", ""),
                ),
                AnswerKey(
                    verdict=gold["verdict"],
                    clause_id=gold["clause_id"],
                    action=gold["action"],
                    report_to_ncmec=gold["report_to_ncmec"],
                    report_route=gold["report_route"],
                ),
                rubric,
                kind[scenario_id],
            )
        return score_cache[key]

    # Skill per reviewer; three teams drift down over the last six weeks.
    skill = {u: rng.uniform(0.62, 0.97) for u in org.trainees}
    drifting = set(org.teams[:3])
    team_of = {u: team_id for team_id, members in org.members.items() for u in members}

    def skill_on(user_id: int, day: dt.date) -> float:
        base = skill[user_id]
        if team_of[user_id] in drifting and (today - day).days < 42:
            base -= 0.35
        return base

    quizzes = [
        Quiz(title=f"Practice set {i}", mode="practice", question_count=ITEMS_PER_ATTEMPT, is_shared=True)
        for i in range(6)
    ] + [
        Quiz(title=f"Assessment {i}", mode="assessment", question_count=ITEMS_PER_ATTEMPT, is_shared=True)
        for i in range(2)
    ]
    Quiz.objects.bulk_create(quizzes)
    quiz_rows = list(Quiz.objects.values_list("pk", "mode", "pass_mark_percent"))

    attempts: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    certifications: list[dict[str, Any]] = []
    ids = {"attempt": 0, "item": 0, "answer": 0, "round": 0, "round_item": 0, "cohort": 0, "cert": 0}

    def next_id(name: str) -> int:
        ids[name] += 1
        return ids[name]

    latest_start = timezone.now() - dt.timedelta(hours=1)  # every answer is in the past

    def moment(day: dt.date) -> dt.datetime:
        clock = dt.time(rng.randint(7, 19), rng.randint(0, 59), rng.randint(0, 59))
        return min(timezone.make_aware(dt.datetime.combine(day, clock)), latest_start)

    def answer_set(
        user_id: int,
        scenario_ids: Sequence[int],
        started: dt.datetime,
        *,
        quiz: tuple[int, str, int] | None,
        round_id: int | None,
    ) -> None:
        attempt_id = next_id("attempt")
        points_total = max_total = 0.0
        critical = 0
        for position, scenario_id in enumerate(scenario_ids, start=1):
            items.append(
                {
                    "id": next_id("item"),
                    "attempt_id": attempt_id,
                    "scenario_id": scenario_id,
                    "position": position,
                    "seen_before": False,
                }
            )
            given = given_for(scenario_id, skill_on(user_id, started.date()))
            result = scored(scenario_id, given)
            answers.append(
                {
                    "id": next_id("answer"),
                    "attempt_id": attempt_id,
                    "scenario_id": scenario_id,
                    "verdict": given.get("verdict", ""),
                    "clause_id": given.get("clause_id", ""),
                    "action": given.get("action", ""),
                    "report_to_ncmec": given.get("report_to_ncmec"),
                    "report_route": given.get("report_route", ""),
                    "confidence": rng.randint(2, 5),
                    "rationale": "",
                    "answered_at": started + dt.timedelta(seconds=40 * position),
                    "expected": expected[scenario_id],
                    "scored_policy_version_id": version.pk,
                    "scored_rubric": rubric_dict,
                    "points": result.points,
                    "max_points": result.max_points,
                    "part_results": result.parts_as_dict(),
                    "is_correct": result.is_correct,
                    "is_critical_miss": result.is_critical_miss,
                }
            )
            points_total += result.points
            max_total += result.max_points
            critical += result.is_critical_miss
        score = max(0.0, points_total) / max_total if max_total else 0.0
        mode = quiz[1] if quiz else "calibration"
        passed = passes(score, critical, quiz[2]) if quiz and mode == "assessment" else None
        submitted = started + dt.timedelta(seconds=40 * (len(scenario_ids) + 1))
        attempts.append(
            {
                "id": attempt_id,
                "user_id": user_id,
                "quiz_id": quiz[0] if quiz else None,
                "calibration_round_id": round_id,
                "mode": mode,
                "policy_version_id": version.pk,
                "rubric": rubric_dict,
                "seed": rng.randrange(2**31),
                "status": "submitted",
                "started_at": started,
                "deadline_at": None,
                "submitted_at": submitted,
                "score": score,
                "critical_misses": critical,
                "passed": passed,
            }
        )
        if passed:
            certifications.append(
                {
                    "id": next_id("cert"),
                    "user_id": user_id,
                    "attempt_id": attempt_id,
                    "policy_version_id": version.pk,
                    "score": score,
                    "certified_at": submitted,
                }
            )

    # Calibration rounds: a few hundred, closed, spread over the year, each a team's cohort on a blind set.
    round_answers = int(n_answers * ROUND_SHARE)
    cohort_size = max(4, min(REVIEWERS_PER_TEAM, round(round_answers / ROUNDS / ROUND_ITEMS)))
    rounds, round_items, cohorts = [], [], []
    for r in range(ROUNDS):
        team_id = org.teams[r % TEAMS]
        opens = moment(first_day + dt.timedelta(days=rng.randrange(WEEKS * 7 - 8)))
        round_id = next_id("round")
        set_ids = rng.sample(case_ids, ROUND_ITEMS)
        rounds.append(
            {
                "id": round_id,
                "team_id": team_id,
                "title": f"Round {r + 1}",
                "policy_version_id": version.pk,
                "opens_at": opens,
                "closes_at": opens + dt.timedelta(days=7),
                "closed_at": opens + dt.timedelta(days=7),
                "cancelled_at": None,
                "cancelled_by_id": None,
                "created_by_id": org.leads[team_id],
                "created_at": opens,
            }
        )
        for position, scenario_id in enumerate(set_ids, start=1):
            round_items.append(
                {
                    "id": next_id("round_item"),
                    "calibration_round_id": round_id,
                    "scenario_id": scenario_id,
                    "position": position,
                }
            )
        for user_id in rng.sample(org.members[team_id], cohort_size):
            cohorts.append({"id": next_id("cohort"), "calibrationround_id": round_id, "user_id": user_id})
            answer_set(user_id, set_ids, opens + dt.timedelta(hours=rng.randint(1, 140)), quiz=None, round_id=round_id)
    org.rounds = ROUNDS

    # Quiz attempts for the rest: each team has a weekly shared set; the other attempts draw at random.
    weekly_sets = {
        (team_id, week): rng.sample(case_ids, ITEMS_PER_ATTEMPT) for team_id in org.teams for week in range(WEEKS)
    }
    remaining = n_answers - len(answers)
    for _ in range(max(0, remaining // ITEMS_PER_ATTEMPT)):
        user_id = rng.choice(org.trainees)
        week = rng.randrange(WEEKS)
        day = first_day + dt.timedelta(days=week * 7 + rng.randrange(7))
        if day > today:
            day = today
        if rng.random() < WEEKLY_SET_SHARE:
            set_ids = weekly_sets[(team_of[user_id], week)]
        else:
            set_ids = rng.sample([s.pk for s in scenarios], ITEMS_PER_ATTEMPT)
        answer_set(user_id, set_ids, moment(day), quiz=rng.choice(quiz_rows), round_id=None)
    org.answers = len(answers)

    from django.apps import apps

    cohort_model = apps.get_model("calibration", "CalibrationRound").cohort.through
    with transaction.atomic():
        copy_rows(CalibrationRound, rounds)
        copy_rows(RoundItem, round_items)
        copy_rows(cohort_model, cohorts)
        copy_rows(Attempt, attempts)
        copy_rows(AttemptItem, items)
        copy_rows(Answer, answers)
        copy_rows(Certification, certifications)
        reset_sequences(CalibrationRound, RoundItem, cohort_model, Attempt, AttemptItem, Answer, Certification)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org


def org_from_database() -> Org:
    """What ``build`` made, read back from a kept database (``--reuse``)."""
    from accounts.models import Role, Team, TeamMembership, User
    from calibration.models import CalibrationRound
    from quiz.models import Answer
    from training.models import Scenario
    from training.selectors import quiz_scenarios

    org = Org()
    org.teams = list(Team.objects.order_by("name").values_list("pk", flat=True))
    for team_id, user_id, kind in TeamMembership.objects.values_list("team_id", "user_id", "kind"):
        if kind == TeamMembership.Kind.LEAD:
            org.leads[team_id] = user_id
        else:
            org.members.setdefault(team_id, []).append(user_id)
    org.trainees = [user_id for team_id in org.teams for user_id in sorted(org.members.get(team_id, []))]
    org.policy_member = User.objects.filter(role=Role.POLICY_TEAM).order_by("pk").values_list("pk", flat=True)[0]
    org.draft_label = "scale-draft"
    org.case_scenarios = list(quiz_scenarios().filter(kind=Scenario.Kind.CASE).values_list("pk", flat=True))
    org.answers = Answer.objects.count()
    org.rounds = CalibrationRound.objects.filter(closed_at__isnull=False).count()
    return org


# --------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[position]


def round_close_refresh(org: Org) -> dict[str, float]:
    """A round answered this week by a 20-reviewer cohort, closed; then the refresh its task runs."""
    from django.utils import timezone

    from accounts.models import User
    from analytics.snapshots import snapshots_refresh
    from calibration.models import CalibrationRound, RoundItem
    from calibration.services import round_close
    from quiz.models import Answer, Attempt, AttemptItem
    from training.selectors import published_policy_version

    team_id = org.teams[-1]
    lead = User.objects.get(pk=org.leads[team_id])
    version = published_policy_version()
    now = timezone.now()
    opens = now - dt.timedelta(hours=2)
    calibration_round = CalibrationRound.objects.create(
        team_id=team_id,
        title="This week's round",
        policy_version=version,
        opens_at=opens,
        closes_at=now + dt.timedelta(days=1),
        created_by=lead,
    )
    scenario_ids = random.Random(7).sample(org.case_scenarios, ROUND_ITEMS)
    RoundItem.objects.bulk_create(
        RoundItem(calibration_round=calibration_round, scenario_id=s, position=i) for i, s in enumerate(scenario_ids, 1)
    )
    cohort = org.members[team_id][:20]
    calibration_round.cohort.set(cohort)
    for user_id in cohort:
        attempt = Attempt.objects.create(
            user_id=user_id,
            calibration_round=calibration_round,
            mode="calibration",
            policy_version=version,
            rubric={},
            seed=1,
            started_at=opens,
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(attempt=attempt, scenario_id=s, position=i) for i, s in enumerate(scenario_ids, 1)
        )
        Answer.objects.bulk_create(
            Answer(
                attempt=attempt,
                scenario_id=s,
                verdict="violating",
                clause_id=random.choice(["V4", "V3", "B5"]),
                action="permanent_suspension",
                report_to_ncmec=True,
                answered_at=opens + dt.timedelta(minutes=i),
            )
            for i, s in enumerate(scenario_ids, 1)
        )
    close_s, _ = timed(lambda: round_close(calibration_round=calibration_round, closed_by=lead))
    days = {
        timezone.localdate(a)
        for a in Answer.objects.filter(attempt__calibration_round=calibration_round).values_list(
            "answered_at", flat=True
        )
    }
    refresh_s, _ = timed(lambda: snapshots_refresh(user_ids=cohort, days=days, scenario_ids=scenario_ids))
    return {"round_close_s": close_s, "snapshots_after_round_close_s": refresh_s}


# The rescore dry run, in its own process: it reports its peak resident memory (VmHWM, which exec
# resets, unlike getrusage's ru_maxrss that a child forked from this large process inherits).
RESCORE_CHILD = """
import sys
import django
django.setup()
from django.core.management import call_command
with open(sys.argv[2], "w") as out:
    call_command("rescore", "--policy-version", sys.argv[1], stdout=out)
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM")))
"""


def rescore_dry_run(database_url: str, org: Org) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "PYTHONPATH": str(ROOT),
    }
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"scale-rescore-{os.getpid()}.txt"
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", RESCORE_CHILD, org.draft_label, str(out_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = out_path.read_text().splitlines() if out_path.exists() else []
    out_path.unlink(missing_ok=True)
    if child.returncode != 0:
        raise RuntimeError("rescore failed:\n" + child.stderr[-3000:])
    summary = next((line for line in reversed(lines) if "answers checked" in line), "")
    checked = int(summary.split(" answers checked")[0].split()[-1]) if summary else 0
    return {
        "rescore_dry_run_s": wall,
        "rescore_dry_run_peak_mb": int(child.stdout.split()[-1]) / 1024,
        "rescore_answers_per_s": checked / wall if wall else 0.0,
        "rescore_summary": summary,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.scale:application",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "64",
            *GUNICORN_EXTRA,
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(200):
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def sessions_for(user_ids: Sequence[int]) -> dict[int, str]:
    """A signed-in session per user, made directly (no password hashing in the timed part)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    backend = settings.AUTHENTICATION_BACKENDS[-1]
    out = {}
    for user in User.objects.filter(pk__in=user_ids):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out[user.pk] = session.session_key
    return out


CSRF = "scalebenchmarkcsrftoken012345678"[:32]


def http_request(port: int, method: str, path: str, session: str, body: bytes | None = None) -> tuple[int, float]:
    headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "Host": HOST}
    if body is not None:
        headers.update({"Content-Type": "application/json", "X-CSRFToken": CSRF})
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, (time.perf_counter() - started) * 1000


def run_concurrently(jobs: Sequence[Callable[[], tuple[int, float]]], concurrency: int) -> dict[str, Any]:
    """Run the jobs on ``concurrency`` threads; latency percentiles, throughput and status counts."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(reversed(jobs))

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            status, ms = job()
            with lock:
                latencies.append(ms)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "per_s": len(latencies) / wall,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def floor_inserts(database_url: str, n: int) -> dict[str, Any]:
    """The floor of a write: one indexed INSERT per request, autocommit, concurrency 8."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_floor")
        conn.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, attempt_id bigint NOT NULL, "
            "scenario_id bigint NOT NULL, answered_at timestamptz NOT NULL, payload jsonb NOT NULL, "
            "UNIQUE (attempt_id, scenario_id))"
        )
    local = threading.local()
    counter = iter(range(n))
    lock = threading.Lock()

    def job() -> tuple[int, float]:
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(database_url, autocommit=True)
        with lock:
            i = next(counter)
        started = time.perf_counter()
        local.conn.execute(
            "INSERT INTO bench_floor (attempt_id, scenario_id, answered_at, payload) VALUES (%s, %s, now(), %s)",
            [i // 10, i % 10, json.dumps({"verdict": "violating", "clause_id": "V4"})],
        )
        return 201, (time.perf_counter() - started) * 1000

    result = run_concurrently([job] * n, CONCURRENCY)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_floor")
    return result


def open_practice_attempts(org: Org, n_requests: int) -> list[tuple[int, int, int, dict[str, Any]]]:
    """Open practice attempts (in progress) with case items: (user, attempt, scenario, answer body) per request."""
    from django.utils import timezone

    from quiz.models import Attempt, AttemptItem, Quiz
    from quiz.services.attempts import expected_from_outcome
    from training.models import Scenario
    from training.selectors import gold_outcome, published_policy_version

    version = published_policy_version()
    quiz = Quiz.objects.create(
        title="Benchmark practice",
        mode="practice",
        question_count=ITEMS_PER_ATTEMPT,
        open_to_all_trainees=True,
        is_shared=True,
    )
    facts = dict(Scenario.objects.filter(pk__in=org.case_scenarios).values_list("pk", "facts"))
    gold = {s: expected_from_outcome(gold_outcome(version, facts[s])) for s in org.case_scenarios}
    rng = random.Random(11)
    users = rng.sample(org.trainees, max(1, min(len(org.trainees), n_requests // ITEMS_PER_ATTEMPT + 1)))
    now = timezone.now()
    jobs = []
    for user_id in users:
        attempt = Attempt.objects.create(
            user_id=user_id,
            quiz=quiz,
            mode="practice",
            policy_version=version,
            rubric={},
            seed=rng.randrange(2**31),
            started_at=now,
        )
        scenario_ids = rng.sample(org.case_scenarios, ITEMS_PER_ATTEMPT)
        AttemptItem.objects.bulk_create(
            AttemptItem(attempt=attempt, scenario_id=s, position=i) for i, s in enumerate(scenario_ids, 1)
        )
        for s in scenario_ids:
            g = gold[s]
            body = {
                "scenario": s,
                "verdict": g["verdict"],
                "clause_id": g["clause_id"],
                "action": g["action"],
                "report_to_ncmec": g["report_to_ncmec"],
                "confidence": 4,
            }
            jobs.append((user_id, attempt.pk, s, body))
    rng.shuffle(jobs)
    return jobs[:n_requests]


PAGES = {
    "lead_dashboard": "/quiz/teams/?team={team}",
    "all_teams_overview": "/quiz/agreement/",
    "contested_queue": "/quiz/contested/",
    "item_analysis": "/quiz/items/",
    "contested_csv": "/quiz/contested/?format=csv",
    "item_analysis_csv": "/quiz/items/?format=csv",
}


def page_query_counts(org: Org) -> dict[str, int]:
    """Each page's query count, taken in-process with Django's test client (same code, same data)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    team_id = org.teams[0]
    out = {}
    for name, path in PAGES.items():
        user = User.objects.get(pk=org.leads[team_id] if name == "lead_dashboard" else org.policy_member)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        url = path.format(team=team_id)
        client.get(url)  # the engine's parse of the published version, as in a warm worker
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        out[name] = len(queries)
    return out


def _poster(port: int, path: str, session: str, body: bytes) -> Callable[[], tuple[int, float]]:
    return lambda: http_request(port, "POST", path, session, body)


def http_measurements(database_url: str, org: Org, n_requests: int, page_requests: int) -> dict[str, Any]:
    from django.db import connections

    jobs_data = open_practice_attempts(org, n_requests)
    team_id = org.teams[0]
    session_users = {u for u, _, _, _ in jobs_data} | {org.leads[team_id], org.policy_member}
    sessions = sessions_for(sorted(session_users))
    connections.close_all()
    port = free_port()
    server = start_gunicorn(database_url, port)
    try:
        # Warm both workers (imports, the engine's parse) before timing anything.
        for _ in range(8):
            http_request(port, "GET", "/bench/trivial/", sessions[org.policy_member])
            http_request(port, "GET", PAGES["item_analysis"], sessions[org.policy_member])
        trivial_jobs = [
            (lambda s=sessions[u]: http_request(port, "GET", "/bench/trivial/", s)) for u, _, _, _ in jobs_data
        ]
        trivial_view = run_concurrently(trivial_jobs, CONCURRENCY)
        answer_jobs = [
            _poster(port, f"/api/attempts/{attempt_id}/answers/", sessions[user_id], json.dumps(body).encode())
            for user_id, attempt_id, _, body in jobs_data
        ]
        submit = run_concurrently(answer_jobs, CONCURRENCY)
        pages = {}
        for name, path in PAGES.items():
            session = sessions[org.leads[team_id] if name == "lead_dashboard" else org.policy_member]
            url = path.format(team=team_id)
            http_request(port, "GET", url, session)
            latencies = []
            statuses = set()
            for _ in range(page_requests):
                status, ms = http_request(port, "GET", url, session)
                latencies.append(ms)
                statuses.add(status)
            pages[name] = {
                "p50_ms": percentile(latencies, 0.5),
                "p95_ms": percentile(latencies, 0.95),
                "statuses": sorted(statuses),
            }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    floor = floor_inserts(database_url, n_requests)
    return {"trivial_view": trivial_view, "answer_submission": submit, "bare_insert": floor, "pages": pages}


def measure(database_url: str, org: Org, args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from analytics.models import AgreementSnapshot, ReviewerSnapshot, ScenarioFigures
    from analytics.snapshots import scenario_figures_refresh, snapshots_compute, snapshots_sweep

    out: dict[str, Any] = {}
    say("Snapshots: first run on empty tables...")
    out["snapshots_first_s"], report = timed(lambda: snapshots_compute())
    say(f"  {out['snapshots_first_s']:.1f} s: {report.periods_computed} periods, {report.rounds_computed} rounds")
    say("Snapshots: full recompute...")
    out["snapshots_full_s"], _ = timed(lambda: snapshots_compute(recompute=True))
    say(f"  {out['snapshots_full_s']:.1f} s")
    out["snapshot_rows"] = AgreementSnapshot.objects.count()
    out["reviewer_snapshot_rows"] = ReviewerSnapshot.objects.count()
    out["scenario_figure_rows"] = ScenarioFigures.objects.count()
    say("Snapshots: the command's ordinary run (current periods)...")
    out["snapshots_incremental_s"], _ = timed(lambda: snapshots_compute())
    snapshots_sweep()
    out["snapshots_sweep_noop_s"], _ = timed(lambda: snapshots_sweep())
    out["scenario_figures_full_s"], _ = timed(lambda: scenario_figures_refresh())
    out["scenario_figures_10_s"], _ = timed(lambda: scenario_figures_refresh(scenario_ids=org.case_scenarios[:10]))
    say("Round close, then its refresh...")
    out.update(round_close_refresh(org))
    say(f"  refresh {out['snapshots_after_round_close_s']:.2f} s")
    out["query_counts"] = page_query_counts(org)
    connection.close()
    say("Rescore dry run...")
    out.update(rescore_dry_run(database_url, org))
    say(f"  {out['rescore_dry_run_s']:.1f} s, {out['rescore_dry_run_peak_mb']:.0f} MB")
    if not args.skip_http:
        say("HTTP: trivial view, answer submission, bare insert, pages...")
        out["http"] = http_measurements(database_url, org, args.requests, args.page_requests)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000, help="Requests per concurrent measurement.")
    parser.add_argument("--page-requests", type=int, default=40, help="Sequential requests per page.")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="An administrative connection; the benchmark creates and drops its own database.",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards (its name is printed).")
    parser.add_argument("--skip-http", action="store_true", help="Skip the gunicorn measurements.")
    parser.add_argument("--reuse", metavar="NAME", help="Measure again on a database kept by an earlier --keep run.")
    args = parser.parse_args()
    name = args.reuse or f"concordance_scale_{args.answers}_{os.getpid()}"
    database_url = (
        args.database_url.rsplit("/", 1)[0] + "/" + name if args.reuse else create_database(args.database_url, name)
    )
    say(f"Database {name}")
    try:
        django_setup(database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if args.reuse:
            build_s, org = 0.0, org_from_database()
        else:
            build_s, org = timed(lambda: build(args.answers))
        say(
            f"Built {org.answers} answers, {org.rounds} closed rounds, {len(org.trainees)} reviewers "
            f"in {len(org.teams)} teams in {build_s:.0f} s"
        )
        results = measure(database_url, org, args)
    finally:
        from django.db import connections

        connections.close_all()
        if not (args.keep or args.reuse):
            drop_database(args.database_url, name)
    http = results.get("http", {})
    pages = http.get("pages", {})
    summary = {
        "answers": org.answers,
        "reviewers": len(org.trainees),
        "teams": len(org.teams),
        "closed_rounds": org.rounds,
        "build_s": round(build_s, 1),
        "snapshots_first_s": round(results["snapshots_first_s"], 2),
        "snapshots_full_s": round(results["snapshots_full_s"], 2),
        "snapshots_incremental_s": round(results["snapshots_incremental_s"], 2),
        "snapshots_sweep_noop_s": round(results["snapshots_sweep_noop_s"], 3),
        "snapshots_after_round_close_s": round(results["snapshots_after_round_close_s"], 3),
        "round_close_s": round(results["round_close_s"], 3),
        "scenario_figures_full_s": round(results["scenario_figures_full_s"], 2),
        "scenario_figures_10_s": round(results["scenario_figures_10_s"], 3),
        "snapshot_rows": results["snapshot_rows"],
        "reviewer_snapshot_rows": results["reviewer_snapshot_rows"],
        "rescore_dry_run_s": round(results["rescore_dry_run_s"], 2),
        "rescore_dry_run_peak_mb": round(results["rescore_dry_run_peak_mb"], 1),
        "rescore_answers_per_s": round(results["rescore_answers_per_s"]),
        "query_counts": results["query_counts"],
    }
    if http:
        summary.update(
            {
                "submit_p50_ms": round(http["answer_submission"]["p50_ms"], 1),
                "submit_p95_ms": round(http["answer_submission"]["p95_ms"], 1),
                "submit_per_s": round(http["answer_submission"]["per_s"], 1),
                "submit_statuses": http["answer_submission"]["statuses"],
                "trivial_p50_ms": round(http["trivial_view"]["p50_ms"], 1),
                "trivial_p95_ms": round(http["trivial_view"]["p95_ms"], 1),
                "trivial_per_s": round(http["trivial_view"]["per_s"], 1),
                "insert_p50_ms": round(http["bare_insert"]["p50_ms"], 2),
                "insert_p95_ms": round(http["bare_insert"]["p95_ms"], 2),
                "insert_per_s": round(http["bare_insert"]["per_s"], 1),
                "pages_p95_ms": {name: round(page["p95_ms"], 1) for name, page in pages.items()},
                "dashboard_p95_ms": round(max(page["p95_ms"] for page in pages.values()), 1),
            }
        )
    summary["machine"] = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    # Other work on a shared machine moves every timing: the load averages at the end say how busy it was.
    summary["load_average_end"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
