"""Gold answers never reach a reviewer before they answer, and round answers stay blind.

A trainee has a practice attempt, an assessment and an open calibration round going, each on its
own scenarios (one deciding rule per scenario, taken from the shipped bank, so a rule id points at
exactly one scenario). A colleague in the round has already answered every round scenario. The
test collects every page and API response the trainee can reach during all three, before
answering and again after answering part of each, and asserts that none of them carries, for a
scenario whose answer may not be shown yet:

- the deciding rule id, the engine's explanation or the rule's own explanation;
- an ``intended_clause``, ``expected``, ``gold`` or ``facts`` field (a JSON key, or an HTML
  attribute, form field or script variable);
- the colleague's answers in the round.

Practice shows an item's answer once that item is answered: those items are the only ones whose
gold may appear. Assessments show nothing before submission, rounds nothing before they close.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from calibration.services import round_answer_submit, round_create
from quiz.services.attempts import answer_record, attempt_start
from tests.quiz.factories import QuizFactory, QuizItemFactory
from tests.training.factories import ScenarioFactory
from training.policy import evaluate, policy_from_file
from training.scenario_bank import read_bank
from training.selectors import engine_policy, gold_outcome

GOLD_FIELDS = ("intended_clause", "expected", "gold", "facts")
COLLEAGUE_RATIONALE = "Colleague reasoning marker 4417: the post points to a folder elsewhere."
PER_CONTEXT = 4


@dataclass
class Secret:
    scenario_id: int
    key: str
    rule_id: str
    explanation: str
    rule_explanation: str

    def found_in(self, text: str) -> list[str]:
        found = [name for name, value in self._needles() if value and value in text]
        if re.search(rf"(?<![\w-]){re.escape(self.rule_id)}(?![\w-])", text):
            found.append(f"rule id {self.rule_id}")
        return found

    def _needles(self) -> list[tuple[str, str]]:
        return [("engine explanation", self.explanation), ("rule explanation", self.rule_explanation)]


def _bank_case_per_rule() -> list[Any]:
    """One shipped, non-worked-example case per deciding rule, in bank order."""
    policy = policy_from_file()
    entries, problems = read_bank([settings.CONCORDANCE["SCENARIO_BANK_DIR"]])
    assert problems == []
    chosen: dict[str, Any] = {}
    for entry in entries:
        if entry.kind == "case" and not entry.worked_example:
            chosen.setdefault(evaluate(policy, entry.facts).rule_id, entry)
    return list(chosen.values())


@pytest.fixture
def session(published_policy, team, trainee, second_trainee, team_lead):
    entries = _bank_case_per_rule()
    assert len(entries) >= 3 * PER_CONTEXT, "the shipped bank needs a case for 12 distinct rules"
    scenarios = [
        ScenarioFactory(
            key=entry.key,
            title=entry.title,
            text=entry.text,
            facts=entry.facts,
            intended_clause=entry.intended_clause or "",
            difficulty=entry.difficulty,
        )
        for entry in entries[: 3 * PER_CONTEXT]
    ]
    practice_scenarios = scenarios[:PER_CONTEXT]
    assessment_scenarios = scenarios[PER_CONTEXT : 2 * PER_CONTEXT]
    round_scenarios = scenarios[2 * PER_CONTEXT :]

    quizzes = {}
    for mode, chosen in (("practice", practice_scenarios), ("assessment", assessment_scenarios)):
        quiz = QuizFactory(title=f"Leak check {mode}", mode=mode, question_count=len(chosen), open_to_all_trainees=True)
        for position, scenario in enumerate(chosen, start=1):
            QuizItemFactory(quiz=quiz, scenario=scenario, position=position)
        quizzes[mode] = quiz
    practice = attempt_start(user=trainee, quiz=quizzes["practice"], seed=1)
    assessment = attempt_start(user=trainee, quiz=quizzes["assessment"], seed=2)

    now = timezone.now()
    calibration_round = round_create(
        team=team,
        title="Leak check round",
        created_by=team_lead,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=3),
        cohort=[trainee, second_trainee],
        scenarios=round_scenarios,
    )
    for scenario in round_scenarios:
        outcome = gold_outcome(published_policy, scenario.facts)
        round_answer_submit(
            calibration_round=calibration_round,
            user=second_trainee,
            scenario=scenario,
            verdict=outcome.verdict.value,
            clause_id=outcome.clause_id or "",
            action=outcome.action,
            report_to_ncmec=outcome.report_to_ncmec,
            confidence=4,
            rationale=COLLEAGUE_RATIONALE,
        )

    policy = engine_policy(published_policy)
    rules = {rule.id: rule for rule in policy.rules}
    secrets = {}
    for scenario in scenarios:
        outcome = gold_outcome(published_policy, scenario.facts)
        secrets[scenario.pk] = Secret(
            scenario_id=scenario.pk,
            key=scenario.key,
            rule_id=outcome.rule_id,
            explanation=outcome.explanation,
            rule_explanation=rules[outcome.rule_id].explanation,
        )
    client = Client()
    client.force_login(trainee)
    return {
        "client": client,
        "trainee": trainee,
        "practice": practice,
        "assessment": assessment,
        "round": calibration_round,
        "scenarios": scenarios,
        "practice_scenarios": practice_scenarios,
        "assessment_scenarios": assessment_scenarios,
        "round_scenarios": round_scenarios,
        "secrets": secrets,
    }


def _reachable(session) -> dict[str, Any]:
    """Every page and API response the trainee can reach during the attempts and the round."""
    client = session["client"]
    practice, assessment, calibration_round = session["practice"], session["assessment"], session["round"]
    urls = ["/quiz/me/", "/quiz/me/history/", "/quiz/rounds/", f"/quiz/rounds/{calibration_round.pk}/"]
    for attempt, chosen in ((practice, "practice_scenarios"), (assessment, "assessment_scenarios")):
        urls.append(f"/quiz/attempts/{attempt.pk}/")
        urls += [f"/quiz/attempts/{attempt.pk}/?item={n}" for n in range(1, len(session[chosen]) + 1)]
        urls += [f"/api/attempts/{attempt.pk}/", f"/api/attempts/{attempt.pk}/results/"]
    urls += [
        "/api/quizzes/",
        "/api/rounds/",
        f"/api/rounds/{calibration_round.pk}/",
        f"/api/rounds/{calibration_round.pk}/answers/",
        f"/api/rounds/{calibration_round.pk}/figures/",
        "/api/scenarios/",
    ]
    urls += [f"/api/scenarios/{scenario.pk}/" for scenario in session["scenarios"]]
    responses = {}
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code < 500, url
        responses[url] = response
    return responses


class _MarkupCollector(HTMLParser):
    """Attribute names and values and script bodies: where a hidden answer would sit unseen."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden_parts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            self.hidden_parts += [name, value or ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.hidden_parts.append(data)


