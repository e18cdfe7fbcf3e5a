"""The simulated physical world: house, solar, battery, chargers, cars and the grid.

Owns the truth the controller never sees directly. Chargers apply a command
only when it is sent, after a delay of a few control steps (drawn from the
day's seeded random generator); the car then follows the offered current with
a slow ramp up and a quick ramp down (IEC 61851-1 gives a car 5 s to follow a
lower offer), draws nothing below its minimum (IEC 61851: 6 A), and stops drawing
once its energy need is met (then it is no longer active, like SuspendedEV).
The battery runs in self-consumption mode: it charges from export and
discharges to cover import, within its power limits and SOC range. The grid
current per phase is the house, plus every managed draw on that phase, minus
solar and battery output split evenly over the site's phases.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from ..models import Load
from .day import BatterySpec, CarSpec, Day
from .thermal_plant import ThermalUnit

NO_CAR, WANTS_CHARGE, FULL = 0, 1, 2
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Sample:
    """The true state of the world, held over one substep ``[t, t + dt)``."""

    t: float
    dt: float
    house_w: dict[str, float]
    solar_w: float
    battery_w: float
    """Battery power: + discharging, - charging."""
    soc: float | None
    grid_a: dict[str, float]
    """Grid current per phase: + import, - export."""
    draw_a: dict[str, float]
    """Each load's current on every one of its legs."""
    setpoint_a: dict[str, float]
    """The current each charger offers its car (the last command in force)."""
    car_state: dict[str, int]
    """Per load: ``NO_CAR``, ``WANTS_CHARGE`` or ``FULL``."""
    legs: dict[str, tuple[str, ...]]
    """Per load: the site phases its car draws on now."""
    temperature_c: dict[str, float] = field(default_factory=dict)
    """Per thermal load: its true temperature."""


@dataclass(slots=True)
class Visit:
    """One car visit and the energy the car actually received (AC side)."""

    car: CarSpec
    delivered_kwh: float = 0.0

    @property
    def full(self) -> bool:
        """Whether the car's need is met."""
        return self.delivered_kwh >= self.car.need_kwh - EPS


@dataclass(slots=True)
class Charger:
    """A charger connector (one managed load) and the car plugged into it."""

    load: Load
    visits: list[Visit]
    setpoint_a: float = 0.0
    current_a: float = 0.0
    last_effect_s: float = float("-inf")
    pending: deque[tuple[float, float | None, int | None]] = field(default_factory=deque)
    phases_now: int = 3
    """The charger's phase setting (switching chargers: 1 or 3)."""
    one_phase: str | None = None
    """The leg used on one phase (switching chargers only)."""

    def legs(self, visit: Visit | None) -> tuple[str, ...]:
        """The site phases the car draws on: its L1 only on one phase or for a 1-phase car."""
        one_phase_car = visit is not None and visit.car.phases == 1
        if self.phases_now == 1 or one_phase_car:
            return (self.one_phase or self.load.phases[0],)
        return self.load.phases

    def visit_at(self, t: float) -> Visit | None:
        """The car plugged in at ``t``, if any."""
        for visit in self.visits:
            if visit.car.arrive_s <= t < visit.car.leave_s:
                return visit
        return None


@dataclass(slots=True)
class BatteryState:
    """The home battery's SOC (%) and the power it delivers now (W, + discharging)."""

    spec: BatterySpec
    soc: float
    power_w: float = 0.0

    def settle(self, balance_w: float, dt: float) -> float:
        """Cover ``balance_w`` (+ import, - export) for ``dt`` seconds; return power (W)."""
        spec = self.spec
        capacity_j = spec.capacity_kwh * 3.6e6
        if balance_w < 0:
            room_j = max(0.0, 100.0 - self.soc) / 100.0 * capacity_j
            charge = min(-balance_w, spec.max_charge_w, room_j / (spec.efficiency * dt))
            self.soc += charge * spec.efficiency * dt / capacity_j * 100.0
            self.power_w = -charge
        else:
            stored_j = max(0.0, self.soc - spec.min_soc) / 100.0 * capacity_j
            discharge = min(balance_w, spec.max_discharge_w, stored_j * spec.efficiency / dt)
            self.soc -= discharge / spec.efficiency * dt / capacity_j * 100.0
            self.power_w = discharge
        return self.power_w


