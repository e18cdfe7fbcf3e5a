"""Checkers for the distribution rules: reasons name a binding limit, ``shared``
is max-min fair, ``priority``/``optimized``/``strict`` serve in order.

Built on the independent site model of ``checkers.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .checkers import (
    BINDING_PREFIXES,
    STANDARD_LIKE,
    TIER,
    TOL_A,
    Limit,
    LoadView,
    SiteView,
    site_view,
    watts,
)

# -- helpers for the reason and fairness properties ---------------------------


def _running_coeff(view: SiteView, amps: Mapping[str, float], members: set[str]) -> float:
    """Sum of the coefficients of running members (for the 0.1 A rounding slack; a
    setpoint load rounds down by up to one of its steps)."""
    return sum(
        max(0.1, lv.step_a) / 0.1 for lv in view.loads if lv.id in members and amps[lv.id] > 0
    )


def _need(lv: LoadView, x: float) -> float:
    """How much more load ``lv`` needed: its minimum from 0, else one step (0.1 A or
    its setpoint step)."""
    return lv.min_a if x == 0 else max(0.1, lv.step_a)


def _phase_slack(
    view: SiteView, amps: Mapping[str, float], phase: str, ids: set[str] | None
) -> tuple[float, set[str]]:
    """(used amps, members) of the breaker (ids None) or a load set on a phase."""
    members = {lv.id for lv in view.loads if phase in lv.phases and (ids is None or lv.id in ids)}
    used = sum(amps[m] for m in members)
    return used, members


def tight_resources(view: SiteView, amps: Mapping[str, float], lv: LoadView) -> set[Limit]:
    """The hard limits that leave load ``lv`` no room to grow, as (name, phase) pairs.

    Names use the engine's reason vocabulary; phase is None for the import limit.
    A limit is tight when its room is below what ``lv`` needed (its minimum from 0,
    else one 0.1 A step) plus the 0.1 A rounding of each running member.
    """
    x = amps[lv.id]
    need = _need(lv, x)
    tight: set[Limit] = set()

    def check(key: Limit, room: float, members: set[str], coeff: float = 1.0) -> None:
        rounding = 0.1 * _running_coeff(view, amps, members) * coeff
        if room < coeff * need + rounding + TOL_A:
            tight.add(key)

    for p in lv.phases:
        used, members = _phase_slack(view, amps, p, None)
        check((f"breaker_phase_{p}", p), view.headroom_a[p] - used, members)
        for cid, loads in view.circuit_loads.items():
            if lv.id in loads and p in view.circuit_limits[cid]:
                used, members = _phase_slack(view, amps, p, loads)
                check((f"circuit:{cid}", p), view.circuit_limits[cid][p] - used, members)
        if lv.charger is not None:
            unit = {m.id for m in view.loads if m.charger == lv.charger}
            used, members = _phase_slack(view, amps, p, unit)
            check((f"charger:{lv.charger}", p), view.units[lv.charger][0] - used, members)
    if view.import_cap_w is not None:
        room_w = view.import_cap_w - view.house_w - watts(view, amps)
        if lv.mode in STANDARD_LIKE:
            room_w += view.boost_w
        everyone = {m.id for m in view.loads}
        legs = max((m.legs for m in view.loads), default=1)
        check(("import_limit", None), room_w / view.voltage, everyone, coeff=legs)
    return tight


def _order_key(lv: LoadView) -> tuple[int, int, int, int]:
    return (TIER[lv.mode], lv.priority, lv.rank, lv.index)


def assert_standard_reasons(scenario: Mapping[str, Any], result: Mapping[str, Any]) -> None:
    """An active standard load below its max names a constraint that really binds it."""
    view = site_view(scenario, result)
    amps = {i: r["current_a"] for i, r in result["loads"].items()}
    by_id = {lv.id: lv for lv in view.loads}
    for lv in view.loads:
        x = amps[lv.id]
        below = x == 0 if lv.binary else x < lv.max_a - 0.1 - 1e-9
        if lv.mode != "standard" or not lv.active or not below:
            continue
        reason = result["loads"][lv.id]["reason"]
        assert reason.startswith(BINDING_PREFIXES), f"{lv.id} at {x} A: reason {reason!r}"
        kind, _, name = reason.partition(":")
        if reason.startswith(("breaker_phase_", "circuit:", "charger:", "import_limit")):
            tight = {name for name, _ in tight_resources(view, amps, lv)}
            assert reason in tight, f"{lv.id} at {x} A names {reason}, but only {tight} bind"
        elif kind == "sequential":
            others = [m for m in view.loads if m.charger == name and m.id != lv.id]
            assert lv.charger == name and not view.units[name][1]
            assert any(amps[m.id] > 0 for m in others), f"{lv.id}: {reason} but unit idle"
        elif kind == "waiting_for":
            blocker = by_id[name]
            assert amps[name] > 0 and _order_key(blocker) < _order_key(lv), f"{lv.id}: {reason}"
        else:  # reserved_for_<mode>: a load of that mode must be running
            mode = reason.removeprefix("reserved_for_")
            assert any(m.mode == mode and amps[m.id] > 0 for m in view.loads), reason


def _own_tight(view: SiteView, tight: set[Limit], other: LoadView) -> set[Limit]:
    """The tight per-phase limits that ``other`` is not a member of on that phase."""
    return {
        (name, p)
        for name, p in tight
        if p is not None
        and (
            p not in other.phases
            or (name.startswith("circuit:") and other.id not in view.circuit_loads[name[8:]])
            or (name.startswith("charger:") and other.charger != name[8:])
        )
    }


def assert_shared_fair(scenario: Mapping[str, Any], result: Mapping[str, Any]) -> None:
    """Max-min fairness of ``shared`` between running standard/continuous loads.

    For running non-binary tier-0 loads i and j with x_i < x_j - 0.2, where j was
    raised above its minimum (a reserved minimum may legitimately exceed the fair
    level), i must be at its max or held by a hard limit that j does not share.
    """
    view = site_view(scenario, result)
    amps = {i: r["current_a"] for i, r in result["loads"].items()}
    tier0 = [
        lv
        for lv in view.loads
        if lv.mode in STANDARD_LIKE and not lv.binary and lv.active and amps[lv.id] > 0
    ]
    for i in tier0:
        xi = amps[i.id]
        if xi >= i.max_a - 0.1 - 1e-9:
            continue
        richer = [j for j in tier0 if amps[j.id] > xi + 0.2 and amps[j.id] > j.min_a + 0.1 + 1e-9]
        if not richer:
            continue
        tight = tight_resources(view, amps, i)
        for j in richer:
            own = _own_tight(view, tight, j)
            assert own, (
                f"{i.id} at {xi} A < {j.id} at {amps[j.id]} A, yet nothing of its own binds it"
                f" (tight: {sorted(tight, key=str)})"
            )


def _running_tier0(view: SiteView, amps: Mapping[str, float]) -> list[LoadView]:
    """Active, running, non-binary standard/continuous loads, in serving order."""
    loads = [
        lv
        for lv in view.loads
        if lv.mode in STANDARD_LIKE and not lv.binary and lv.active and amps[lv.id] > 0
    ]
    return sorted(loads, key=_order_key)


def assert_served_in_order(scenario: Mapping[str, Any], result: Mapping[str, Any]) -> None:
    """``priority``/``optimized``/``strict``: the remainder goes in order.

    For running tier-0 loads i before j: if j got more than it needed to run (above
    its minimum in ``priority``, which reserves minimums first; at all otherwise),
    i is at its max or held by a hard limit that j does not share. In ``strict``,
    once a running tier-0 load is held below its max, every later load gets 0.
    """
    view = site_view(scenario, result)
    amps = {i: r["current_a"] for i, r in result["loads"].items()}
    distribution = scenario["site"]["distribution"]
    running = _running_tier0(view, amps)
    for k, i in enumerate(running):
        if amps[i.id] >= i.max_a - max(0.1, i.step_a) - 1e-9:
            continue
        if distribution == "strict":
            later = [lv.id for lv in view.loads if _order_key(lv) > _order_key(i) and amps[lv.id]]
            assert not later, f"strict: {i.id} held at {amps[i.id]} A, yet {later} run"
            continue
        floor = (lambda j: j.min_a + 0.1) if distribution == "priority" else (lambda j: 0.0)
        tight = tight_resources(view, amps, i)
        for j in running[k + 1 :]:
            # i cannot use less than one 0.1 A step on each of its legs: that rounding
            # remainder (< 0.1 A x legs of i) rightly stays for later loads.
            remainder = max(0.1, i.step_a) * len(i.phases) / len(j.phases)
            if amps[j.id] > floor(j) + remainder + 1e-9:
                assert _own_tight(view, tight, j), (
                    f"{i.id} (first) at {amps[i.id]} A below max, {j.id} (later) at"
                    f" {amps[j.id]} A; tight for {i.id}: {sorted(tight, key=str)}"
                )


def _total_w(scenario: Mapping[str, Any], result: Mapping[str, Any]) -> float:
    view = site_view(scenario, result)
    return watts(view, {i: r["current_a"] for i, r in result["loads"].items()})
