"""Two tabs at once: the attempt row lock and the unique answer constraint keep one answer and one submission."""

import threading

import pytest
from django.db import connection, connections

from quiz.models import Answer, Attempt, Certification, Quiz
from quiz.services.attempts import AnswerFinal, answer_record, attempt_start, attempt_submit
from tests.quiz.factories import QuizFactory, quiz_bank

RIGHT_V4 = {"verdict": "violating", "clause_id": "V4", "action": "permanent_suspension", "report_to_ncmec": True}

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def run_at_once(*calls):
    """Run each call in its own thread and connection, released together; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_two_tabs_answering_the_same_practice_item_record_one_answer(trainee, published_policy):
    bank = quiz_bank()
    attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.PRACTICE))

    results = run_at_once(
        *[lambda: answer_record(attempt=attempt, scenario=bank["Q-V4"], user=trainee, **RIGHT_V4) for _ in range(2)]
    )

    assert (Answer.objects.count(), sorted(type(r).__name__ for r in results)) == (1, ["Answer", "AnswerFinal"])


@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_two_tabs_submitting_at_once_record_one_submission_and_one_certification(trainee, published_policy):
    quiz_bank()
    quiz = QuizFactory(mode=Quiz.Mode.ASSESSMENT, question_count=1)
    attempt = attempt_start(user=trainee, quiz=quiz)
    item = attempt.items.select_related("scenario").get()
    values = {
        "Q-V4": RIGHT_V4,
        "Q-V1": {**RIGHT_V4, "clause_id": "V1"},
        "Q-B5": {**RIGHT_V4, "clause_id": "B5", "report_to_ncmec": False},
        "Q-P3": {"verdict": "not_violating", "clause_id": "P3", "action": "no_action", "report_to_ncmec": False},
        "Q-BENIGN": {"verdict": "not_violating", "clause_id": "", "action": "no_action", "report_to_ncmec": False},
    }[item.scenario.key]
    answer_record(attempt=attempt, scenario=item.scenario, user=trainee, **values)

    results = run_at_once(*[lambda: attempt_submit(attempt=attempt, user=trainee) for _ in range(2)])

    assert len({r.submitted_at for r in results}) == 1
    assert (Attempt.objects.get().status, Certification.objects.count()) == ("submitted", 1)


@pytest.mark.django_db
def test_a_second_tab_sees_the_practice_answer_as_final(trainee, published_policy):
    bank = quiz_bank()
    attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.PRACTICE))
    stale_tab_copy = Attempt.objects.get(pk=attempt.pk)
    answer_record(attempt=attempt, scenario=bank["Q-V4"], user=trainee, **RIGHT_V4)

    with pytest.raises(AnswerFinal):
        answer_record(attempt=stale_tab_copy, scenario=bank["Q-V4"], user=trainee, **RIGHT_V4)

    assert Answer.objects.count() == 1


@pytest.mark.django_db
def test_a_stale_tab_cannot_answer_after_submission(trainee, published_policy):
    bank = quiz_bank()
    attempt = attempt_start(user=trainee, quiz=QuizFactory(mode=Quiz.Mode.ASSESSMENT))
    stale_tab_copy = Attempt.objects.get(pk=attempt.pk)
    attempt_submit(attempt=attempt, user=trainee)

    with pytest.raises(Exception) as error:
        answer_record(attempt=stale_tab_copy, scenario=bank["Q-V4"], user=trainee, **RIGHT_V4)

    assert (type(error.value).__name__, Answer.objects.count()) == ("AttemptClosed", 0)
