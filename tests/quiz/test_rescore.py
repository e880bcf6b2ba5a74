"""The rescore command across two policy versions and two rubrics: a dry run by default, --apply records."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from quiz.models import Answer, Attempt, Quiz
from quiz.models.quizzes import ScoreChange
from quiz.services.attempts import answer_record, attempt_start, attempt_submit
from quiz.services.rescore import rescore_plan
from tests.quiz.factories import QuizFactory, QuizItemFactory, quiz_bank
from tests.training.factories import PolicyVersionFactory, shipped_policy_document

pytestmark = pytest.mark.django_db

B5_RIGHT_UNDER_2020 = dict(verdict="violating", clause_id="B5", action="permanent_suspension", report_to_ncmec=False)


@pytest.fixture
def b5_attempt(trainee, published_policy):
    """A submitted assessment with one B5 item answered right under 2020-10 (no NCMEC report due)."""
    bank = quiz_bank()
    quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT, pass_mark_percent=80)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-B5"], position=1)
    attempt = attempt_start(user=trainee, quiz=quiz)
    answer_record(attempt=attempt, scenario=bank["Q-B5"], user=trainee, **B5_RIGHT_UNDER_2020)
    return attempt_submit(attempt=attempt, user=trainee)


@pytest.fixture
def ncmec_for_b5_version(db):
    """A later version in which the policy team extends NCMEC reports to B5 (interpretation I3)."""
    document = shipped_policy_document()
    for clause in document["clauses"]:
        if clause["id"] == "B5":
            clause["report_to_ncmec"] = True
    return PolicyVersionFactory(version="2021-03", document={**document, "version": "2021-03"})


def run(*args):
    out = StringIO()
    call_command("rescore", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_shows_what_would_change_and_writes_nothing(b5_attempt, ncmec_for_b5_version):
    answer = Answer.objects.get()

    output = run("--policy-version", "2021-03")

    assert output == (
        f"attempt {b5_attempt.pk} answer {answer.pk} (Q-B5): points 6/6 -> 5/6; expected violating B5 -> violating B5\n"
        "1 answers checked, 1 scores would change in 1 attempts. "
        "Dry run: nothing written (use --apply --reason ... to write).\n"
    )
    assert (Answer.objects.get().points, ScoreChange.objects.count()) == (6.0, 0)


def test_apply_rescores_records_the_change_and_retotals_the_attempt(
    b5_attempt, ncmec_for_b5_version, admin_user, published_policy
):
    run(
        "--policy-version",
        "2021-03",
        "--apply",
        "--reason",
        "NCMEC reports extended to B5",
        "--by",
        admin_user.username,
    )

    answer = Answer.objects.get()
    change = ScoreChange.objects.get()
    attempt = Attempt.objects.get()
    assert (answer.points, answer.scored_policy_version, answer.expected["report_to_ncmec"]) == (
        5.0,
        ncmec_for_b5_version,
        True,
    )
    assert (
        change.points_before,
        change.points_after,
        change.policy_version_before,
        change.policy_version_after,
        change.changed_by,
        change.reason,
    ) == (6.0, 5.0, published_policy, ncmec_for_b5_version, admin_user, "NCMEC reports extended to B5")
    assert (attempt.score, attempt.passed, attempt.certification.score) == (pytest.approx(5 / 6), True, 1.0)


def test_applying_twice_changes_nothing_the_second_time(b5_attempt, ncmec_for_b5_version):
    run("--policy-version", "2021-03", "--apply", "--reason", "NCMEC reports extended to B5")

    output = run("--policy-version", "2021-03", "--apply", "--reason", "again")

    assert (output, ScoreChange.objects.count()) == (
        "1 answers checked, 0 scores would change in 0 attempts. "
        "Applied: 0 answers rescored and recorded as ScoreChange rows.\n",
        1,
    )


def test_a_new_rubric_can_be_previewed(b5_attempt):
    answer = Answer.objects.get()

    output = run("--rubric", '{"clause": 4}')

    assert output.splitlines()[0] == (
        f"attempt {b5_attempt.pk} answer {answer.pk} (Q-B5): points 6/6 -> 8/8; expected violating B5 -> violating B5"
    )


def test_a_new_version_that_turns_a_right_answer_into_a_critical_miss_says_so(trainee, published_policy):
    bank = quiz_bank()
    quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-P3"], position=1)
    attempt = attempt_start(user=trainee, quiz=quiz)
    answer_record(
        attempt=attempt,
        scenario=bank["Q-P3"],
        user=trainee,
        verdict="not_violating",
        clause_id="P3",
        action="no_action",
        report_to_ncmec=False,
    )
    attempt_submit(attempt=attempt, user=trainee)
    document = shipped_policy_document()
    # A stricter draft in which advocacy counts as B1 (only to exercise the rescore path).
    position = next(i for i, rule in enumerate(document["rules"]) if rule["id"] == "R-P3-advocacy")
    document["rules"].insert(
        position,
        {
            "id": "R-strict-advocacy",
            "clause": "B1",
            "when": {"conduct": "advocates_against", "subject": "children_generally"},
            "explanation": "Test-only reading.",
        },
    )
    PolicyVersionFactory(version="strict", document={**document, "version": "strict"})

    run("--policy-version", "strict", "--apply", "--reason", "Stricter reading")

    assert Attempt.objects.values_list("critical_misses", "passed").get() == (1, False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy-version", "1999"], "No policy version labelled '1999'."),
        (["--rubric", "{"], "--rubric is not valid JSON: Expecting property name enclosed in double quotes."),
        (["--rubric", '{"clause": -1}'], "Invalid rubric: clause must be from 0 to 100, not -1."),
        (["--apply"], "--apply needs a --reason saying why stored scores change."),
        (["--by", "nobody"], "No user 'nobody'."),
    ],
)
def test_bad_input_exits_with_one_readable_line_and_changes_nothing(b5_attempt, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)

    assert (str(error.value), ScoreChange.objects.count(), Answer.objects.get().points) == (message, 0, 6.0)


# --- certified attempts that would now fail ----------------------------------------------------


@pytest.fixture
def certified_p3_attempt(trainee, published_policy):
    """A certified assessment with one P3 item answered right under 2020-10, and a stricter version
    under which the same answer is a critical miss."""
    bank = quiz_bank()
    quiz = QuizFactory(title="Certification", mode=Quiz.Mode.ASSESSMENT, pass_mark_percent=80)
    QuizItemFactory(quiz=quiz, scenario=bank["Q-P3"], position=1)
    attempt = attempt_start(user=trainee, quiz=quiz)
    answer_record(
        attempt=attempt,
        scenario=bank["Q-P3"],
        user=trainee,
        verdict="not_violating",
        clause_id="P3",
        action="no_action",
        report_to_ncmec=False,
    )
    attempt = attempt_submit(attempt=attempt, user=trainee)
    document = shipped_policy_document()
    position = next(i for i, rule in enumerate(document["rules"]) if rule["id"] == "R-P3-advocacy")
    document["rules"].insert(
        position,
        {
            "id": "R-strict-advocacy",
            "clause": "B1",
            "when": {"conduct": "advocates_against", "subject": "children_generally"},
            "explanation": "Test-only reading.",
        },
    )
    PolicyVersionFactory(version="strict", document={**document, "version": "strict"})
    return attempt


def _warning(attempt):
    return (
        f"WARNING: Certified attempt {attempt.pk} (tara on “Certification”) would now fail: "
        "score 100% -> 0%, critical misses 0 -> 1, pass mark 80%. "
        "The certification is kept; a lead should review it."
    )


def test_a_dry_run_flags_a_certified_attempt_that_would_now_fail(certified_p3_attempt):
    output = run("--policy-version", "strict")

    assert output.splitlines()[1:] == [
        "1 answers checked, 1 scores would change in 1 attempts. 1 certified attempt would now fail. "
        "Dry run: nothing written (use --apply --reason ... to write).",
        _warning(certified_p3_attempt),
    ]
    assert Attempt.objects.values_list("passed", "certification__score").get() == (True, 1.0)


def test_apply_names_the_failing_certified_attempt_in_the_reason_and_keeps_the_certification(
    certified_p3_attempt,
):
    output = run("--policy-version", "strict", "--apply", "--reason", "Stricter reading")

    assert output.splitlines()[-1] == _warning(certified_p3_attempt)
    assert ScoreChange.objects.get().reason == "Stricter reading " + _warning(certified_p3_attempt).removeprefix(
        "WARNING: "
    )
    assert Attempt.objects.values_list("passed", "critical_misses", "certification__score").get() == (False, 1, 1.0)


def test_an_attempt_that_still_passes_is_not_flagged(b5_attempt, ncmec_for_b5_version):
    output = run("--policy-version", "2021-03", "--apply", "--reason", "NCMEC reports extended to B5")

    assert "WARNING" not in output and "would now fail" not in output
    assert ScoreChange.objects.get().reason == "NCMEC reports extended to B5"


# --- streaming: batches, progress, a bounded plan -----------------------------------------------


@pytest.fixture
def two_b5_attempts(b5_attempt, second_trainee):
    """The B5 attempt, and a second reviewer's attempt answered the same way."""
    quiz = b5_attempt.quiz
    scenario = b5_attempt.items.get().scenario
    attempt = attempt_start(user=second_trainee, quiz=quiz)
    answer_record(attempt=attempt, scenario=scenario, user=second_trainee, **B5_RIGHT_UNDER_2020)
    return [b5_attempt, attempt_submit(attempt=attempt, user=second_trainee)]


