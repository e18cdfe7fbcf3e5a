"""What an inactive load would get if it became active now (its ``available_a``).

Exact: the answer is what the solver would give that load with it active and
everything else as it is. ``optimized``/``strict`` answer every inactive load in
one pass (a load never changes what those before it get); ``priority`` solves up
to the asked load; ``shared`` re-solves the site per inactive load.
"""

from __future__ import annotations

import copy

from .constraints import Problem
from .distribute import Solver, solve
from .models import Distribution


def what_if_active(problem: Problem, distribution: Distribution) -> dict[int, float]:
    """For every inactive load: the current it would get if it became active now."""
    inactive = [i for i, load in enumerate(problem.loads) if not load.active]
    if not inactive:
        return {}
    if distribution in (Distribution.OPTIMIZED, Distribution.STRICT):
        probe: dict[int, float] = {}
        Solver(problem).raise_in_order(strict=distribution is Distribution.STRICT, probe=probe)
        return probe
    answers: dict[int, float] = {}
    for i in inactive:
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
                answers[i] = solver.x[i]
                continue
        answers[i] = solve(variant, distribution).current_a[i]
    return answers
