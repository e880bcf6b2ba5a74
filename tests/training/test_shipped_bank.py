"""The shipped bank (training/scenarios/*.yaml) loads cleanly and covers every clause."""

from __future__ import annotations

from django.conf import settings

from accounts.models import Role
from tests.accounts.factories import UserFactory
from training.demo import demo_scenarios_load
from training.models import Scenario
from training.policy import policy_from_file
from training.scenario_bank import bank_coverage, check_bank, read_bank

POLICY = policy_from_file()


def shipped_bank():
    entries, problems = read_bank([settings.CONCORDANCE["SCENARIO_BANK_DIR"]])
    assert problems == []
    return entries


def test_the_shipped_bank_has_no_problem():
    assert [str(problem) for problem in check_bank(POLICY, shipped_bank())] == []


def test_the_shipped_bank_holds_at_least_110_scenarios():
    assert len(shipped_bank()) >= 110


def test_every_clause_has_six_scenarios_two_of_them_hard():
    coverage = bank_coverage(POLICY, shipped_bank())

    assert {clause: count for clause, count in coverage.per_clause.items() if count < 6} == {}
    assert {clause: count for clause, count in coverage.hard_per_clause.items() if count < 2} == {}


def test_every_clause_has_a_worked_example_for_its_lesson():
    coverage = bank_coverage(POLICY, shipped_bank())

    assert {clause: count for clause, count in coverage.worked_examples.items() if count < 1} == {}


def test_the_bank_has_at_least_ten_decoys():
    assert bank_coverage(POLICY, shipped_bank()).no_clause >= 10


def test_the_demo_loads_the_bank_as_published_scenarios_once(published_policy):
    author = UserFactory(username="policy", role=Role.POLICY_TEAM)
    reviewer = UserFactory(username="policy2", role=Role.POLICY_TEAM)

    created = demo_scenarios_load()

    assert created == len(shipped_bank())
    assert Scenario.objects.filter(status="published", author=author, reviewer=reviewer).count() == created
    assert demo_scenarios_load() == 0