def test_a_run_over_several_batches_shows_its_progress(two_b5_attempts, ncmec_for_b5_version):
    output = run("--policy-version", "2021-03", "--batch-size", "1")

    lines = output.splitlines()
    assert lines[0] == "Checked 1 of 2 answers (50%)..."
    assert lines[-1] == (
        "2 answers checked, 2 scores would change in 2 attempts. "
        "Dry run: nothing written (use --apply --reason ... to write)."
    )


def test_applying_batch_by_batch_records_every_change(two_b5_attempts, ncmec_for_b5_version):
    output = run("--policy-version", "2021-03", "--batch-size", "1", "--apply", "--reason", "NCMEC for B5")

    assert "Applied 1 of 2 answers (50%)..." in output
    assert output.splitlines()[-1].endswith("Applied: 2 answers rescored and recorded as ScoreChange rows.")
    assert ScoreChange.objects.count() == 2
    assert sorted(Attempt.objects.values_list("score", flat=True)) == [pytest.approx(5 / 6)] * 2


def test_a_plan_keeps_the_first_lines_and_counts_the_rest(two_b5_attempts, ncmec_for_b5_version):
    plan = rescore_plan(attempts=Attempt.objects.all(), policy_version=ncmec_for_b5_version, lines_kept=1)

    assert (len(plan.lines), plan.lines_total, plan.changed_total, plan.answers_checked) == (1, 2, 2, 2)
    assert plan.lines[0].attempt_id == two_b5_attempts[0].pk


def test_the_command_says_how_many_lines_it_does_not_list(two_b5_attempts, ncmec_for_b5_version, monkeypatch):
    monkeypatch.setattr("quiz.services.rescore.LINES_KEPT", 1)
    monkeypatch.setattr("quiz.management.commands.rescore.rescore_plan", _plan_keeping_one)

    output = run("--policy-version", "2021-03")

    assert output.splitlines()[1] == "... and 1 more answers."


def _plan_keeping_one(**kwargs):
    return rescore_plan(**kwargs, lines_kept=1)


def test_a_dry_run_reads_a_fixed_number_of_queries_whatever_the_number_of_answers(
    two_b5_attempts, ncmec_for_b5_version, django_assert_num_queries
):
    rescore_plan(attempts=Attempt.objects.all(), policy_version=ncmec_for_b5_version)  # parse both versions
    # a batch of attempts, their answers (values, no policy document), the versions (without their
    # documents), the scenarios, the batch's items and certifications, the whole stored gold answers
    # of the lines kept to show, the next (empty) batch
    with django_assert_num_queries(8):
        plan = rescore_plan(attempts=Attempt.objects.all(), policy_version=ncmec_for_b5_version)
    assert plan.answers_checked == 2
