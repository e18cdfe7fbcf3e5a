"""Which part of a solved site one inactive load can influence, and its answer there.

Waking load i changes only what flows through the limits it shares. A limit
that had room to spare during the whole solve, enough for every member to reach
its target on top of everything else, never decided anything ("loose"); the
limits that were tight join their members into one part, as do a sequential
unit's connectors (only one of them may run, whatever phases they use). Each
conditional surplus pool whose capacity is zero holds its own loads where they
are whatever the others do (an ``eco`` load at its minimum, a ``solar`` or
``excess`` load at 0 A) and joins nobody.

The part reachable from i through tight limits is solved as a site of its own
(the same solver, the same order, the tight limits with every member). The
result is exact when the loose limits stay loose with the part's new currents:
the loads outside the part then do exactly what they did, and the part does
exactly what the sub-site did. That is checked after solving, against each
load's highest current during the solve (first by a bound: each load's rise
times its steepest loose coefficient, against the least room a loose limit
keeps); when it fails, :meth:`Locality.answer` returns None and the caller
re-solves the whole site. Parts of equal content (:mod:`.subsite`) are solved
once per call. Answers are cached by everything they depend on, so a
controller asking again with the same parts (only loose limits' readings
changed) gets them without solving.
"""

from __future__ import annotations

import copy
import math
import operator
from itertools import repeat

from .columns import columns
from .constraints import Problem
from .distribute import Solver, solve
from .models import Distribution
from .siteshape import demands, forget_shapes, site_shape
from .subsite import Hashed, local_uses, part_content, sub_site

MARGIN = 1e-6
"""Spare room (amps on one leg) a loose limit keeps beyond every member's target."""
SLACK_TOLERANCE = 1e-6
"""How far below a loose limit's room a bound on what a part adds must stay to
settle the check without summing (covers rounding in the exact sums)."""

DROP, JOIN, PIN = 0, 1, 2


