"""The day file: read and validate a simulated day into a typed :class:`Day`.

A day file holds a site in the engine's scenario schema (``site``, ``loads``,
``circuits``, ``chargers``, measured values ignored, controller timing keys
allowed) plus what the simulator needs: the household consumption per phase
and the solar production as time series, an optional home battery, the cars
that come and go, and the options (seed, sensor noise, dropouts, charger
delays). Every problem raises :class:`DayError` naming the offending field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..controller import Controller
from ..loader import LoadError, load_yaml
from ..models import Scenario
from ..scenario import ScenarioError, parse_scenario
from .series import DAY_S, Series, SeriesError, parse_series, parse_time
from .thermal_plant import ThermalSpec, ThermalSpecError, parse_thermal_specs

DEFAULT_STEP_S = 5.0
TOP_LEVEL_KEYS = frozenset(
    {
        "name",
        "description",
        "start",
        "end",
        "step_s",
        "site",
        "loads",
        "circuits",
        "chargers",
        "battery",
        "cars",
        "house_w",
        "solar_w",
        "options",
        "prices",
        "expect",
        "thermal",
    }
)


class DayError(ValueError):
    """An invalid day file; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class BatterySpec:
    """The home battery's physics; it runs in self-consumption mode."""

    capacity_kwh: float
    soc: float
    min_soc: float
    target_soc: float
    max_charge_w: float
    max_discharge_w: float
    efficiency: float


@dataclass(frozen=True, slots=True)
class CarSpec:
    """One car visit at one load: present from ``arrive_s`` until ``leave_s``."""

    load: str
    arrive_s: float
    leave_s: float
    need_kwh: float
    max_a: float
    min_a: float
    phases: int = 3
    """How many phases the car's onboard charger uses (1: it draws on L1 only)."""


@dataclass(frozen=True, slots=True)
class Options:
    """Randomness and imperfections of the simulated world."""

    seed: int = 0
    noise_std_a: float = 0.0
    dropout_probability: float = 0.0
    dropout_s: tuple[float, float] = (10.0, 60.0)
    command_delay_steps: tuple[int, int] = (1, 2)
    car_ramp_a_per_s: float = 2.0
    """How fast a car raises its current towards a higher offer (A/s)."""
    car_ramp_down_a_per_s: float = 10.0
    """How fast a car lowers its current to a lower offer (A/s); IEC 61851-1 gives it 5 s."""
    forecast_error: float = 0.0
    """Solar forecast error: each hour's forecast is the truth times (1 + e), e drawn
    from a normal distribution with this standard deviation (seeded)."""


@dataclass(frozen=True, slots=True)
class Day:
    """A validated day: what the controller is configured with and the world it runs in."""

    name: str
    config: dict[str, Any]
    """The controller's configuration (scenario schema plus timing keys)."""
    scenario: Scenario
    house_w: dict[str, Series]
    solar_w: Series
    battery: BatterySpec | None
    cars: tuple[CarSpec, ...]
    options: Options
    prices: Series | None = None
    """Grid energy price per kWh over the day (a step is two points a second apart)."""
    start_s: float = 0.0
    end_s: float = DAY_S
    step_s: float = DEFAULT_STEP_S
    thermal: dict[str, ThermalSpec] = field(default_factory=dict)
    """Physics of each thermal load (tank, room), see ``thermal_plant.py``."""

    @property
    def phases(self) -> tuple[str, ...]:
        """The site's phases in A/B/C order."""
        return self.scenario.site.phases

    def window(
        self, start_s: float | None = None, end_s: float | None = None, step_s: float | None = None
    ) -> Day:
        """This day over another time window or with another control step."""
        day = replace(
            self,
            start_s=self.start_s if start_s is None else start_s,
            end_s=self.end_s if end_s is None else end_s,
            step_s=self.step_s if step_s is None else step_s,
        )
        if day.step_s <= 0 or not math.isfinite(day.step_s):
            raise DayError("step_s", f"must be greater than 0, got {day.step_s!r}")
        if day.end_s <= day.start_s:
            raise DayError("end", "must be later than start")
        return day


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DayError(field, "must be a mapping")
    return value


def _number(raw: Mapping[str, Any], key: str, field: str, default: float | None = None) -> float:
    value = raw.get(key, default)
    where = f"{field}.{key}" if field else key
    if value is None:
        raise DayError(where, "is required")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DayError(where, f"must be a number, got {value!r}")
    return float(value)


