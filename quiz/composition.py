"""Which scenarios an attempt draws, in which order. Pure and deterministic: no Django import.

`compose` draws a stratified sample: candidates are grouped by (verdict, clause) and the groups are
visited round-robin, so every clause is represented before any clause appears twice; within a group
the difficulties alternate. The same candidates, count and seed always give the same draw, so an
attempt can be reproduced from the seed stored on it.

`compose_adaptive` draws the trainee's clauses in the order their memory schedule gives (quiz.memory:
the clauses due for review first) and brings back the rules of items they answered wrong in earlier
attempts, with another scenario each, spaced out: a retry never comes first and at least `retry_gap`
fresh items separate two retries.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

DIFFICULTY_ORDER = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Candidate:
    """A scenario that may be drawn, with the engine's outcome for it under the attempt's version."""

    id: int
    verdict: str
    clause: str  # "" when no clause applies
    difficulty: str = "medium"
    rule: str = ""  # the decision rule that decides its gold answer

    @property
    def stratum(self) -> tuple[str, str]:
        return (self.verdict, self.clause)


@dataclass(frozen=True)
class MasteryRecord:
    """One earlier answer: which clause the engine expected, and whether the answer was right."""

    clause: str
    is_correct: bool


def mastery_by_clause(records: Iterable[MasteryRecord]) -> dict[str, float]:
    """Share of correct answers per expected clause ("" for cases where no clause applies)."""
    seen: dict[str, int] = defaultdict(int)
    right: dict[str, int] = defaultdict(int)
    for record in records:
        seen[record.clause] += 1
        right[record.clause] += int(record.is_correct)
    return {clause: right[clause] / seen[clause] for clause in sorted(seen)}


def _interleave_difficulties(group: list[Candidate], rng: random.Random) -> list[Candidate]:
    by_difficulty: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in group:
        by_difficulty[candidate.difficulty].append(candidate)
    lanes = []
    for difficulty in sorted(
        by_difficulty, key=lambda d: (DIFFICULTY_ORDER.index(d) if d in DIFFICULTY_ORDER else 99, d)
    ):
        lane = by_difficulty[difficulty]
        rng.shuffle(lane)
        lanes.append(lane)
    rng.shuffle(lanes)
    ordered: list[Candidate] = []
    while any(lanes):
        for lane in lanes:
            if lane:
                ordered.append(lane.pop())
    return ordered


def compose(candidates: Sequence[Candidate], count: int, seed: int, *, exclude: Iterable[int] = ()) -> list[int]:
    """A stratified, seeded draw of up to `count` distinct candidate ids (fewer if there are fewer)."""
    if count <= 0:
        return []
    excluded = set(exclude)
    rng = random.Random(seed)
    pool = sorted({c.id: c for c in candidates if c.id not in excluded}.values(), key=lambda c: c.id)
    groups: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
    for candidate in pool:
        groups[candidate.stratum].append(candidate)
    queues = [_interleave_difficulties(groups[key], rng) for key in sorted(groups)]
    rng.shuffle(queues)
    drawn: list[int] = []
    while len(drawn) < count and any(queues):
        for queue in queues:
            if queue and len(drawn) < count:
                drawn.append(queue.pop(0).id)
    # Shuffle the order so the round-robin pattern does not give the answers away.
    rng.shuffle(drawn)
    return drawn


def compose_preferring_unseen(
    candidates: Sequence[Candidate], count: int, seed: int, *, seen: Collection[int]
) -> list[int]:
    """`compose` over the candidates not in `seen` first; only when those cannot fill the draw is it
    topped up, stratified in the same way, from the seen ones."""
    unseen = compose([c for c in candidates if c.id not in seen], count, seed)
    if len(unseen) >= count:
        return unseen
    drawn = unseen + compose([c for c in candidates if c.id in seen], count - len(unseen), seed)
    random.Random(seed).shuffle(drawn)
    return drawn


@dataclass(frozen=True)
class Retry:
    """An item answered wrong: its rule comes back, with another scenario that rule decides."""

    missed: int  # the scenario answered wrong, never served again as a retry
    rule: str


def compose_adaptive(
    candidates: Sequence[Candidate],
    count: int,
    seed: int,
    *,
    clause_order: Sequence[str],
    retries: Sequence[Retry] = (),
    retry_share: float = 0.3,
    retry_gap: int = 2,
) -> list[int]:
    """Draw `count` ids clause by clause in `clause_order` (the clauses due for review first, most
    urgent first: see quiz.memory), one scenario per clause in turn, so a clause comes up twice only
    once every clause has had its turn; clauses not in the order follow in a seeded order.

    Retries bring back the rule of an item answered wrong with another scenario decided by the same
    rule, never the missed item itself, so the trainee recalls the rule rather than the answer; a
    rule with no other scenario is not retried. At most `retry_share` of the items are retries
    (oldest mistake first), each after at least `retry_gap` fresh items. Missed items are not drawn
    fresh either.
    """
    if count <= 0:
        return []
    rng = random.Random(seed)
    by_id = {c.id: c for c in candidates}
    missed = {retry.missed for retry in retries}
    by_rule: dict[str, list[int]] = defaultdict(list)
    for candidate in sorted(by_id.values(), key=lambda c: c.id):
        if candidate.rule and candidate.id not in missed:
            by_rule[candidate.rule].append(candidate.id)
    for ids in by_rule.values():
        rng.shuffle(ids)
    retry_limit = min(int(count * retry_share), count // (retry_gap + 1))
    chosen_retries: list[int] = []
    retried_rules: set[str] = set()
    for retry in retries:  # oldest mistake first; one retry per rule
        if len(chosen_retries) >= retry_limit:
            break
        if retry.rule not in retried_rules and by_rule.get(retry.rule):
            retried_rules.add(retry.rule)
            chosen_retries.append(by_rule[retry.rule].pop())

    groups: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in sorted(by_id.values(), key=lambda c: c.id):
        if candidate.id not in missed and candidate.id not in chosen_retries:
            groups[candidate.clause].append(candidate)
    for group in groups.values():
        rng.shuffle(group)
    rest = sorted(clause for clause in groups if clause not in set(clause_order))
    rng.shuffle(rest)
    order = [clause for clause in dict.fromkeys(clause_order) if clause in groups] + rest
    fresh: list[int] = []
    while len(fresh) < count - len(chosen_retries) and any(groups[clause] for clause in order):
        for clause in order:
            if groups[clause] and len(fresh) < count - len(chosen_retries):
                fresh.append(groups[clause].pop().id)
    return space_retries(fresh, chosen_retries, gap=retry_gap)


def space_retries(fresh: Sequence[int], retries: Sequence[int], *, gap: int) -> list[int]:
    """Place each retry after at least `gap` fresh items; retries that do not fit go at the end."""
    order: list[int] = []
    pending = list(retries)
    since_retry = 0
    for item in fresh:
        order.append(item)
        since_retry += 1
        if pending and since_retry >= gap:
            order.append(pending.pop(0))
            since_retry = 0
    order.extend(pending)
    return order