class Locality:
    """A solved site, ready to answer "what would inactive load i get"."""

    def __init__(self, problem: Problem, baseline: Solver, distribution: Distribution) -> None:
        self.p = problem
        self.distribution = distribution
        x = baseline.x
        filled = baseline.filled
        peak = x if filled is None else list(map(max, filled, x))
        self.peak = peak
        # Per limit: the most its members together held at any time (a bound), and
        # the most any one member could ask of it (its target, or target if active).
        want = list(map(max, problem.target_a, problem.active_target_a))
        shape = site_shape(problem)
        self.connectors = shape.connectors
        self.column_of = shape.column_of
        sumprod, at_peak = math.sumprod, peak.__getitem__
        distinct = [sumprod(c, map(at_peak, index)) for index, c in shape.distinct]
        self.held = held = list(map(distinct.__getitem__, shape.column_of))
        self.demand = demand = demands(problem, shape, want)
        self.capacity = capacity = [res.capacity for res in problem.resources]
        kind = [
            JOIN
            if sequential
            else PIN
            if pool and cap <= 0.0
            else DROP
            if cap - h >= 2 * d + MARGIN
            else JOIN
            for cap, h, d, sequential, pool in zip(
                capacity, held, demand, shape.sequential, shape.pooled, strict=True
            )
        ]
        self.kind = kind
        # The parts and their limits depend only on the site's shape and which
        # limits are tight: kept across calls while both stay the same.
        key = (id(problem.uses), tuple(kind))
        known = _parts.get(key)
        if known is None or known[0] is not problem.uses:
            if len(_parts) >= PART_CACHE_SIZE:
                _parts.clear()
            known = _parts[key] = (problem.uses, {}, {}, {})
        self.parts: dict[int, tuple[int, ...]] = known[1]
        self.kept: dict[tuple[int, ...], tuple[int, ...]] = known[2]
        self.loose: dict[tuple[int, ...], Loose] = known[3]
        self.sites: dict[tuple[int, ...], Problem] = {}
        self.contents: dict[tuple[int, ...], Hashed] = {}
        self.local: dict[tuple[int, ...], list[list[tuple[int, float]]]] = {}
        self.solved: dict[tuple[object, ...], tuple[float, list[float]]] = {}
        self.bases: dict[tuple[int, ...], tuple[Hashed, tuple[float, ...]]] = {}
        # Per limit: whether it is loose, whether a part keeps it, and the room
        # it keeps beyond the most any member could ask (loose ones only).
        self.drop = [k == DROP for k in kind]
        self.keep = [k != DROP for k in kind]
        self.room = [
            cap - h - d - MARGIN if k == DROP else math.inf
            for cap, h, d, k in zip(capacity, held, demand, kind, strict=True)
        ]
        self.site: Hashed | None = None

    def part(self, i: int) -> list[int]:
        """Load positions joined to load i by tight limits (a sequential unit's
        connectors count as joined), in input order."""
        uses, kind, resources = self.p.uses, self.kind, self.p.resources
        unit_of, column_of = self.p.unit_of, self.column_of
        seen = {i}
        stack = [i]
        done: set[int] = set()
        units_done: set[str] = set()
        while stack:
            j = stack.pop()
            unit = unit_of[j]
            if unit is not None and unit not in units_done:
                # One connector of a sequential unit at a time, whatever their phases.
                units_done.add(unit)
                for k in self.connectors[unit]:
                    if k not in seen:
                        seen.add(k)
                        stack.append(k)
            for r, _ in uses[j]:
                # Twin limits (a breaker's phases) have the same members: once.
                if kind[r] != JOIN or column_of[r] in done:
                    continue
                done.add(column_of[r])
                for k, _ in resources[r].members:
                    if k not in seen:
                        seen.add(k)
                        stack.append(k)
        return sorted(seen)

    def answer(self, i: int) -> float | None:
        """What load i would get if active, or None when it must be re-solved."""
        part = self.parts.get(i)
        if part is None:
            part = tuple(self.part(i))
            for j in part:  # a part is the same seen from any of its loads
                self.parts[j] = part
        if len(part) == len(self.peak):
            # The whole site: solving the part is re-solving the site, the
            # definition itself. Its answers are remembered by everything the
            # site's solution depends on (:meth:`resolved`).
            known = _answers.get(self._site_key(i))
            if known is not None and known[0] is self.p.uses:
                return known[1]
            return None
        p = self.p
        k_i = part.index(i)
        basis, before = self._basis(part)
        key = (basis, k_i, p.active_target_a[i])
        known = _answers.get(key)
        if known is not None and known[0] is p.uses:
            _, amps, peak, seen_before, seen = known
        else:
            same = self._content(part)
            # Parts of equal content (identical circuits of identical chargers)
            # have equal solutions: solved once per content and woken load.
            done = self.solved.get((same, k_i, p.active_target_a[i]))
            if done is None:
                template = self._sub_site(part)
                sub = copy.copy(template)
                sub.target_a = list(template.target_a)
                sub.target_a[k_i] = p.active_target_a[i]
                solved = solve(sub, self.distribution).solver
                assert solved is not None
                x, filled = solved.x, solved.filled
                peak = x if filled is None else list(map(max, filled, x))
                done = self.solved[(same, k_i, p.active_target_a[i])] = (x[k_i], peak)
            amps, peak = done
            seen_before, seen = (), None
        if before != seen_before or seen is None:
            # The most the part's new currents can add to any loose limit it
            # touches: each load's rise times its steepest coefficient there.
            steepest = self._loose(part)[1]
            rises = list(map(operator.sub, peak, before))
            seen = (math.sumprod(map(max, rises, repeat(0.0)), steepest), None)
            _remember(key, (p.uses, amps, peak, before, seen), len(part))
        bound, more = seen
        room = self.room.__getitem__
        if bound <= min(map(room, self._loose(part)[2]), default=math.inf) - SLACK_TOLERANCE:
            return amps  # no loose limit can come near its capacity
        if more is None:
            # What the part's new currents add to each loose limit it touches.
            outside = self._loose(part)[0]
            more = {}
            for left, rise in zip(outside, map(operator.sub, peak, before), strict=True):
                if rise == 0.0:
                    continue
                for r, c in left:
                    more[r] = more.get(r, 0.0) + c * rise
            _remember(key, (p.uses, amps, peak, before, (bound, more)), len(part))
        # The loose limits must stay loose with the part's new currents.
        capacity, held, demand = self.capacity, self.held, self.demand
        for r, extra in more.items():
            if capacity[r] - held[r] - extra < demand[r] + MARGIN:
                return None
        return amps

    def resolved(self, i: int, amps: float) -> None:
        """Remember the re-solve's answer for load i when its part is the whole site."""
        part = self.parts.get(i)
        if part is not None and len(part) == len(self.peak):
            _remember(self._site_key(i), (self.p.uses, amps, [], (), None), len(part))

    def _site_key(self, i: int) -> tuple[object, ...]:
        """Everything the site's solution with load i active depends on besides its
        shape: the loads' limits, targets (and targets if active), every capacity."""
        site = self.site
        if site is None:
            site = self.site = site_content(self.p, self.distribution)
        return (site, i)

    def _limits(self, part: tuple[int, ...]) -> tuple[int, ...]:
        """The part's limits: the tight ones and the zero pools its loads use."""
        kept = self.kept.get(part)
        if kept is None:
            self._scan(part)
            kept = self.kept[part]
        return kept

    def _scan(self, part: tuple[int, ...]) -> None:
        """One pass over the part's uses: its limits (:meth:`_limits`) and its
        loose limits (:meth:`_loose`)."""
        uses, drop = self.p.uses, self.drop
        found: set[int] = set()
        touched: dict[int, None] = {}
        outside: list[list[tuple[int, float]]] = []
        steepest: list[float] = []
        for j in part:
            left = []
            for rc in uses[j]:
                r = rc[0]
                if drop[r]:
                    left.append(rc)
                    touched[r] = None
                else:
                    found.add(r)
            outside.append(left)
            steepest.append(max([c for _, c in left], default=0.0))
        self.kept[part] = tuple(sorted(found))
        self.loose[part] = (outside, steepest, tuple(touched))

    def _basis(self, part: tuple[int, ...]) -> tuple[Hashed, tuple[float, ...]]:
        """Everything the part's solution depends on besides the site's shape (the
        shape is checked by identity when a cached answer is used), and the most
        the part's loads held in the solved site."""
        found = self.bases.get(part)
        if found is None:
            found = self.bases[part] = (
                Hashed(self._basis_of(part)),
                tuple(map(self.peak.__getitem__, part)),
            )
        return found

    def _basis_of(self, part: tuple[int, ...]) -> tuple[object, ...]:
        kept = self._limits(part)
        cols = columns(self.p)
        if len(part) == len(cols.min_a):  # the whole site: the lists as they are
            loads: tuple[object, ...] = (
                tuple(cols.min_a),
                tuple(cols.max_a),
                tuple(cols.binary),
                tuple(cols.step_a),
                tuple(self.p.target_a),
            )
        else:
            loads = (
                tuple(map(cols.min_a.__getitem__, part)),
                tuple(map(cols.max_a.__getitem__, part)),
                tuple(map(cols.binary.__getitem__, part)),
                tuple(map(cols.step_a.__getitem__, part)),
                tuple(map(self.p.target_a.__getitem__, part)),
            )
        return (self.distribution, part, loads, kept, tuple(map(self.capacity.__getitem__, kept)))

    def _content(self, part: tuple[int, ...]) -> Hashed:
        """The content of the part's sub-site (:func:`.subsite.part_content`)."""
        found = self.contents.get(part)
        if found is None:
            kept = self._limits(part)
            uses = self.local[part] = local_uses(self.p, part, kept, self.keep)
            found = Hashed(part_content(self.p, part, kept, uses, self.distribution))
            self.contents[part] = found
        return found

    def _sub_site(self, part: tuple[int, ...]) -> Problem:
        """The part as a site of its own (:func:`.subsite.sub_site`: the tight
        limits with every member, the zero pools with the part's members only, the
        loose limits left out)."""
        found = self.sites.get(part)
        if found is None:
            uses = self.local.get(part)
            found = sub_site(self.p, part, self._limits(part), self.keep, uses)
            self.sites[part] = found
        return found

    def _loose(self, part: tuple[int, ...]) -> Loose:
        """Each of the part's loads' loose limits (resource, coefficient), each
        load's steepest coefficient on them, and the loose limits the part touches
        (by site shape and tight limits, as the parts)."""
        found = self.loose.get(part)
        if found is None:
            self._scan(part)
            found = self.loose[part]
        return found


