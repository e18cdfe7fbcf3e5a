"""Overloads of a simulated day: seconds over, worst excess, episodes and their cause.

An overload episode is a run of seconds with any phase above the main breaker
(absolute current) or any circuit group or charger unit above its limit on any
phase. Each episode gets a cause, so a long episode can be blamed correctly:

- ``load_raise``: at its first second a managed load's draw on the overloaded
  phase (or group) had just gone up, i.e. the controller raised a load into
  the limit (or a car was still ramping to a raised command).
- ``raise_met_disturbance``: as above, but the house on that phase rose by
  more than 1 A within the longest command delay plus one step before: the
  raise was safe when commanded and met a house step while in flight.
- ``disturbance_plant_latency``: something else pushed the current up (house
  load, less solar or battery) and the episode was no longer than the plant
  allows: the time to the next control step, plus the longest command delay,
  plus the time the car needs to ramp the worst excess away, plus one step.
- ``disturbance_slow_response``: as above but longer than that floor, so the
  controller reacted late or not enough.
"""

from __future__ import annotations

import math
from typing import Any

from .series import format_time
from .trace import Trace

EPS_A = 1e-6
HOUSE_RISE_A = 1.0
"""A house rise this large (A) while a raise was in flight is a disturbance."""
EPISODE_LIMIT_S = 15.0
LISTED_EPISODES = 30

Group = tuple[str, dict[str, float], list[tuple[str, tuple[str, ...]]]]


def limit_groups(trace: Trace) -> list[Group]:
    """Every group limit: (name, limit per phase, [(load id, phases)])."""
    scenario = trace.day.scenario
    loads = {load.id: load for load in scenario.loads}
    groups: list[Group] = []
    for circuit in scenario.circuits:
        members = [(i, loads[i].phases) for i in scenario.circuit_loads.get(circuit.id, ())]
        groups.append((f"circuit {circuit.id}", circuit.limit_a, members))
    for unit in scenario.chargers:
        members = [(x.id, x.phases) for x in scenario.loads if x.charger == unit.id]
        limit = dict.fromkeys(scenario.site.phases, unit.max_a)
        groups.append((f"charger {unit.id}", limit, members))
    return groups


def _managed_on(trace: Trace, k: int) -> dict[str, float]:
    """Managed current per phase at substep ``k``."""
    flow = dict.fromkeys(trace.day.phases, 0.0)
    for load in trace.day.scenario.loads:
        for phase in trace.legs(load, k):
            flow[phase] += trace.draw_a[load.id][k]
    return flow


def _excesses(trace: Trace, groups: list[Group], k: int) -> dict[str, float]:
    """How far each phase and group is above its limit at substep ``k`` (A)."""
    breaker = trace.day.scenario.site.main_breaker_a
    out = {f"phase {p}": abs(column[k]) - breaker for p, column in trace.grid_a.items()}
    for name, limit, members in groups:
        flow = dict.fromkeys(limit, 0.0)
        for load_id, phases in members:
            legs = phases
            if trace.one_leg[load_id][k] and len(phases) > 1:
                spec = trace.day.scenario.phase_switching.get(load_id)
                legs = (spec.one_phase,) if spec is not None else phases[:1]
            for phase in legs:
                flow[phase] += trace.draw_a[load_id][k]
        for phase, amps in limit.items():
            out[f"{name} phase {phase}"] = flow[phase] - amps
    return out


def _house_rose_before(trace: Trace, start: int, phase: str) -> bool:
    """Whether the house on ``phase`` rose while a command could still be in flight."""
    day = trace.day
    flight_s = (day.options.command_delay_steps[1] + 1) * day.step_s
    first = max(0, start - math.ceil(flight_s / trace.dt))
    column = trace.house_w[phase]
    lowest = min(column[first : start + 1])
    return (column[start] - lowest) / day.scenario.site.voltage > HOUSE_RISE_A


