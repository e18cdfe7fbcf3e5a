"""Typed, immutable inputs of the allocation engine.

This module owns the vocabulary: the site, its battery and inverter, the managed
loads, the physical charger units and the circuit groups. Nothing here computes;
parsing and validation live in ``scenario.py`` (single fields: ``fields.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

PHASES: tuple[str, ...] = ("A", "B", "C")


class Kind(StrEnum):
    """What sort of load this is; decides how its current may be set."""

    EVSE = "evse"
    PLUG = "plug"
    LOAD = "load"
    THERMAL = "thermal"


class Mode(StrEnum):
    """Operating mode of one load."""

    STANDARD = "standard"
    CONTINUOUS = "continuous"
    ECO = "eco"
    SOLAR = "solar"
    EXCESS = "excess"
    OFF = "off"
    """Switched off by the user: never allocated anything (floor 0)."""


class ThresholdMode(StrEnum):
    """How the excess threshold is read (see docs/engine.md, "Excess threshold")."""

    OFFSET = "offset"
    """Only the export above the threshold is shared (upstream's behaviour)."""
    GATE = "gate"
    """Once the export exceeds the threshold, all of it is shared."""


class Distribution(StrEnum):
    """How the site's headroom is split between loads."""

    SHARED = "shared"
    PRIORITY = "priority"
    OPTIMIZED = "optimized"
    STRICT = "strict"


# Tier of each mode: lower tiers are served first.
MODE_TIER: dict[Mode, int] = {
    Mode.STANDARD: 0,
    Mode.CONTINUOUS: 0,
    Mode.ECO: 1,
    Mode.SOLAR: 2,
    Mode.EXCESS: 3,
    Mode.OFF: 4,
}


@dataclass(frozen=True, slots=True)
class Battery:
    """Home battery as measured now. ``power_w`` is + when discharging."""

    soc: float
    power_w: float = 0.0
    min_soc: float = 20.0
    target_soc: float = 80.0
    max_charge_w: float = 5000.0
    max_discharge_w: float = 5000.0
    spare_to_surplus: bool = True
    """Whether battery discharge may feed surplus loads. True (every scenario
    file): at/above target its spare discharge counts as surplus. The controller
    turns it off near the target so solar loads do not drain the battery; then
    no discharge is surplus, not even what the battery delivers now (which
    shows up in the export once managed draws are added back)."""


@dataclass(frozen=True, slots=True)
class Inverter:
    """Inverter delivering solar and battery power (AC side limits)."""

    max_w: float | None = None
    max_w_per_phase: float | None = None
    asymmetric: bool = False


@dataclass(frozen=True, slots=True)
class Site:
    """One electrical connection point and its measured state."""

    voltage: float
    main_breaker_a: float
    grid_current_a: dict[str, float]
    max_import_w: float | None = None
    solar_w: float | None = None
    excess_threshold_w: float = 13000.0
    excess_threshold_mode: ThresholdMode = ThresholdMode.OFFSET
    distribution: Distribution = Distribution.PRIORITY
    allow_grid_charging: bool = True
    battery: Battery | None = None
    inverter: Inverter | None = None

    @property
    def phases(self) -> tuple[str, ...]:
        """Phases that exist at this site, in A/B/C order."""
        grid = self.grid_current_a
        return tuple([p for p in PHASES if p in grid])


@dataclass(frozen=True, slots=True)
class Thermal:
    """Temperature state and settings of a thermal load (a tank, a room).

    Temperatures in degrees C. For a cooling load (``cooling``) every "above"
    reads "below": the band is kept by cooling, the boost pre-cools down to
    ``boost_c`` and ``limit_c`` is the lowest temperature allowed.
    """

    temperature_c: float | None
    """Measured now (None: unknown; the load then does not run)."""
    target_c: float
    hysteresis_c: float
    boost_c: float
    """How far surplus may push it (water up to 70 C, a room to 23 C)."""
    limit_c: float
    """Safety limit, never crossed (max water, min/max room temperature)."""
    cooling: bool = False
    heating_now: bool = False
    """Whether it ran at the last step (hysteresis: it then runs to the band's top)."""
    ambient_c: float = 15.0
    """What it loses heat towards (outdoor sensor, or the room a tank stands in)."""
    time_constant_h: float = 24.0
    """Loss: with no power, the gap to ambient shrinks by 63 % in this time."""
    rate_c_per_h: float = 10.0
    """Temperature change per hour at rated power, losses apart."""
    horizon_h: float = 0.5
    """A load predicted to leave its band within this time counts as needing comfort."""


@dataclass(frozen=True, slots=True)
class Load:
    """One managed load (a charger connector, a plug, a generic or thermal load).

    ``phases[i]`` is the site phase that leg L(i+1) is wired to and ``draw_a[i]``
    the current measured on that leg. Binary loads (plugs, or loads given as a
    rated power) have ``min_a == max_a`` and run at exactly that or not at all.
    """

    id: str
    kind: Kind
    mode: Mode
    priority: int
    min_a: float
    max_a: float
    phases: tuple[str, ...]
    draw_a: tuple[float, ...]
    active: bool = True
    binary: bool = False
    charger: str | None = None
    index: int = 0
    thermal: Thermal | None = None
    step_a: float = 0.0
    """Setpoint step above the minimum (0: any multiple of 0.1 A)."""
    rank: int = 0
    """Urgency rank among thermal loads (0 most urgent); breaks priority ties."""

    def measured(self, draw_a: tuple[float, ...], active: bool) -> Load:
        """This load with another reading (a plain constructor call: the controller
        does this for every load at every step, where ``replace`` costs twice as much)."""
        return Load(
            self.id,
            self.kind,
            self.mode,
            self.priority,
            self.min_a,
            self.max_a,
            self.phases,
            draw_a,
            active,
            self.binary,
            self.charger,
            self.index,
            self.thermal,
            self.step_a,
            self.rank,
        )

    @property
    def tier(self) -> int:
        """Tier of this load's mode (0 is served first)."""
        return MODE_TIER[self.mode]

    @property
    def leg_count(self) -> int:
        """Number of phases this load draws from."""
        return len(self.phases)


@dataclass(frozen=True, slots=True)
class ChargerUnit:
    """A physical charger owning one or more connectors (loads)."""

    id: str
    max_a: float
    concurrent: bool = True


@dataclass(frozen=True, slots=True)
class Circuit:
    """A sub-breaker protecting a set of loads and nested circuits."""

    id: str
    limit_a: dict[str, float]
    parent: str | None = None
    members: tuple[str, ...] = ()


class PhaseMode(StrEnum):
    """Who decides the phase count: the engine (``auto``) or the user."""

    AUTO = "auto"
    ONE = "1"
    THREE = "3"


@dataclass(frozen=True, slots=True)
class PhaseSwitching:
    """A load that may be given its current on one phase or on three."""

    one_phase: str
    """The site phase the load uses when it runs on one phase (its L1)."""
    mode: PhaseMode = PhaseMode.AUTO
    active_phases: int = 3
    """The phase count it uses now; kept when the other gains nothing."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything the engine needs for one allocation."""

    site: Site
    loads: tuple[Load, ...]
    chargers: tuple[ChargerUnit, ...] = ()
    circuits: tuple[Circuit, ...] = ()
    # circuit id -> ids of every load below it (transitively)
    circuit_loads: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # load id -> how it may switch between one and three phases (``phases.py``)
    phase_switching: dict[str, PhaseSwitching] = field(default_factory=dict)
    # load id -> the planned minimum (A) of its plan in the current slot (``plan_floor.py``)
    plan_floors: dict[str, float] = field(default_factory=dict)