class Plant:
    """Everything physical on the site, advanced one substep at a time."""

    def __init__(self, day: Day) -> None:
        self.day = day
        self.voltage = day.scenario.site.voltage
        self.phases = day.phases
        self._rng = random.Random(f"{day.options.seed}:chargers")
        switching = day.scenario.phase_switching
        self.chargers: dict[str, Charger] = {
            load.id: Charger(
                load=load,
                visits=[Visit(car) for car in day.cars if car.load == load.id],
                phases_now=switching[load.id].active_phases if load.id in switching else 3,
                one_phase=switching[load.id].one_phase if load.id in switching else None,
            )
            for load in day.scenario.loads
            if load.thermal is None
        }
        self.thermal: dict[str, ThermalUnit] = {
            load.id: ThermalUnit(load, day.thermal[load.id], day.thermal[load.id].start_c)
            for load in day.scenario.loads
            if load.thermal is not None
        }
        self.battery = (
            BatteryState(day.battery, day.battery.soc) if day.battery is not None else None
        )

    def command(
        self, load_id: str, amps: float | None, now: float, phases: int | None = None
    ) -> None:
        """Send ``amps`` (and a phase count) to a charger; it takes effect after 1-2
        control steps.

        Commands travel in order over one connection, so a later command never
        takes effect before an earlier one.
        """
        charger: Charger | ThermalUnit = self.chargers.get(load_id) or self.thermal[load_id]
        low, high = self.day.options.command_delay_steps
        delay = self._rng.randint(low, high) * self.day.step_s
        effect = max(now + delay, charger.last_effect_s)
        charger.last_effect_s = effect
        charger.pending.append((effect, amps, phases))

    def _move_car(self, charger: Charger, t: float, dt: float) -> int:
        """Apply due commands and ramp the car's current; return the car state."""
        while charger.pending and charger.pending[0][0] <= t + EPS:
            _, amps, phases = charger.pending.popleft()
            if amps is not None:
                charger.setpoint_a = amps
            if phases is not None and phases != charger.phases_now:
                # The charger's contactor opens: the car stops and starts again.
                charger.phases_now = phases
                charger.current_a = 0.0
        visit = charger.visit_at(t)
        if visit is None:
            charger.current_a = 0.0
            return NO_CAR
        if visit.full:
            charger.current_a = 0.0
            return FULL
        offered = charger.setpoint_a
        target = min(offered, visit.car.max_a) if offered >= visit.car.min_a - EPS else 0.0
        options = self.day.options
        current = charger.current_a
        charger.current_a = (
            min(target, current + options.car_ramp_a_per_s * dt)
            if target > current
            else max(target, current - options.car_ramp_down_a_per_s * dt)
        )
        legs = len(charger.legs(visit))
        visit.delivered_kwh += charger.current_a * legs * self.voltage * dt / 3.6e6
        return WANTS_CHARGE

    def advance(self, t: float, dt: float) -> Sample:
        """Move the world over ``[t, t + dt)`` and return its state there."""
        voltage = self.voltage
        managed = dict.fromkeys(self.phases, 0.0)
        draw: dict[str, float] = {}
        setpoint: dict[str, float] = {}
        state: dict[str, int] = {}
        legs: dict[str, tuple[str, ...]] = {}
        for load_id, charger in self.chargers.items():
            state[load_id] = self._move_car(charger, t, dt)
            draw[load_id] = charger.current_a
            setpoint[load_id] = charger.setpoint_a
            legs[load_id] = charger.legs(charger.visit_at(t))
            for phase in legs[load_id]:
                managed[phase] += charger.current_a
        temperature: dict[str, float] = {}
        for load_id, unit in self.thermal.items():
            unit.advance(t, dt, voltage)
            draw[load_id] = unit.current_a
            setpoint[load_id] = unit.setpoint_a
            state[load_id] = WANTS_CHARGE if unit.wants_heat() else FULL
            legs[load_id] = unit.load.phases
            temperature[load_id] = unit.temperature_c
            for phase in unit.load.phases:
                managed[phase] += unit.current_a
        house = {p: series.at(t) for p, series in self.day.house_w.items()}
        solar = self.day.solar_w.at(t)
        balance = sum(house.values()) + voltage * sum(managed.values()) - solar
        battery_w = self.battery.settle(balance, dt) if self.battery is not None else 0.0
        inverter_a = (solar + battery_w) / (len(self.phases) * voltage)
        grid = {p: house[p] / voltage + managed[p] - inverter_a for p in self.phases}
        return Sample(
            t=t,
            dt=dt,
            house_w=house,
            solar_w=solar,
            battery_w=battery_w,
            soc=None if self.battery is None else self.battery.soc,
            grid_a=grid,
            draw_a=draw,
            setpoint_a=setpoint,
            car_state=state,
            legs=legs,
            temperature_c=temperature,
        )

    def visits(self) -> list[Visit]:
        """Every car visit of the day with the energy it received so far."""
        return [visit for charger in self.chargers.values() for visit in charger.visits]
