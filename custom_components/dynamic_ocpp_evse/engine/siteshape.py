"""What the what-if (:mod:`.locality`) reads of a site's shape, once per shape.

Each limit's members and coefficients as columns (twin limits, a breaker's
phases, share one), the sequential charger units' connectors, which limits are
a unit's or a surplus pool; and per limit the most any one member could ask of
it (by shape and targets). Kept by identity of the site's ``uses`` lists, which
a controller's calls on the same site share (``constraints.skeleton``).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from .constraints import Pool, Problem

CACHE_SIZE = 8
_position, _coefficient = operator.itemgetter(0), operator.itemgetter(1)


@dataclass(frozen=True, slots=True)
class Shape:
    """What :class:`Locality` reads of a site's shape (computed once per shape)."""

    distinct: list[tuple[tuple[int, ...], tuple[float, ...]]]
    """The different columns (twin limits, e.g. a breaker's phases, share one)."""
    column_of: list[int]
    """Per limit: its column's position in ``distinct``."""
    connectors: dict[str, list[int]]
    """Per sequential charger unit: its connectors."""
    sequential: list[bool]
    """Per limit: whether it is a sequential unit's."""
    pooled: list[bool]
    """Per limit: whether it is a conditional surplus pool."""


_shapes: dict[int, tuple[object, Shape]] = {}


def site_shape(problem: Problem) -> Shape:
    """The site's shape as :class:`Locality` reads it (by identity of its ``uses``)."""
    key = id(problem.uses)
    known = _shapes.get(key)
    if known is not None and known[0] is problem.uses:
        return known[1]
    resources = problem.resources
    connectors: dict[str, list[int]] = {}
    for j, unit in enumerate(problem.unit_of):
        if unit is not None:
            connectors.setdefault(unit, []).append(j)
    names = {f"charger:{unit}" for unit in connectors}
    # Each limit's members, twins (a breaker's phases) once; then each distinct
    # column as (positions, coefficients).
    where: dict[tuple[tuple[int, float], ...], int] = {}
    column_of = [where.setdefault(tuple(res.members), len(where)) for res in resources]
    made = Shape(
        [(tuple(map(_position, column)), tuple(map(_coefficient, column))) for column in where],
        column_of,
        connectors,
        [res.name in names for res in resources],
        [res.pool is not Pool.NONE for res in resources],
    )
    if len(_shapes) >= CACHE_SIZE:
        _shapes.clear()
    _shapes[key] = (problem.uses, made)
    return made


_demand_cache: dict[tuple[int, tuple[float, ...]], tuple[object, list[float]]] = {}


def demands(problem: Problem, shape: Shape, want: list[float]) -> list[float]:
    """Per limit: the most any one member could ask of it (its coefficient times its
    target, or its target if it were active); by site shape and targets, which
    change far less often than the currents."""
    key = (id(problem.uses), tuple(want))
    known = _demand_cache.get(key)
    if known is not None and known[0] is problem.uses:
        return known[1]
    mul, at = operator.mul, want.__getitem__
    # Twin limits (a breaker's phases) share a column: each distinct one once.
    each = [max(map(mul, c, map(at, index))) for index, c in shape.distinct]
    made = list(map(each.__getitem__, shape.column_of))
    if len(_demand_cache) >= CACHE_SIZE:
        _demand_cache.clear()
    _demand_cache[key] = (problem.uses, made)
    return made


def forget_shapes(*, shapes: bool = True) -> None:
    """Empty the caches of demands and (unless ``shapes`` is False) site shapes."""
    if shapes:
        _shapes.clear()
    _demand_cache.clear()
