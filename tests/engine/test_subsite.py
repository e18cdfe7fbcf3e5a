"""A part of a site as a site of its own (``subsite.py``): the lists it derives from
the site's must be those the sub-site would derive itself, or a what-if answered
from it would differ from the re-solve's; equal contents must solve alike."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import parse_scenario
from custom_components.dynamic_ocpp_evse.engine.constraints import Problem, build_problem
from custom_components.dynamic_ocpp_evse.engine.distribute import solve
from custom_components.dynamic_ocpp_evse.engine.headroom import site_budget
from custom_components.dynamic_ocpp_evse.engine.models import Distribution
from custom_components.dynamic_ocpp_evse.engine.subsite import (
    content,
    local_uses,
    part_content,
    sub_site,
)

from .strategies import scenarios


def _cut(p: Problem, part: tuple[int, ...], kept: tuple[int, ...]) -> Problem:
    return sub_site(p, part, kept, [r in kept for r in range(len(p.resources))])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_sub_site_derives_what_it_would_derive_itself(scenario: dict[str, Any], seed: int) -> None:
    """Any set of loads with the limits held entirely within it (and the pools):
    physical limits most specific first, pools, serving order and columns are
    exactly those of the same sub-site built from scratch."""
    parsed = parse_scenario(scenario)
    p = build_problem(parsed, site_budget(parsed.site, parsed.loads))
    rnd = random.Random(seed)
    part = tuple(j for j in range(len(p.loads)) if rnd.random() < 0.6) or (0,)
    inside = set(part)
    kept = tuple(
        r
        for r, res in enumerate(p.resources)
        if res.pool is not res.pool.NONE or all(k in inside for k, _ in res.members)
    )
    kept = tuple(r for r in kept if any(r == s for j in part for s, _ in p.uses[j]))
    sub = _cut(p, part, kept)
    # Every limit a load of the part uses is either in the sub-site or left out.
    for k, j in enumerate(part):
        left = [(r, c) for r, c in p.uses[j] if r not in kept]
        assert sorted(left + [(kept[r], c) for r, c in sub.uses[k]]) == sorted(p.uses[j])
    scratch = Problem(
        sub.loads,
        list(sub.target_a),
        [None] * len(part),
        sub.resources,
        sub.uses,
        list(sub.unit_of),
        list(sub.active_target_a),
    )
    assert sub.hard == scratch.hard
    assert sub.pooled == scratch.pooled
    assert sub.order == scratch.order
    assert sub.own_pool == scratch.own_pool
    keep = [r in kept for r in range(len(p.resources))]
    for distribution in Distribution:
        assert solve(sub, distribution).current_a == solve(scratch, distribution).current_a
        # The content read from the site's own lists is the sub-site's.
        uses = local_uses(p, part, kept, keep)
        assert part_content(p, part, kept, uses, distribution) == content(sub, distribution)


def test_identical_circuits_have_one_content() -> None:
    """Two circuits of the same chargers with the same limits are one content (and
    solve alike); a different circuit limit makes them two."""
    loads = [{"id": f"c{k}", "min_a": 6, "max_a": 16, "priority": k % 2} for k in range(8)]
    scenario: dict[str, Any] = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 500,
            "grid_current_a": {"A": 5, "B": 5, "C": 5},
            "distribution": "shared",
        },
        "loads": loads,
        "circuits": [
            {"id": "left", "limit_a": 40, "members": [f"c{k}" for k in range(4)]},
            {"id": "right", "limit_a": 40, "members": [f"c{k}" for k in range(4, 8)]},
        ],
    }

    def contents() -> tuple[object, object]:
        parsed = parse_scenario(scenario)
        p = build_problem(parsed, site_budget(parsed.site, parsed.loads))
        left = [r for r, res in enumerate(p.resources) if res.name == "circuit:left"]
        right = [r for r, res in enumerate(p.resources) if res.name == "circuit:right"]
        subs = _cut(p, (0, 1, 2, 3), tuple(left)), _cut(p, (4, 5, 6, 7), tuple(right))
        a, b = (solve(s, Distribution.SHARED).current_a for s in subs)
        assert (a == b) == (subs[0].resources[0].capacity == subs[1].resources[0].capacity)
        return content(subs[0], Distribution.SHARED), content(subs[1], Distribution.SHARED)

    first, second = contents()
    assert first == second
    scenario["circuits"][1]["limit_a"] = 30
    first, second = contents()
    assert first != second