def site_content(problem: Problem, distribution: Distribution) -> Hashed:
    """Everything a site's solution depends on besides its shape: the loads'
    limits, targets (and targets if active), every capacity."""
    cols = columns(problem)
    return Hashed(
        (
            distribution,
            tuple(cols.min_a),
            tuple(cols.max_a),
            tuple(cols.binary),
            tuple(cols.step_a),
            tuple(problem.target_a),
            tuple(problem.active_target_a),
            tuple([res.capacity for res in problem.resources]),
        )
    )


def remember(problem: Problem, content: Hashed, i: int, amps: float) -> None:
    """Remember the re-solve's answer for load i for this site content and shape."""
    _remember((content, i), (problem.uses, amps, [], (), None), len(problem.loads))


def remembered(problem: Problem, content: Hashed, i: int) -> float | None:
    """The re-solve's answer for load i remembered for this site content and shape
    (by :meth:`Locality.resolved`), if any."""
    known = _answers.get((content, i))
    return known[1] if known is not None and known[0] is problem.uses else None


ANSWER_CACHE_SIZE = 4096
"""At most this many cached answers (a car park of 3000 loads asks fewer)..."""
ANSWER_CACHE_CURRENTS = 131_072
"""... holding at most this many currents in all (a few MB)."""
Loose = tuple[list[list[tuple[int, float]]], list[float], tuple[int, ...]]
"""Per load of a part its loose limits (resource, coefficient) and its steepest
coefficient on them; the loose limits the part touches (:meth:`Locality._loose`)."""
PART_CACHE_SIZE = 8
_parts: dict[
    tuple[int, tuple[int, ...]],
    tuple[
        object,
        dict[int, tuple[int, ...]],
        dict[tuple[int, ...], tuple[int, ...]],
        dict[tuple[int, ...], Loose],
    ],
] = {}
"""Parts, their limits and their loose limits by site shape (identity of its
``uses``) and tight limits."""