def _cause(trace: Trace, groups: list[Group], start: int, where: str) -> str:
    """``load_raise`` when a managed draw rose into the limit at the episode's start.

    On a breaker phase whose house rose after the raise could have been
    commanded, the raise met a disturbance in flight: ``raise_met_disturbance``.
    """
    if start == 0:
        return "disturbance"
    phase = where.rsplit(" ", 1)[-1]
    if where.startswith("phase"):
        rise = _managed_on(trace, start)[phase] - _managed_on(trace, start - 1)[phase]
        if rise <= EPS_A:
            return "disturbance"
        return "raise_met_disturbance" if _house_rose_before(trace, start, phase) else "load_raise"
    name = where.rsplit(" phase ", 1)[0]
    for group_name, _, members in groups:
        if group_name == name:
            rise = sum(
                trace.draw_a[i][start] - trace.draw_a[i][start - 1]
                for i, phases in members
                if phase in phases
            )
            return "load_raise" if rise > EPS_A else "disturbance"
    return "disturbance"


def _floor_s(trace: Trace, start_t: float, worst_a: float) -> float:
    """The shortest episode the plant allows after a disturbance at ``start_t``."""
    day = trace.day
    since = (start_t - day.start_s) / day.step_s
    next_step = day.start_s + math.ceil(since - 1e-9) * day.step_s
    delay = day.options.command_delay_steps[1] * day.step_s
    ramp = worst_a / day.options.car_ramp_down_a_per_s
    return (next_step - start_t) + delay + ramp + day.step_s


def safety(trace: Trace) -> dict[str, Any]:
    """Seconds above the breaker or a group limit, worst excess, episodes and causes."""
    groups = limit_groups(trace)
    dt = trace.dt
    seconds = {"breaker": 0.0, "group": 0.0}
    worst = {"breaker": 0.0, "group": 0.0}
    worst_group: str | None = None
    episodes: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for k in range(len(trace.t) + 1):
        excess = _excesses(trace, groups, k) if k < len(trace.t) else {}
        over = {name: amps for name, amps in excess.items() if amps > EPS_A}
        for name, amps in over.items():
            kind = "breaker" if name.startswith("phase") else "group"
            worst[kind] = max(worst[kind], amps)
            if kind == "group" and amps >= worst["group"]:
                worst_group = name.rsplit(" phase ", 1)[0]
        if any(n.startswith("phase") for n in over):
            seconds["breaker"] += dt
        if any(not n.startswith("phase") for n in over):
            seconds["group"] += dt
        if over and current is None:
            where = max(over, key=lambda n: over[n])
            current = {"start": k, "where": where, "worst": 0.0}
        if current is not None and over:
            current["worst"] = max(current["worst"], *over.values())
        if current is not None and not over:
            current["length"] = (k - current["start"]) * dt
            episodes.append(current)
            current = None
    long_runs: list[dict[str, Any]] = []
    causes = (
        "load_raise",
        "raise_met_disturbance",
        "disturbance_plant_latency",
        "disturbance_slow_response",
    )
    by_cause = dict.fromkeys(causes, 0)
    all_by_cause = dict.fromkeys(causes, 0)
    for episode in episodes:
        start_t = trace.t[episode["start"]]
        cause = _cause(trace, groups, episode["start"], episode["where"])
        floor = _floor_s(trace, start_t, episode["worst"])
        if cause == "disturbance":
            late = episode["length"] > floor + 1e-9
            cause = "disturbance_slow_response" if late else "disturbance_plant_latency"
        all_by_cause[cause] += 1
        if episode["length"] <= EPISODE_LIMIT_S + 1e-9:
            continue
        by_cause[cause] += 1
        long_runs.append(
            {
                "start": format_time(start_t),
                "length_s": round(episode["length"], 1),
                "where": episode["where"],
                "worst_over_a": round(episode["worst"], 2),
                "cause": cause,
                "plant_floor_s": round(floor, 1),
            }
        )
    return {
        "seconds_over_breaker": round(seconds["breaker"], 1),
        "seconds_over_group": round(seconds["group"], 1),
        "worst_breaker_over_a": round(worst["breaker"], 3),
        "worst_group_over_a": round(worst["group"], 3),
        "worst_group": worst_group,
        "episodes": len(episodes),
        "episodes_by_cause": all_by_cause,
        "longest_episode_s": round(max((e["length"] for e in episodes), default=0.0), 1),
        "episodes_over_15s": len(long_runs),
        "seconds_in_episodes_over_15s": round(sum(e["length_s"] for e in long_runs), 1),
        "episodes_over_15s_by_cause": by_cause,
        "long_episodes": long_runs[:LISTED_EPISODES],
    }
