"""Physical limits that can never bind, left out of the loads' lists before solving.

A limit can never bind when even the most its members could ever draw leaves
every member room to reach its target: then no load is ever held by it, and the
solver (rooms, reservation, water-filling) need not look at it. The most a
limit's members can draw is bounded from the limits nested below it, which the
solver never lets anybody exceed: a breaker phase holds at most what its
top-level circuits on that phase allow plus what the loads outside them want;
a circuit phase at most what its sub-circuits allow plus its direct loads; the
import limit at most what the breaker phases allow. In a car park of circuit
trees, the breaker, the import limit and every circuit above the binding level
are such limits.

The bound is conservative (a limit kept that could have gone costs time, never
a wrong split); everything the explanation reports is unchanged, since a limit
that never binds is never named and never lowers the physical room.

Twins go too: when two physical limits hold the same loads, each with one
coefficient for all of them (the three breaker phases of a site whose loads all
use three phases, a charger unit's phases, the import limit of such a site),
both hold the same current per unit of coefficient, so the one with less
capacity per unit is always at least as tight. A twin is left out when another
is tighter by ``TWIN_MARGIN`` per unit (far more than the rounding of their
bookings, or the solver's 1e-9 A tie tolerance, can make up), or when one
before it (in the order the solver reads them) has the same coefficient and no
more capacity (their bookings are then the same to the bit, and of equally
tight limits the solver names the first). The solver then never names it and
never stops a load on it.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from .constraints import Pool, Problem, Skeleton
from .models import Scenario

TWIN_MARGIN = 1e-3
"""How much less capacity per unit of coefficient (amps) a twin with another
coefficient must leave to make the later one redundant."""
MARGIN = 1e-6
"""Room (amps on one leg) a left-out limit keeps beyond every member's target."""
OVERSHOOT = 1e-6
"""More than the solver's tolerances may let one load exceed a limit by (amps)."""


@dataclass(frozen=True, slots=True)
class Nesting:
    """Per limit: the limits nested directly below it and its loads outside them."""

    order: tuple[int, ...]
    """Limits with a bound, innermost first."""
    children: dict[int, tuple[int, ...]]
    direct: dict[int, tuple[tuple[int, ...], tuple[float, ...]]]
    """(load positions, coefficients) of the members no child covers."""
    columns: tuple[tuple[tuple[int, ...], tuple[float, ...]], ...]
    """Every limit's members (positions, coefficients)."""
    steepest: tuple[float, ...]
    """Every limit's largest coefficient."""
    twins: tuple[tuple[tuple[int, float], ...], ...]
    """Groups of physical limits with the same members, one coefficient each (and
    that coefficient), in index order."""


_nestings: dict[int, tuple[object, Nesting]] = {}
_live: dict[tuple[int, tuple[int, ...]], tuple[object, list[list[tuple[int, float]]]]] = {}
CACHE_SIZE = 8


def _twins(shape: Skeleton) -> tuple[tuple[tuple[int, float], ...], ...]:
    """Physical limits with the same members, each with one coefficient for all of
    them, in index order (the order every member's list holds them)."""
    groups: dict[tuple[int, ...], list[tuple[int, float]]] = {}
    for r, members in enumerate(shape.members):
        if shape.pools[r] is not Pool.NONE or not members:
            continue
        coefficient = members[0][1]
        if all(c == coefficient for _, c in members):
            groups.setdefault(tuple([k for k, _ in members]), []).append((r, coefficient))
    return tuple(tuple(group) for group in groups.values() if len(group) > 1)


