"""A part of a solved site as a site of its own, and what its solution depends on.

:mod:`.locality` answers an inactive load's what-if by solving the loads joined
to it by tight limits (its *part*) as a small site. This module builds that
sub-site from the site's own lists (no second pass over the part's loads to
derive them) and its *content*: everything the solver reads of it, by position
within the part. Two parts with the same content (a car park's identical
circuits of identical chargers) have the same solution to the bit, so a part
is solved once per content, not once per part.
"""

from __future__ import annotations

from .columns import columns
from .constraints import Pool, Problem, Resource
from .models import Distribution


def local_uses(
    p: Problem, part: tuple[int, ...], kept: tuple[int, ...], keep: list[bool]
) -> list[list[tuple[int, float]]]:
    """Per load of the part: the limits ``kept`` it uses (by position among them)
    and its coefficients, in the site's order."""
    renumber = {r: k for k, r in enumerate(kept)}
    return [[(renumber[r], c) for r, c in p.uses[j] if keep[r]] for j in part]


def part_content(
    p: Problem,
    part: tuple[int, ...],
    kept: tuple[int, ...],
    uses: list[list[tuple[int, float]]],
    distribution: Distribution,
) -> tuple[object, ...]:
    """:func:`content` of the part's sub-site, read from the site's own lists
    (without building the sub-site: equal contents need it once)."""
    cols = columns(p)
    rank = cols.rank
    at_rank = [rank[j] for j in part]
    unit_ids: dict[str, int] = {}
    units = tuple(
        None if unit is None else unit_ids.setdefault(unit, len(unit_ids))
        for unit in map(p.unit_of.__getitem__, part)
    )
    resources = list(map(p.resources.__getitem__, kept))
    return (
        distribution,
        tuple(map(tuple, uses)),
        tuple(sorted(range(len(part)), key=at_rank.__getitem__)),
        units,
        tuple(map(cols.min_a.__getitem__, part)),
        tuple(map(cols.max_a.__getitem__, part)),
        tuple(map(cols.binary.__getitem__, part)),
        tuple(map(cols.step_a.__getitem__, part)),
        tuple(map(cols.tier.__getitem__, part)),
        tuple(map(p.own_pool.__getitem__, part)),
        tuple(map(p.target_a.__getitem__, part)),
        tuple([res.capacity for res in resources]),
        tuple([res.pool for res in resources]),
    )


def sub_site(
    p: Problem,
    part: tuple[int, ...],
    kept: tuple[int, ...],
    keep: list[bool],
    uses: list[list[tuple[int, float]]] | None = None,
) -> Problem:
    """The part as a site of its own: its loads in the same order, the limits
    ``kept`` (sorted positions: the tight ones, all of whose members are in the
    part, and the zero pools; ``keep`` flags them among all the site's limits)
    with the part's members only (``uses``: :func:`local_uses`, when known).

    The derived lists are those :class:`Problem` would derive itself: each load's
    physical limits, most specific (fewest members) first; its pools; the serving
    order (the site's, restricted to the part: the order's key is per load)."""
    renumber = {r: k for k, r in enumerate(kept)}
    # Each kept limit's members within the part, read from the part's loads (a
    # zero pool may hold thousands of loads, the part a few dozen).
    members: list[list[tuple[int, float]]] = [[] for _ in kept]
    if uses is None:
        uses = local_uses(p, part, kept, keep)
    for k, mine in enumerate(uses):
        for s, c in mine:
            members[s].append((k, c))
    originals = list(map(p.resources.__getitem__, kept))
    resources = [
        Resource(res.name, res.capacity, res.pool, held)
        for res, held in zip(originals, members, strict=True)
    ]
    every_hard = p.every_hard
    if every_hard is not None:
        # The site's own ranking (fewest members first) holds within the part: a
        # kept physical limit is a tight one, all of whose members are in it.
        hard = [[(renumber[r], c) for r, c in every_hard[j] if keep[r]] for j in part]
    else:
        hard = []
        none = Pool.NONE
        size = [len(held) for held in members]
        for mine in uses:
            # Fewest members first, ties in the order of use, which is the limits'
            # order (a skeleton books each load's limits in order, one use each).
            ranked = sorted([(size[r], r, c) for r, c in mine if originals[r].pool is none])
            hard.append([(r, c) for _, r, c in ranked])
    pooled = [[(renumber[r], c, pool) for r, c, pool in p.pooled[j] if keep[r]] for j in part]
    rank = columns(p).rank
    at_rank = [rank[j] for j in part]
    sub = Problem(
        tuple(map(p.loads.__getitem__, part)),
        list(map(p.target_a.__getitem__, part)),
        [None] * len(part),
        resources,
        uses,
        list(map(p.unit_of.__getitem__, part)),
        list(map(p.active_target_a.__getitem__, part)),
        own_pool=list(map(p.own_pool.__getitem__, part)),
        hard=hard,
        pooled=pooled,
        order=sorted(range(len(part)), key=at_rank.__getitem__),
    )
    columns(sub)  # once, shared by the copies each woken load solves
    return sub


def content(sub: Problem, distribution: Distribution) -> tuple[object, ...]:
    """Everything the solver reads of a sub-site (by position within it): its
    loads' limits, tiers, pools, targets and units (by which connectors share
    one), each load's limits and coefficients, each limit's capacity and pool,
    the serving order. Equal contents give equal solutions, to the bit."""
    cols = columns(sub)
    unit_ids: dict[str, int] = {}
    units = tuple(
        None if unit is None else unit_ids.setdefault(unit, len(unit_ids)) for unit in sub.unit_of
    )
    return (
        distribution,
        tuple(map(tuple, sub.uses)),
        tuple(sub.order),
        units,
        tuple(cols.min_a),
        tuple(cols.max_a),
        tuple(cols.binary),
        tuple(cols.step_a),
        tuple(cols.tier),
        tuple(sub.own_pool),
        tuple(sub.target_a),
        tuple([res.capacity for res in sub.resources]),
        tuple([res.pool for res in sub.resources]),
    )


class Hashed:
    """A large key (a content, a part's basis) hashed once: a tuple's hash is not
    kept, and a what-if asks by the same key once per woken load."""

    __slots__ = ("_hash", "value")

    def __init__(self, value: tuple[object, ...]) -> None:
        self.value = value
        self._hash = hash(value)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        return isinstance(other, Hashed) and self._hash == other._hash and self.value == other.value
