"""Practice scheduled by memory: each reviewer's clauses as FSRS cards (the ``fsrs`` package, its
default parameters, no fuzzing so a schedule can be reproduced).

Pure: no Django. A clause is reviewed whenever the reviewer answers a scenario whose gold answer it
decides and is shown that gold answer (practice feedback, a finished attempt's results): a fully
correct answer is a ``Good`` review, any other answer (a critical miss included) is ``Again``, a
lapse. Replaying a reviewer's answers in order gives each clause's card: when it is next due, and
how likely the reviewer is to recall it now (retrievability). A card costs a few microseconds a
review, so the schedule is worked out from the answers when a session starts rather than stored.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fsrs import Card, Rating, Scheduler

SCHEDULER = Scheduler(enable_fuzzing=False)
# A clause due within this counts as due now: FSRS's learning steps bring a new or missed clause back
# after 1 and 10 minutes, which would otherwise keep a clause just missed out of the next session.
DUE_HORIZON = dt.timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Review:
    """One answer whose gold answer the reviewer was shown: the clause it tested ("" for no clause)."""

    clause: str
    correct: bool
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class ClauseMemory:
    clause: str
    reviews: int
    due: dt.datetime
    retrievability: float  # the modelled chance of recalling the clause now, 0 to 1
    stability: float  # days for retrievability to fall to 90%

    def is_due(self, now: dt.datetime) -> bool:
        return self.due <= now + DUE_HORIZON


def clause_memories(reviews: Iterable[Review], now: dt.datetime) -> dict[str, ClauseMemory]:
    """Each reviewed clause's card after replaying ``reviews`` in time order."""
    cards: dict[str, Card] = {}
    counts: dict[str, int] = {}
    for review in sorted(reviews, key=lambda r: r.at):
        card = cards.get(review.clause) or Card(card_id=len(cards) + 1)  # an id, so Card() does not sleep
        cards[review.clause], _ = SCHEDULER.review_card(
            card, Rating.Good if review.correct else Rating.Again, review.at
        )
        counts[review.clause] = counts.get(review.clause, 0) + 1
    return {
        clause: ClauseMemory(
            clause=clause,
            reviews=counts[clause],
            due=card.due,
            retrievability=SCHEDULER.get_card_retrievability(card, now),
            stability=card.stability or 0.0,
        )
        for clause, card in cards.items()
    }


def clauses_by_urgency(memories: dict[str, ClauseMemory], clauses: Sequence[str], now: dt.datetime) -> list[str]:
    """``clauses`` in the order a session should take them: those due now (never reviewed ones count
    as due, with nothing remembered), least likely to be recalled first; then the others, soonest due
    first. Ties keep the order of ``clauses``."""
    position = {clause: index for index, clause in enumerate(clauses)}

    def urgency(clause: str) -> tuple[int, float, float, int]:
        memory = memories.get(clause)
        if memory is None:
            return (0, 0.0, 0.0, position[clause])
        if memory.is_due(now):
            return (0, memory.retrievability, 0.0, position[clause])
        return (1, 0.0, (memory.due - now).total_seconds(), position[clause])

    return sorted(dict.fromkeys(clauses), key=urgency)


def clauses_due(memories: dict[str, ClauseMemory], clauses: Sequence[str], now: dt.datetime) -> list[str]:
    """The clauses a session would draw now: never reviewed, or due."""
    return [c for c in clauses_by_urgency(memories, clauses, now) if c not in memories or memories[c].is_due(now)]


def confusions_from(mistakes: Iterable[tuple[str, str]]) -> dict[str, str]:
    """For each clause, the clause the reviewer most often gave instead of it, from (expected, given)
    pairs of wrong answers; and the other way round for a clause with no partner of its own, so B4
    mistaken for B5 pairs B5 with B4 too. Answers without a clause on either side are left out: they
    confuse a verdict, not two clauses. Ties go to the clause first in alphabetical order."""
    counts = Counter((expected, given) for expected, given in mistakes if expected and given and expected != given)
    partners: dict[str, str] = {}
    for (expected, given), _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        partners.setdefault(expected, given)
    for expected, given in sorted(counts):
        partners.setdefault(given, expected)
    return partners


def interleave_confusions(order: Sequence[str], confusions: dict[str, str]) -> list[str]:
    """``order`` with each clause's most confused partner moved up to follow it (when the partner is
    in the order and not already placed), so a session sets the two side by side."""
    available = set(order)
    placed: list[str] = []
    for clause in order:
        if clause in placed:
            continue
        placed.append(clause)
        partner = confusions.get(clause)
        if partner in available and partner not in placed:
            placed.append(partner)
    return placed
