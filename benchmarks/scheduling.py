"""How many practice items does each scheduler need to keep every clause remembered?

    python benchmarks/scheduling.py [--learners 200] [--days 90] [--seed 1]

Simulated learners forget by a known model (exponential forgetting, recall probability
``exp(-days since the last review / stability)``; a review the learner gets right multiplies the
clause's stability by 2.5, a lapse halves it, never below the first day's). Over ``--days`` days,
each of 16 clauses is first learned on day 0, then each day's practice session is chosen by:

* **mastery** (the adaptive scheduler before FSRS): a fixed number of items a day, clauses drawn at
  random weighted by ``1 - share answered right so far + 0.1``;
* **fsrs** (today's, ``quiz.memory``): every clause whose FSRS card is due that day, one item each,
  as many or as few as are due.

A clause is "kept" on a day when the learner's true recall at the end of the day is at least 90%.
The script prints, per scheduler, the practice items per learner over the period and the share of
clause-days kept after the first week (learning), then the smallest fixed daily session for the mastery
scheduler that keeps as many clause-days as FSRS does. Nothing here is a test: it is a simulation,
and the figures go into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fsrs import Card, Rating

from quiz.memory import DUE_HORIZON, SCHEDULER

CLAUSES = 16
FIRST_STABILITY = 1.0  # days
GROWTH = 2.5
KEEP = 0.9
WARM_UP_DAYS = 7
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@dataclass
class Learner:
    rng: random.Random
    stability: list[float] = field(default_factory=lambda: [FIRST_STABILITY] * CLAUSES)
    last_review: list[float] = field(default_factory=lambda: [0.0] * CLAUSES)
    right: list[int] = field(default_factory=lambda: [0] * CLAUSES)
    seen: list[int] = field(default_factory=lambda: [0] * CLAUSES)

    def recall(self, clause: int, day: float) -> float:
        return math.exp(-(day - self.last_review[clause]) / self.stability[clause])

    def review(self, clause: int, day: float) -> bool:
        correct = self.rng.random() < self.recall(clause, day)
        if correct:
            self.stability[clause] *= GROWTH
        else:
            self.stability[clause] = max(FIRST_STABILITY, self.stability[clause] / 2)
        self.last_review[clause] = day
        self.seen[clause] += 1
        self.right[clause] += correct
        return correct


@dataclass(frozen=True)
class Result:
    items_per_learner: float
    kept: float  # share of clause-days at or above 90% recall after the warm-up


def _kept_share(learner: Learner, day: int) -> int:
    return sum(learner.recall(clause, day + 0.99) >= KEEP for clause in range(CLAUSES))


def simulate_mastery(learners: int, days: int, per_day: int, seed: int) -> Result:
    items = kept = counted = 0
    for n in range(learners):
        learner = Learner(random.Random(seed * 100_003 + n))
        for clause in range(CLAUSES):
            learner.review(clause, 0.0)
        pick = random.Random(seed + n)
        for day in range(1, days):
            for _ in range(per_day):
                weights = [1 - learner.right[c] / learner.seen[c] + 0.1 for c in range(CLAUSES)]
                learner.review(pick.choices(range(CLAUSES), weights=weights, k=1)[0], day + 0.5)
                items += 1
            if day >= WARM_UP_DAYS:
                kept += _kept_share(learner, day)
                counted += CLAUSES
    return Result(items / learners, kept / counted if counted else math.nan)


def simulate_fsrs(learners: int, days: int, seed: int) -> Result:
    items = kept = counted = 0
    for n in range(learners):
        learner = Learner(random.Random(seed * 100_003 + n))
        cards = []
        for clause in range(CLAUSES):
            rating = Rating.Good if learner.review(clause, 0.0) else Rating.Again
            cards.append(SCHEDULER.review_card(Card(card_id=clause + 1), rating, START)[0])
        for day in range(1, days):
            now = START + dt.timedelta(days=day, hours=3)
            for clause in range(CLAUSES):
                if cards[clause].due <= now + DUE_HORIZON:
                    rating = Rating.Good if learner.review(clause, day + 0.5) else Rating.Again
                    cards[clause] = SCHEDULER.review_card(cards[clause], rating, now)[0]
                    items += 1
            if day >= WARM_UP_DAYS:
                kept += _kept_share(learner, day)
                counted += CLAUSES
    return Result(items / learners, kept / counted if counted else math.nan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fsrs = simulate_fsrs(args.learners, args.days, args.seed)
    print(f"{args.learners} learners, {CLAUSES} clauses, {args.days} days; kept = recall >= 90% at day's end")
    print(f"{'scheduler':<28}{'items per learner':>18}{'clause-days kept':>18}")
    print(f"{'fsrs (due clauses only)':<28}{fsrs.items_per_learner:>18.0f}{fsrs.kept:>18.1%}")
    matching = None
    for per_day in (1, 2, 3, 4, 6, 8, 10, 12, 16):
        mastery = simulate_mastery(args.learners, args.days, per_day, args.seed)
        print(f"{f'mastery, {per_day} a day':<28}{mastery.items_per_learner:>18.0f}{mastery.kept:>18.1%}")
        if matching is None and mastery.kept >= fsrs.kept:
            matching = mastery
    if matching is None:
        print("No fixed daily session of the mastery scheduler keeps as many clause-days as FSRS.")
    else:
        ratio = matching.items_per_learner / fsrs.items_per_learner
        print(f"To keep as many clause-days, the mastery scheduler needs {ratio:.1f}x the items FSRS uses.")


if __name__ == "__main__":
    main()