Answer = tuple[
    object, float, list[float], tuple[float, ...], tuple[float, dict[int, float] | None] | None
]
"""(site shape, the woken load's current, the part's highest currents, what the
part held in the solved site then, and the most the answer adds to any loose
limit with, once worked out, what it adds to each)."""
_answers: dict[tuple[object, ...], Answer] = {}
"""Sub-site answers by everything they depend on: a controller asks the same
questions every few seconds, and a car park's parts rarely change between them
(the breaker and import limit, whose readings do change, are loose limits)."""


_held_currents = [0]


def _remember(key: tuple[object, ...], answer: Answer, size: int) -> None:
    """Cache one answer of a part of ``size`` loads (its key holds a few values per
    load); when full, start afresh (bounded memory, no bookkeeping)."""
    if size > ANSWER_CACHE_CURRENTS // 16:
        return  # a part this large is most of a large site: not worth the memory
    if len(_answers) >= ANSWER_CACHE_SIZE or _held_currents[0] + size > ANSWER_CACHE_CURRENTS:
        _answers.clear()
        _held_currents[0] = 0
    _answers[key] = answer
    _held_currents[0] += size


def forget_answers(*, shapes: bool = True) -> None:
    """Empty the caches of sub-site answers and parts (the next what-if starts
    afresh); with ``shapes=False`` the site shapes (topology only) are kept."""
    _answers.clear()
    _held_currents[0] = 0
    _parts.clear()
    forget_shapes(shapes=shapes)
