"""What an inactive load would get if it became active now (its ``available_a``).

Exact: the answer is what the solver would give that load with it active and
everything else as it is (:func:`what_if_resolve`, the re-solve, defines it and
stays the test oracle). ``optimized``/``strict`` answer every inactive load in
one pass (a load never changes what those before it get).

``shared``/``priority``: an inactive load whose minimum would not be reserved
at its turn (the loads before it in order have theirs) changes nothing of the
reservation when woken, so it is answered by the solve's own pass
(:func:`.distribute.solve` with ``probe``): 0 A in ``shared``, what it could
take at its turn in ``priority``. A car park at capacity is mostly such loads.
The others: solve the site once and then answer each inactive load
from the part of the site it can influence (:mod:`.locality`): the loads joined
to it through limits that were tight (or are a sequential unit's), re-solved as
a small site of their own, with the limits that had room to spare checked
afterwards to still have room to spare with the woken load's share. When that
part is the whole site, or a check fails, the site is re-solved as before; a
whole-site re-solve is remembered by everything it depends on (the loads'
limits, targets and every capacity, for the same site shape), and a small site
looks those up first. A small site with a question or two (at most
:data:`DIRECT` loads re-solved in all) is re-solved right away: finding its
parts costs more, and they usually are the whole site.
"""

from __future__ import annotations

import copy

from .constraints import Problem
from .distribute import EPS, Solver, solve
from .locality import Locality, remember, remembered, site_content
from .models import Distribution

SMALL_SITE = 100
"""Up to this many loads, remembered whole-site answers are looked up first."""
DIRECT = 30
"""Up to this many loads re-solved in all (loads x questions), a small site's
questions are answered by the re-solve itself, without looking for parts."""


def what_if_active(
    problem: Problem,
    distribution: Distribution,
    baseline: Solver | None = None,
    probes: dict[int, float] | None = None,
) -> dict[int, float]:
    """For every inactive load: the current it would get if it became active now.

    ``baseline`` is the solved site (the solver :func:`solve` returned for this
    problem and distribution); it is solved here when not given. ``probes``:
    the answers :func:`solve` already gave when asked (every inactive load in
    ``optimized``/``strict``, those left out of the reservation in
    ``shared``/``priority``).
    """
    inactive = [i for i, load in enumerate(problem.loads) if not load.active]
    if not inactive:
        return {}
    if distribution in (Distribution.OPTIMIZED, Distribution.STRICT):
        if probes is not None:
            return probes
        probe: dict[int, float] = {}
        Solver(problem).raise_in_order(strict=distribution is Distribution.STRICT, probe=probe)
        return probe
    answers: dict[int, float] = {}
    asked: list[int] = []
    known = {}
    if baseline is not None and baseline.fits:
        known = left_out_answers(problem, distribution, baseline.fits, probes or {})
    for i in inactive:
        target = problem.active_target_a[i]
        if i in known:
            answers[i] = known[i]  # its minimum would not be reserved
        elif target > 0 and target >= problem.loads[i].min_a - EPS:
            asked.append(i)
        else:
            answers[i] = 0.0  # it could not run even if active: the solver never touches it
    if asked and len(problem.loads) <= SMALL_SITE:
        # A small site is often one part (a tight breaker joins everybody): its
        # answers are the re-solves remembered for exactly this site, if any.
        content = site_content(problem, distribution)
        rest = []
        for i in asked:
            found = remembered(problem, content, i)
            if found is None:
                rest.append(i)
            else:
                answers[i] = found
        asked = rest
        if asked and len(asked) * len(problem.loads) <= DIRECT:
            # A re-solve or two of a small site cost less than finding its parts
            # (which usually are the whole site): the definition answers.
            for i in asked:
                answers[i] = found = _resolve_one(problem, distribution, i)
                remember(problem, content, i, found)
            return answers
    if not asked:
        return answers
    if baseline is None:
        solved = solve(problem, distribution).solver
        assert solved is not None
        baseline = solved
    local = Locality(problem, baseline, distribution)
    for i in asked:
        found = local.answer(i)
        if found is None:
            found = _resolve_one(problem, distribution, i)
            local.resolved(i, found)
        answers[i] = found
    return answers


def left_out_answers(
    problem: Problem, distribution: Distribution, fits: dict[int, bool], probes: dict[int, float]
) -> dict[int, float]:
    """``shared``/``priority``: the answers of the inactive loads whose minimum
    would not have been reserved (``fits``, noted by the solve). Woken, such a
    load changes nothing of the reservation, so the solve runs as it just did:
    in ``shared`` it gets 0 A (only reserved loads are filled), in ``priority``
    what it could take at its turn (``probes``, from the raise). A sequential
    unit's connector may still get its unit when the holder ends at 0 A: unless
    its answer is positive, it is left to the other ways."""
    unit_of = problem.unit_of
    known: dict[int, float] = {}
    for i, fit in fits.items():
        if fit:
            continue
        if distribution is Distribution.SHARED:
            if unit_of[i] is None:
                known[i] = 0.0
        elif distribution is Distribution.PRIORITY:
            amps = probes.get(i)
            if amps is not None and (amps > 0.0 or unit_of[i] is None):
                known[i] = amps
    return known


def what_if_resolve(problem: Problem, distribution: Distribution) -> dict[int, float]:
    """The definition (and test oracle): re-solve the site once per inactive load."""
    return {
        i: _resolve_one(problem, distribution, i)
        for i, load in enumerate(problem.loads)
        if not load.active
    }


def _resolve_one(problem: Problem, distribution: Distribution, i: int) -> float:
    """Load i's current in the site re-solved with load i active."""
    variant = copy.copy(problem)
    variant.target_a = list(problem.target_a)
    variant.target_a[i] = problem.active_target_a[i]
    if distribution is Distribution.PRIORITY:
        # Load i's share is settled once the raise reaches it: the loads after it
        # only hold their reserved minimums then, exactly as in the full solve.
        # Only a connector left at 0 A on a sequential unit may still get the
        # unit later (release_idle_units): that case takes the full solve.
        solver = Solver(variant)
        solver.reserve_minimums()
        solver.raise_in_order(until=i)
        if solver.x[i] > 0 or problem.unit_of[i] is None:
            return solver.x[i]
    return solve(variant, distribution).current_a[i]