def _range(raw: Mapping[str, Any], key: str, field: str, default: tuple[float, float]) -> Any:
    value = raw.get(key, list(default))
    where = f"{field}.{key}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = [value, value]
    if (
        not isinstance(value, Sequence)
        or isinstance(value, str)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        raise DayError(where, f"must be [low, high], got {value!r}")
    if value[0] < 0 or value[1] < value[0]:
        raise DayError(where, f"needs 0 <= low <= high, got {value!r}")
    return value


def _options(data: Any) -> Options:
    raw = _mapping(data or {}, "options")
    unknown = set(raw) - set(Options.__dataclass_fields__)
    if unknown:
        raise DayError(f"options.{sorted(unknown)[0]}", "unknown option")
    seed = raw.get("seed", 0)
    if isinstance(seed, float) and seed.is_integer():
        seed = int(seed)  # a whole number written as 1.0
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise DayError("options.seed", f"must be a whole number, got {seed!r}")
    noise = _number(raw, "noise_std_a", "options", 0.0)
    probability = _number(raw, "dropout_probability", "options", 0.0)
    ramp = _number(raw, "car_ramp_a_per_s", "options", 2.0)
    ramp_down = _number(raw, "car_ramp_down_a_per_s", "options", 10.0)
    forecast_error = _number(raw, "forecast_error", "options", 0.0)
    if not 0 <= forecast_error <= 2:
        raise DayError("options.forecast_error", "must be between 0 and 2")
    if noise < 0:
        raise DayError("options.noise_std_a", "must be 0 or more")
    if not 0 <= probability <= 1:
        raise DayError("options.dropout_probability", "must be between 0 and 1")
    if ramp <= 0:
        raise DayError("options.car_ramp_a_per_s", "must be greater than 0")
    if ramp_down <= 0:
        raise DayError("options.car_ramp_down_a_per_s", "must be greater than 0")
    low_s, high_s = _range(raw, "dropout_s", "options", (10.0, 60.0))
    delay = _range(raw, "command_delay_steps", "options", (1, 2))
    if any(not float(v).is_integer() for v in delay):
        raise DayError("options.command_delay_steps", f"must be whole steps, got {delay!r}")
    return Options(
        seed=seed,
        noise_std_a=noise,
        dropout_probability=probability,
        dropout_s=(float(low_s), float(high_s)),
        command_delay_steps=(int(delay[0]), int(delay[1])),
        car_ramp_a_per_s=ramp,
        car_ramp_down_a_per_s=ramp_down,
        forecast_error=forecast_error,
    )


def _battery(data: Any) -> BatterySpec:
    raw = _mapping(data, "battery")
    spec = BatterySpec(
        capacity_kwh=_number(raw, "capacity_kwh", "battery"),
        soc=_number(raw, "soc", "battery"),
        min_soc=_number(raw, "min_soc", "battery", 20.0),
        target_soc=_number(raw, "target_soc", "battery", 80.0),
        max_charge_w=_number(raw, "max_charge_w", "battery", 5000.0),
        max_discharge_w=_number(raw, "max_discharge_w", "battery", 5000.0),
        efficiency=_number(raw, "efficiency", "battery", 0.95),
    )
    if spec.capacity_kwh <= 0:
        raise DayError("battery.capacity_kwh", "must be greater than 0")
    for key in ("soc", "min_soc", "target_soc"):
        if not 0 <= getattr(spec, key) <= 100:
            raise DayError(f"battery.{key}", "must be a percentage between 0 and 100")
    if spec.min_soc > spec.target_soc:
        raise DayError("battery.min_soc", "must not be above target_soc")
    if spec.max_charge_w < 0 or spec.max_discharge_w < 0:
        raise DayError("battery.max_charge_w", "charge and discharge limits must be 0 or more")
    if not 0 < spec.efficiency <= 1:
        raise DayError("battery.efficiency", "must be above 0 and at most 1")
    return spec


def _car_phases(value: Any, field: str) -> int:
    if isinstance(value, bool) or value not in (1, 3):
        raise DayError(field, f"must be 1 or 3, got {value!r}")
    return int(value)


def _cars(data: Any, scenario: Scenario) -> tuple[CarSpec, ...]:
    if data is None:
        return ()
    if not isinstance(data, Sequence) or isinstance(data, str):
        raise DayError("cars", "must be a list")
    loads = {load.id: load for load in scenario.loads}
    cars: list[CarSpec] = []
    for i, item in enumerate(data):
        field = f"cars[{i}]"
        raw = _mapping(item, field)
        load_id = str(raw.get("load", ""))
        if load_id not in loads:
            raise DayError(f"{field}.load", f"unknown load {raw.get('load')!r}")
        load = loads[load_id]
        try:
            arrive = parse_time(raw.get("arrive"), f"{field}.arrive")
            leave = parse_time(raw.get("leave", "24:00"), f"{field}.leave")
        except SeriesError as err:
            raise DayError(err.field, err.message) from None
        if leave <= arrive:
            raise DayError(f"{field}.leave", "must be later than arrive")
        car = CarSpec(
            load=load_id,
            arrive_s=arrive,
            leave_s=leave,
            need_kwh=_number(raw, "need_kwh", field),
            max_a=_number(raw, "max_a", field, load.max_a),
            min_a=_number(raw, "min_a", field, 6.0),
            phases=_car_phases(raw.get("phases", 3), f"{field}.phases"),
        )
        if car.need_kwh <= 0:
            raise DayError(f"{field}.need_kwh", "must be greater than 0")
        if car.max_a <= 0 or car.min_a < 0 or car.min_a > car.max_a:
            raise DayError(f"{field}.max_a", "needs 0 <= min_a <= max_a and max_a > 0")
        for other in cars:
            if other.load == load_id and arrive < other.leave_s and other.arrive_s < leave:
                raise DayError(f"{field}.arrive", f"overlaps another car at load {load_id!r}")
        cars.append(car)
    return tuple(cars)


def _house(data: Any, phases: tuple[str, ...]) -> dict[str, Series]:
    raw = _mapping(data, "house_w")
    for phase in raw:
        if phase not in phases:
            raise DayError(f"house_w.{phase}", "phase is not present at this site")
    house: dict[str, Series] = {}
    for phase in phases:
        if phase not in raw:
            raise DayError(f"house_w.{phase}", "is required (one series per site phase)")
        house[phase] = parse_series(raw[phase], f"house_w.{phase}")
    return house


def _config(root: Mapping[str, Any], battery: BatterySpec | None) -> dict[str, Any]:
    site = dict(_mapping(root.get("site"), "site"))
    if "battery" in site:
        raise DayError("site.battery", "describe the battery in the top-level 'battery' section")
    if battery is not None:
        site["battery"] = {
            "soc": battery.soc,
            "power_w": 0.0,
            "min_soc": battery.min_soc,
            "target_soc": battery.target_soc,
            "max_charge_w": battery.max_charge_w,
            "max_discharge_w": battery.max_discharge_w,
        }
    config: dict[str, Any] = {"site": site}
    for key in ("loads", "circuits", "chargers"):
        if root.get(key) is not None:
            config[key] = root[key]
    return config


def parse_day(data: Any, name: str = "day") -> Day:
    """Validate a parsed day file and build a :class:`Day`."""
    root = _mapping(data, "day")
    unknown = sorted(set(root) - TOP_LEVEL_KEYS)
    if unknown:
        raise DayError(unknown[0], "unknown key (see docs/simulator.md)")
    if "site" not in root:
        raise DayError("site", "is required")
    try:
        battery = _battery(root["battery"]) if root.get("battery") is not None else None
        config = _config(root, battery)
        scenario = parse_scenario(config)
        Controller(config)  # validates the timing keys as the controller reads them
        if "house_w" not in root:
            raise DayError("house_w", "is required (one series per site phase)")
        house = _house(root["house_w"], scenario.site.phases)
        solar = parse_series(root.get("solar_w", 0), "solar_w")
        prices = (
            parse_series(root["prices"], "prices", minimum=None)
            if root.get("prices") is not None
            else None
        )
        start = parse_time(root.get("start", "00:00"), "start")
        end = parse_time(root.get("end", "24:00"), "end")
        thermal = parse_thermal_specs(root.get("thermal"), scenario.loads)
    except (ScenarioError, SeriesError, ThermalSpecError) as err:
        raise DayError(err.field, err.message) from None
    day = Day(
        name=str(root.get("name", name)),
        config=config,
        scenario=scenario,
        house_w=house,
        solar_w=solar,
        battery=battery,
        cars=_cars(root.get("cars"), scenario),
        options=_options(root.get("options")),
        prices=prices,
        thermal=thermal,
    )
    return day.window(start, end, _number(root, "step_s", "", DEFAULT_STEP_S))


def load_day(path: str | Path) -> Day:
    """Read and validate a day file; raises :class:`DayError` (message names the file)."""
    try:
        data = load_yaml(path)
    except LoadError as err:
        raise DayError("", str(err)) from None
    try:
        return parse_day(data, Path(path).stem)
    except DayError as err:
        raise DayError("", f"{path}: {err}") from None
