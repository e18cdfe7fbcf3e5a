"""Phase switching over time: when a switching charger really changes phase count.

The engine (``phases.py``) says which count serves a load best *now*; switching
is slow and hard on the car, so the controller switches rarely and safely:

* **Hysteresis in power**: the other count must give at least ``hysteresis_w``
  more (the eco rule "no surplus for the 3-phase minimum" counts as enough).
* **Dwell**: that advice must hold without a break for ``up_delay_s`` (1 -> 3)
  or ``down_delay_s`` (3 -> 1), and ``min_interval_s`` must have passed since the
  last switch.
* **Never during an overload**: a phase over its limit (or a missing grid
  reading) resets the dwell; the overload is corrected first.
* **Pause for the switch**: the load is offered 0 A; once its draw has fallen
  below ``STOPPED_A`` on every leg (or ``pause_s`` passed) the switch command goes
  out; after ``pause_s`` more the load resumes on the new count.
* **1-phase cars**: a car that draws on one leg only while offered three is
  remembered for the session: it is counted on its one phase (no switch command)
  and never switched.

Time is an argument (monotonic seconds); nothing here reads a clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .models import PhaseMode, PhaseSwitching, Scenario
from .phases import ONE, THREE, Allocator, choose_phase_counts, with_phase_counts

STOPPED_A = 1.0
"""Below this on every leg a car has stopped drawing."""
ONE_LEG_A = 2.0
"""A leg above this draws; the other two below ``STOPPED_A``: a 1-phase car."""
ONE_PHASE_CAR_S = 30.0
"""How long a 1-phase draw pattern must last before the car counts as 1-phase."""


@dataclass(frozen=True, slots=True)
class PhaseTiming:
    """How rarely a load switches (defaults and their reasons: docs/controller.md)."""

    up_delay_s: float = 60.0
    down_delay_s: float = 180.0
    min_interval_s: float = 300.0
    pause_s: float = 30.0
    hysteresis_w: float = 300.0


TIMING_KEYS = ("up_delay_s", "down_delay_s", "min_interval_s", "pause_s", "hysteresis_w")


def phase_timings(raw_loads: Sequence[Any]) -> dict[str, PhaseTiming]:
    """Each switching load's timing from its ``phase_switching`` block (validated by
    the scenario parser; a bad value here falls back to the default)."""
    found: dict[str, PhaseTiming] = {}
    for raw in raw_loads:
        if not isinstance(raw, Mapping):
            continue
        block = raw.get("phase_switching")
        if not isinstance(block, Mapping):
            continue
        values: dict[str, float] = {}
        for key in TIMING_KEYS:
            value = block.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if math.isfinite(value) and value >= 0:
                values[key] = float(value)
        found[str(raw.get("id"))] = PhaseTiming(**values)
    return found


@dataclass(slots=True)
class PhaseState:
    """What the controller remembers of one switching load."""

    committed: int
    mode: PhaseMode
    want: int | None = None
    want_since: float = 0.0
    last_switch_at: float = -math.inf
    switching_to: int | None = None
    stop_started: float = 0.0
    switched_at: float | None = None
    one_phase_car: bool = False
    one_leg_since: float | None = None
    command: int | None = None
    reason: str = "unchanged"
    powers: dict[str, float] = field(default_factory=dict)


class PhaseControl:
    """Phase counts over time for every switching load of one controller."""

    def __init__(self) -> None:
        self._states: dict[str, PhaseState] = {}
        self._specs: dict[str, PhaseSwitching] = {}
        self._timing: dict[str, PhaseTiming] = {}

    def configure(self, scenario: Scenario, raw_loads: Sequence[Any]) -> None:
        """Take the switching loads of a (new) configuration; keep what is known."""
        self._specs = dict(scenario.phase_switching)
        self._timing = phase_timings(raw_loads)
        for load_id, spec in self._specs.items():
            state = self._states.get(load_id)
            if state is None:
                state = self._states[load_id] = PhaseState(spec.active_phases, spec.mode)
            if spec.mode is not state.mode:
                state.mode = spec.mode
                state.want = None
        for gone in set(self._states) - set(self._specs):
            del self._states[gone]

    @property
    def active(self) -> bool:
        return bool(self._specs)

    def restore(self, load_id: str, committed: int) -> None:
        """The count a charger was left on (after a restart)."""
        state = self._states.get(load_id)
        if state is not None and committed in (ONE, THREE):
            state.committed = committed

    def counts(self) -> dict[str, int]:
        """The phase count each switching load is counted on now."""
        return {i: ONE if s.one_phase_car else s.committed for i, s in self._states.items()}

    def fixed(self, scenario: Scenario) -> Scenario:
        """``scenario`` with every switching load on its current count (no choice)."""
        if not self._states:
            return scenario
        return with_phase_counts(scenario, self.counts())

    def switching(self) -> set[str]:
        """Loads held at 0 A for a switch in progress."""
        return {i for i, s in self._states.items() if s.switching_to is not None}

    def observe(self, load_id: str, draw_a: tuple[float, ...], active: bool, now: float) -> None:
        """Learn from a load's draw: a session's end, a 1-phase car."""
        state = self._states.get(load_id)
        if state is None:
            return
        if not active:
            state.one_phase_car = False
            state.one_leg_since = None
            return
        legs_drawing = [a for a in draw_a if a > ONE_LEG_A]
        others_idle = sum(1 for a in draw_a if a < STOPPED_A) == len(draw_a) - 1
        if state.committed == THREE and len(legs_drawing) == 1 and others_idle:
            if state.one_leg_since is None:
                state.one_leg_since = now
            elif now - state.one_leg_since >= ONE_PHASE_CAR_S:
                state.one_phase_car = True
        else:
            state.one_leg_since = None

    def step(
        self,
        scenario: Scenario,
        allocate_fixed: Allocator,
        draws: Mapping[str, tuple[float, ...]],
        overloaded: bool,
        now: float,
    ) -> None:
        """Advance every switching load's state machine by one control step.

        ``scenario`` is the measured site before any phase fixing (switching loads
        on their wired three phases, draws as measured)."""
        if not self._states:
            return
        for state in self._states.values():
            state.command = None
        self._advance_switches(draws, now)
        advice, why = self._advice(scenario, allocate_fixed)
        for load_id, state in self._states.items():
            state.powers = {k: v for k, v in why.get(load_id, {}).items() if k.startswith("power_")}
            self._consider(
                load_id, state, advice.get(load_id), why.get(load_id, {}), overloaded, now
            )

    def _advice(
        self, scenario: Scenario, allocate_fixed: Allocator
    ) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
        specs = {
            i: replace(s, mode=PhaseMode.AUTO, active_phases=self._states[i].committed)
            for i, s in self._specs.items()
            if self._states[i].mode is PhaseMode.AUTO and not self._states[i].one_phase_car
        }
        if not specs:
            return {}, {}
        fixed = {
            i: replace(s, mode=PhaseMode(str(self._states[i].committed)))
            for i, s in self._specs.items()
            if i not in specs
        }
        judged = replace(scenario, phase_switching={**fixed, **specs})
        return choose_phase_counts(judged, allocate_fixed)

    def _consider(
        self,
        load_id: str,
        state: PhaseState,
        advice: int | None,
        why: Mapping[str, Any],
        overloaded: bool,
        now: float,
    ) -> None:
        if state.switching_to is not None:
            state.reason = "switching"
            return
        if state.mode is not PhaseMode.AUTO:
            target = int(state.mode.value)
            if target != state.committed and not state.one_phase_car and not overloaded:
                self._start(state, target, now)
            state.reason = "fixed"
            return
        if state.one_phase_car:
            state.want, state.reason = None, "one_phase_car"
            return
        if advice is None or advice == state.committed or overloaded:
            state.want = None
            state.reason = "overload" if overloaded and advice != state.committed else "unchanged"
            return
        timing = self._timing.get(load_id, PhaseTiming())
        gain = float(why.get(_power_key(advice), 0.0)) - float(
            why.get(_power_key(state.committed), 0.0)
        )
        if why.get("phase_reason") != "eco_minimum_on_one_phase" and gain < timing.hysteresis_w:
            state.want, state.reason = None, "below_hysteresis"
            return
        if state.want != advice:
            state.want, state.want_since = advice, now
        delay = timing.up_delay_s if advice == THREE else timing.down_delay_s
        if now - state.want_since < delay:
            state.reason = "waiting"
            return
        if now - state.last_switch_at < timing.min_interval_s:
            state.reason = "min_interval"
            return
        self._start(state, advice, now)

    @staticmethod
    def _start(state: PhaseState, target: int, now: float) -> None:
        state.switching_to, state.stop_started, state.switched_at = target, now, None
        state.want, state.reason = None, "switching"

    def _advance_switches(self, draws: Mapping[str, tuple[float, ...]], now: float) -> None:
        for load_id, state in self._states.items():
            if state.switching_to is None:
                continue
            pause = self._timing.get(load_id, PhaseTiming()).pause_s
            if state.switched_at is None:
                stopped = all(a < STOPPED_A for a in draws.get(load_id, ()))
                if stopped or now - state.stop_started >= pause:
                    state.committed = state.switching_to
                    state.command = state.committed
                    state.switched_at = state.last_switch_at = now
            elif now - state.switched_at >= pause:
                state.switching_to = None
                state.switched_at = None

    def report(self, load_id: str) -> dict[str, Any]:
        """What a load's output says about its phases (empty for other loads)."""
        state = self._states.get(load_id)
        if state is None:
            return {}
        out: dict[str, Any] = {
            "phases": ONE if state.one_phase_car else state.committed,
            "phase_setting": state.committed,
            "phase_state": state.reason,
            "one_phase_car": state.one_phase_car,
            **state.powers,
        }
        if state.command is not None:
            out["phase_command"] = state.command
        return out


def _power_key(count: int) -> str:
    return "power_one_phase_w" if count == ONE else "power_three_phases_w"