def _json_gold_fields(data: Any, visible: set[int], path: str = "$") -> list[str]:
    """Gold field names anywhere in a JSON body, except under an item whose answer may be shown."""
    found = []
    if isinstance(data, dict):
        scenario = data.get("scenario")
        scenario_id = scenario.get("id") if isinstance(scenario, dict) else None
        if scenario_id in visible:
            return []
        for key, value in data.items():
            if key in GOLD_FIELDS:
                found.append(f"{path}.{key}")
            found += _json_gold_fields(value, visible, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _json_gold_fields(value, visible, f"{path}[{index}]")
    return found


_GOLD_TOKEN = re.compile(rf"(?<![A-Za-z]){'|'.join(GOLD_FIELDS)}(?![A-Za-z])", re.IGNORECASE)


def _leaks(session, responses: dict[str, Any], *, visible: set[int]) -> list[str]:
    hidden = [secret for pk, secret in session["secrets"].items() if pk not in visible]
    problems = []
    for url, response in responses.items():
        text = response.content.decode()
        for secret in hidden:
            for what in secret.found_in(text):
                problems.append(f"{url}: {what} of {secret.key}")
        if COLLEAGUE_RATIONALE in text:
            problems.append(f"{url}: the colleague's round answer")
        if response.get("Content-Type", "").startswith("application/json"):
            problems += [f"{url}: field {field}" for field in _json_gold_fields(json.loads(text), visible)]
        else:
            collector = _MarkupCollector()
            collector.feed(text)
            for part in collector.hidden_parts:
                for match in _GOLD_TOKEN.finditer(part):
                    problems.append(f"{url}: {match.group(0)!r} in markup {part[:80]!r}")
    return sorted(set(problems))


@pytest.mark.django_db
def test_nothing_the_trainee_can_reach_before_answering_shows_a_gold_answer(session):
    responses = _reachable(session)

    assert _leaks(session, responses, visible=set()) == []


@pytest.mark.django_db
def test_the_pages_collected_are_the_real_ones(session):
    """Guards the test above: it must look at rendered attempts and rounds, not at error pages."""
    responses = _reachable(session)
    practice, calibration_round = session["practice"], session["round"]
    first = session["practice_scenarios"][0]

    assert responses[f"/quiz/attempts/{practice.pk}/?item=1"].status_code == 200
    assert first.text in responses[f"/quiz/attempts/{practice.pk}/?item=1"].content.decode()
    assert responses[f"/quiz/rounds/{calibration_round.pk}/"].status_code == 200
    assert session["round_scenarios"][0].text in responses[f"/quiz/rounds/{calibration_round.pk}/"].content.decode()
    assert len(responses[f"/api/attempts/{practice.pk}/"].json()["items"]) == PER_CONTEXT


@pytest.mark.django_db
def test_after_answering_part_of_each_only_the_answered_practice_items_show_their_answer(session):
    trainee = session["trainee"]
    answered_practice = session["practice_scenarios"][0]
    answer_record(
        attempt=session["practice"],
        scenario=answered_practice,
        user=trainee,
        verdict="violating",
        clause_id="V1",
        action="permanent_suspension",
        report_to_ncmec=True,
    )
    for scenario in session["assessment_scenarios"][:-1]:
        answer_record(
            attempt=session["assessment"],
            scenario=scenario,
            user=trainee,
            verdict="not_violating",
            action="no_action",
            report_to_ncmec=False,
        )
    for scenario in session["round_scenarios"][:-1]:
        round_answer_submit(
            calibration_round=session["round"],
            user=trainee,
            scenario=scenario,
            verdict="not_violating",
            action="no_action",
            report_to_ncmec=False,
        )

    responses = _reachable(session)

    assert _leaks(session, responses, visible={answered_practice.pk}) == []


@pytest.mark.django_db
def test_the_practice_feedback_does_show_the_answer_once_given(session):
    """The detector is not blind: an answered practice item's page does carry its rule."""
    scenario = session["practice_scenarios"][0]
    answer_record(
        attempt=session["practice"],
        scenario=scenario,
        user=session["trainee"],
        verdict="violating",
        clause_id="V1",
        action="permanent_suspension",
        report_to_ncmec=True,
    )

    responses = _reachable(session)

    leaks = _leaks(session, responses, visible=set())
    secret = session["secrets"][scenario.pk]
    pk = session["practice"].pk

    assert {leak.split(": ", 1)[0] for leak in leaks} == {f"/api/attempts/{pk}/", f"/quiz/attempts/{pk}/?item=1"}
    assert f"/quiz/attempts/{pk}/?item=1: rule id {secret.rule_id} of {scenario.key}" in leaks
    assert f"/api/attempts/{pk}/: engine explanation of {scenario.key}" in leaks
    assert f"/api/attempts/{pk}/: field $.items[0].feedback.expected" in leaks
