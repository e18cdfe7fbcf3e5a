"""Per-load data of one problem as flat lists, read by position in the hot loops.

At car-park scale the solver reads a load's minimum, maximum, step and tier
hundreds of thousands of times per call; an index into a list is several times
cheaper than an attribute of a ``Load`` object. :func:`columns` computes these
lists once per problem (copies of a problem made for what-if questions share
them) and, once per site shape, the lists that depend on it only: each load's
*booked* limits (the physical limits it is held by plus the surplus pools it
shares: a limit left out by ``slack.py`` is never read, so no current is booked
on it) and each load's rank in the serving order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import MODE_TIER

if TYPE_CHECKING:
    from .constraints import Problem


@dataclass(frozen=True, slots=True)
class Columns:
    """One problem's per-load lists (by load position)."""

    min_a: list[float]
    max_a: list[float]
    binary: list[bool]
    step_a: list[float]
    tier: list[int]
    book: list[list[tuple[int, float]]]
    """(resource, coefficient) of every limit the solver reads for this load."""
    rank: list[int]
    """Position of the load in the serving order."""
    hard: object
    """The ``problem.hard`` these lists were made for (identity)."""


_shape_cache: dict[int, tuple[object, object, list[list[tuple[int, float]]], list[int]]] = {}
CACHE_SIZE = 16


def _by_shape(problem: Problem) -> tuple[list[list[tuple[int, float]]], list[int]]:
    key = id(problem.hard)
    known = _shape_cache.get(key)
    if known is not None and known[0] is problem.hard and known[1] is problem.order:
        return known[2], known[3]
    book = [
        h + [(r, c) for r, c, _ in q] if q else h
        for h, q in zip(problem.hard, problem.pooled, strict=True)
    ]
    rank = [0] * len(problem.order)
    for k, i in enumerate(problem.order):
        rank[i] = k
    if len(_shape_cache) >= CACHE_SIZE:
        _shape_cache.clear()
    _shape_cache[key] = (problem.hard, problem.order, book, rank)
    return book, rank


def columns(problem: Problem) -> Columns:
    """The problem's columns (computed on first use, again if its limits changed)."""
    found = problem.columns
    if found is not None and found.hard is problem.hard:
        return found
    loads = problem.loads
    book, rank = _by_shape(problem)
    tiers = MODE_TIER
    made = Columns(
        [load.min_a for load in loads],
        [load.max_a for load in loads],
        [load.binary for load in loads],
        [load.step_a for load in loads],
        [tiers[load.mode] for load in loads],
        book,
        rank,
        problem.hard,
    )
    problem.columns = made
    return made