def _nesting(scenario: Scenario, shape: Skeleton) -> Nesting:
    """The nesting of a site's limits (by site shape)."""
    key = id(shape.uses)
    known = _nestings.get(key)
    if known is not None and known[0] is shape.uses:
        return known[1]
    if not scenario.circuits:
        nesting = Nesting((), {}, {}, (), (), _twins(shape))
        if len(_nestings) >= CACHE_SIZE:
            _nestings.clear()
        _nestings[key] = (shape.uses, nesting)
        return nesting
    ids = {c.id for c in scenario.circuits}
    parent_of: dict[str, str] = {}
    for circuit in scenario.circuits:
        for member in circuit.members:
            if member in ids:
                parent_of[member] = circuit.id
        if circuit.parent is not None:
            parent_of[circuit.id] = circuit.parent
    depth: dict[str, int] = {}
    for circuit in scenario.circuits:
        node, level, seen = circuit.id, 0, set()
        while node in parent_of and node not in seen:
            seen.add(node)
            node, level = parent_of[node], level + 1
        depth[circuit.id] = level
    circuit_res: dict[tuple[str, str], int] = {}
    breaker_res: dict[str, int] = {}
    imports: list[int] = []
    for r, (what, phase, index) in enumerate(shape.capacities):
        if shape.pools[r] is not Pool.NONE:
            continue
        if what == "circuit":
            circuit_res[(scenario.circuits[index].id, phase)] = r
        elif what == "breaker":
            breaker_res[phase] = r
        elif what == "import":
            imports.append(r)
    members = shape.members
    children: dict[int, tuple[int, ...]] = {}
    direct: dict[int, tuple[tuple[int, ...], tuple[float, ...]]] = {}

    def split(r: int, kids: list[int]) -> None:
        covered = {k for kid in kids for k, _ in members[kid]}
        rest = [(k, c) for k, c in members[r] if k not in covered]
        children[r] = tuple(kids)
        direct[r] = (tuple(k for k, _ in rest), tuple(c for _, c in rest))

    kids_of: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        kids_of.setdefault(parent, []).append(child)
    by_depth = sorted(scenario.circuits, key=lambda c: -depth[c.id])
    order: list[int] = []
    for circuit in by_depth:
        for phase in circuit.limit_a:
            found = circuit_res.get((circuit.id, phase))
            if found is None:
                continue
            kids = [
                circuit_res[(child, phase)]
                for child in kids_of.get(circuit.id, ())
                if (child, phase) in circuit_res
            ]
            split(found, kids)
            order.append(found)
    for phase, r in breaker_res.items():
        tops = [
            res
            for (cid, p), res in circuit_res.items()
            if p == phase and (cid not in parent_of or parent_of[cid] not in ids)
        ]
        split(r, tops)
        order.append(r)
    if len(breaker_res) == len(scenario.site.phases):
        # Each load's legs are on breaker phases: the breakers cover the import.
        for r in imports:
            children[r] = tuple(breaker_res.values())
            direct[r] = ((), ())
            order.append(r)
    columns = tuple((tuple(k for k, _ in m), tuple(c for _, c in m)) for m in members)
    steepest = tuple(max(c, default=0.0) for _, c in columns)
    nesting = Nesting(tuple(order), children, direct, columns, steepest, _twins(shape))
    if len(_nestings) >= CACHE_SIZE:
        _nestings.clear()
    _nestings[key] = (shape.uses, nesting)
    return nesting


def leave_out_slack(problem: Problem, scenario: Scenario, shape: Skeleton) -> None:
    """Drop from ``problem.hard`` every limit that can never bind (in place; the
    limits stay in ``problem.uses``: the solver books no current on them, as it
    never reads them, see ``columns.py``)."""
    nesting = _nesting(scenario, shape)
    resources = problem.resources
    slack: list[int] = []
    if nesting.order:
        # The most each load may ever be given: its target, or its target if it
        # were active (the what-if re-solves share these lists).
        targets = list(map(max, problem.target_a, problem.active_target_a))
        highest = max(targets, default=0.0)
        get = targets.__getitem__
        mul = operator.mul
        most: dict[int, float] = {}
        direct, children, columns = nesting.direct, nesting.children, nesting.columns
        for r in nesting.order:
            index, coefficient = direct[r]
            bound = sum(map(mul, coefficient, map(get, index)))
            bound += OVERSHOOT * len(index)
            for kid in children[r]:
                cap = max(0.0, resources[kid].capacity)
                bound += min(cap + OVERSHOOT * len(resources[kid].members), most[kid])
            most[r] = bound
            spare = resources[r].capacity - bound
            if spare < MARGIN:
                continue  # no member could want less than nothing
            if spare >= nesting.steepest[r] * highest + MARGIN:
                slack.append(r)  # room for the most any member could want
                continue
            column_index, column_coefficient = columns[r]
            want = max(map(mul, column_coefficient, map(get, column_index)))
            if spare >= want + MARGIN:
                slack.append(r)
    if nesting.twins:
        gone = set(slack)
        for group in nesting.twins:
            here = [(r, c, resources[r].capacity) for r, c in group if r not in gone]
            if len(here) < 2:
                continue
            tightest = min([cap / c for _, c, cap in here]) + TWIN_MARGIN
            held: list[tuple[float, float]] = []  # (capacity, coefficient) of those kept
            for r, each, cap in here:
                if cap / each >= tightest:
                    slack.append(r)  # another twin is always tighter
                    continue
                for tight, other in held:
                    if each == other and cap >= tight:
                        slack.append(r)  # one before it is at least as tight
                        break
                else:
                    held.append((cap, each))
        slack.sort()
    if not slack:
        return
    key = (id(problem.uses), tuple(slack))
    known = _live.get(key)
    if known is None or known[0] is not problem.uses:
        gone = set(slack)
        live = [[(r, c) for r, c in limits if r not in gone] for limits in problem.hard]
        if len(_live) >= CACHE_SIZE:
            _live.clear()
        known = _live[key] = (problem.uses, live)
    problem.hard = known[1]
