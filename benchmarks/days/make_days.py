"""Generate the bundled day files (synthetic but realistic, fully reproducible).

    .venv/bin/python benchmarks/days/make_days.py      # rewrites benchmarks/days/*.yaml

Every curve is built at 1 s resolution from simple physical shapes (a clear-sky
bell for solar, clouds as seeded random dips with ramps, a household base load,
fridge/freezer compressor cycles, cooking and appliance peaks, a heat pump),
then stored as the few ``[time, value]`` points that reproduce it within a
few watts by linear interpolation (swing-door compression). How each shape is
made is explained in ``benchmarks/days/README.md``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path

DAY = 86400
HERE = Path(__file__).resolve().parent
Curve = list[float]


def hm(text: str) -> int:
    """'HH:MM' -> seconds."""
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def zeros() -> Curve:
    return [0.0] * (DAY + 1)


def pulse(curve: Curve, start: float, length: float, watts: float, ramp: float = 1.0) -> None:
    """Add a trapezoid: ramp up over ``ramp`` s, hold, ramp down over ``ramp`` s."""
    t0, t1 = int(start), int(start + length)
    r = max(1, int(ramp))
    for t in range(max(0, t0), min(DAY, t1 + r) + 1):
        if t < t0 + r:
            level = (t - t0) / r
        elif t <= t1:
            level = 1.0
        else:
            level = 1.0 - (t - t1) / r
        curve[t] += watts * max(0.0, min(1.0, level))


def cycling(
    curve: Curve,
    rng: random.Random,
    watts: float,
    on: tuple[int, int],
    off: tuple[int, int],
    start: int = 0,
    end: int = DAY,
    ramp: float = 2,
) -> None:
    """A thermostat-driven compressor or heater: on/off cycles with jittered lengths."""
    t = start + rng.randint(0, off[1])
    while t < end:
        length = rng.randint(*on)
        pulse(curve, t, min(length, end - t), watts * rng.uniform(0.93, 1.07), ramp)
        t += length + rng.randint(*off)


def hourly(curve: Curve, levels: list[float], rng: random.Random, jitter: float) -> None:
    """A slowly varying base: one level per hour (jittered), linear in between."""
    points = [lv * rng.uniform(1 - jitter, 1 + jitter) for lv in levels] + [levels[0]]
    for t in range(DAY + 1):
        h, frac = divmod(t / 3600, 1.0)
        i = min(int(h), 23)
        curve[t] += points[i] + (points[i + 1] - points[i]) * frac


def small_appliances(curve: Curve, rng: random.Random, per_hour: list[float]) -> None:
    """Lights, TV, computers, vacuum...: 40-400 W blocks of 5-90 min, Poisson arrivals."""
    for hour, rate in enumerate(per_hour):
        for _ in range(_poisson(rng, rate)):
            start = hour * 3600 + rng.randint(0, 3599)
            pulse(curve, start, rng.randint(300, 5400), rng.uniform(40, 400), 2)


def _poisson(rng: random.Random, rate: float) -> int:
    count, p, limit = 0, 1.0, math.exp(-rate)
    while True:
        p *= rng.random()
        if p <= limit:
            return count
        count += 1


def hob(curve: Curve, rng: random.Random, start: int, minutes: int, watts: float) -> None:
    """An induction zone: full power to heat, then simmering as 20-40 s on/off pulses."""
    heat = rng.randint(180, 420)
    pulse(curve, start, heat, watts, 1)
    t, end = start + heat + 5, start + minutes * 60
    while t < end:
        on = rng.randint(20, 40)
        pulse(curve, t, on, watts * 0.8, 1)
        t += on + rng.randint(15, 40)


def oven(curve: Curve, rng: random.Random, start: int, minutes: int, watts: float) -> None:
    """Oven: preheat at full power for 8-12 min, then thermostat cycling."""
    heat = rng.randint(480, 720)
    pulse(curve, start, heat, watts, 1)
    cycling(curve, rng, watts, (40, 70), (60, 100), start + heat + 30, start + minutes * 60, 1)


def washer(curve: Curve, rng: random.Random, start: int, heat_w: float) -> None:
    """Washing machine or dishwasher: a 10-18 min heating phase, then the motor."""
    heat = rng.randint(600, 1080)
    pulse(curve, start + 300, heat, heat_w, 1)
    pulse(curve, start, 300, 150, 2)
    pulse(curve, start + 300 + heat, rng.randint(2400, 4200), rng.uniform(150, 350), 2)


def clear_sky(rise: str, sets: str, peak: float) -> Curve:
    """Clear-sky AC production: a sine bell raised to 1.3 (air mass), clipped at peak."""
    curve = zeros()
    t0, t1 = hm(rise), hm(sets)
    for t in range(t0, t1 + 1):
        curve[t] = peak * math.sin(math.pi * (t - t0) / (t1 - t0)) ** 1.3
    return curve


def clouds(
    curve: Curve,
    rng: random.Random,
    per_hour: Callable[[int], float],
    depth: tuple[float, float],
    length: tuple[int, int],
) -> None:
    """Multiply in passing clouds: dips with 20-90 s edges and a short edge brightening."""
    factor = [1.0] * (DAY + 1)
    for hour in range(24):
        for _ in range(_poisson(rng, per_hour(hour))):
            start = hour * 3600 + rng.randint(0, 3599)
            dip = rng.uniform(*depth)
            pulse_len = rng.randint(*length)
            edge = rng.randint(20, 90)
            shade = zeros()
            pulse(shade, start, pulse_len, dip, edge)
            bright = zeros()
            pulse(bright, start + pulse_len + edge, rng.randint(30, 60), 0.06, 10)
            for t in range(max(0, start), min(DAY, start + pulse_len + 2 * edge + 70) + 1):
                factor[t] *= (1.0 - shade[t]) * (1.0 + bright[t])
    for t in range(DAY + 1):
        curve[t] *= factor[t]


def compress(curve: Curve, tolerance: float) -> list[tuple[int, int]]:
    """Swing-door compression: few points that stay within ``tolerance`` of the curve."""
    points = [(0, curve[0])]
    anchor_t, anchor_v = 0, curve[0]
    lo, hi = -math.inf, math.inf
    for t in range(1, DAY + 1):
        dt = t - anchor_t
        new_lo = max(lo, (curve[t] - tolerance - anchor_v) / dt)
        new_hi = min(hi, (curve[t] + tolerance - anchor_v) / dt)
        if new_lo > new_hi:
            prev = t - 1
            points.append((prev, curve[prev]))
            anchor_t, anchor_v = prev, curve[prev]
            dt = t - anchor_t
            lo = (curve[t] - tolerance - anchor_v) / dt
            hi = (curve[t] + tolerance - anchor_v) / dt
        else:
            lo, hi = new_lo, new_hi
    points.append((DAY, curve[DAY]))
    return [(t, round(v)) for t, v in points]


def _clock(t: int) -> str:
    h, rest = divmod(t, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if s else f"{h:02d}:{m:02d}"


def series_yaml(points: list[tuple[int, int]], indent: str) -> str:
    """Points as a YAML flow list, four per line."""
    items = [f'["{_clock(t)}", {v}]' for t, v in points]
    lines = [", ".join(items[i : i + 4]) for i in range(0, len(items), 4)]
    return "[\n" + ",\n".join(indent + "  " + line for line in lines) + "\n" + indent + "]"


def write_day(name: str, header: str, house: dict[str, Curve], solar: Curve) -> None:
    body = [
        header.strip("\n"),
        "",
        "# Household consumption per phase (W), not counting managed loads.",
    ]
    body.append("house_w:")
    for phase, curve in house.items():
        body.append(f"  {phase}: " + series_yaml(compress(curve, 4.0), "  "))
    body.append("# Solar production (W, AC), split evenly over the phases by the simulator.")
    body.append("solar_w: " + series_yaml(compress(solar, 8.0), ""))
    (HERE / f"{name}.yaml").write_text("\n".join(body) + "\n", encoding="utf-8")


def household(seed: int, season: str) -> dict[str, Curve]:
    """Base load, fridge and freezer, small appliances; season-specific extras."""
    rng = random.Random(f"{seed}:house")
    base = {"A": 55.0, "B": 40.0, "C": 65.0}
    evening = [0.3] * 6 + [
        0.8,
        1.2,
        0.9,
        0.5,
        0.4,
        0.4,
        0.6,
        0.5,
        0.4,
        0.5,
        0.7,
        1.0,
        1.4,
        1.6,
        1.6,
        1.4,
        1.0,
        0.6,
    ]
    if season == "summer":
        evening = [v * 0.7 for v in evening]
    house: dict[str, Curve] = {}
    for phase in ("A", "B", "C"):
        curve = zeros()
        hourly(curve, [base[phase] + 60 * v for v in evening], rng, 0.15)
        small_appliances(curve, rng, [0.1 * v + 0.25 * v * v for v in evening])
        house[phase] = curve
    cycling(house["A"], rng, 115, (600, 1200), (1500, 2400))  # fridge
    cycling(house["C"], rng, 95, (900, 1500), (1800, 3000))  # freezer
    return house


SITE = """\
site:
  voltage: 230
  main_breaker_a: 25
  grid_current_a: {A: 0, B: 0, C: 0}   # phases present (values ignored)
  distribution: priority
  stale_after_s: 60
  refresh_s: 60
"""
OPTIONS = """\
options:
  seed: {seed}                    # seeds sensor noise, dropouts and charger delays
  noise_std_a: 0.3           # grid meter noise per phase (A, standard deviation)
  dropout_probability: 0.0002  # per sensor and control step
  dropout_s: [10, 90]        # how long a dropout lasts
  command_delay_steps: [1, 2]  # a sent command takes effect 1 or 2 control steps later
  car_ramp_a_per_s: 2.0      # the car raises its current towards a higher offer at 2 A/s
  car_ramp_down_a_per_s: 10.0 # and lowers it at 10 A/s (IEC 61851-1 allows it 5 s)
"""


def factor_hourly(curve: Curve, rng: random.Random, low: float, high: float) -> None:
    """Multiply by a slowly varying overcast factor (new level every hour)."""
    levels = [rng.uniform(low, high) for _ in range(25)]
    for t in range(DAY + 1):
        h, frac = divmod(t / 3600, 1.0)
        i = min(int(h), 23)
        curve[t] *= levels[i] + (levels[i + 1] - levels[i]) * frac


def sunny() -> None:
    seed = 11
    rng = random.Random(f"{seed}:events")
    house = household(seed, "summer")
    pulse(house["B"], hm("07:30"), 70, 1300)  # coffee machine
    pulse(house["B"], hm("07:38"), 190, 2100)  # kettle
    pulse(house["A"], hm("07:44"), 150, 850)  # toaster
    washer(house["A"], rng, hm("10:05"), 2000)
    hob(house["A"], rng, hm("12:25"), 20, 1800)
    hob(house["B"], rng, hm("12:30"), 15, 1400)
    washer(house["C"], rng, hm("13:40"), 2050)  # dishwasher
    hob(house["B"], rng, hm("19:05"), 15, 1800)
    oven(house["C"], rng, hm("18:50"), 40, 2600)
    solar = clear_sky("05:20", "21:35", 7600)
    clouds(
        solar,
        random.Random(f"{seed}:clouds"),
        lambda h: 0.5 if 13 <= h < 18 else 0.0,
        (0.10, 0.35),
        (60, 400),
    )
    header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A clear Saturday in June: 10 kWp array (7.6 kW peak AC, a few thin clouds after 13:00),
# 10 kWh battery, one car on `solar` at a 3-phase 6-16 A charger from 08:30 to 19:30.
name: Sunny summer day, one car on solar
step_s: 5
{SITE}loads:
  - {{id: car, kind: evse, mode: solar, priority: 1, min_a: 6, max_a: 16, phases: [A, B, C],
     pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
battery: {{capacity_kwh: 10, soc: 45, min_soc: 10, target_soc: 80, max_charge_w: 5000,
          max_discharge_w: 5000, efficiency: 0.95}}
cars:
  - {{load: car, arrive: "08:30", leave: "19:30", need_kwh: 45, max_a: 16}}
{OPTIONS.format(seed=seed)}"""
    write_day("sunny_summer_solar", header, house, solar)


def cloudy() -> None:
    seed = 22
    rng = random.Random(f"{seed}:events")
    house = household(seed, "spring")
    pulse(house["B"], hm("06:55"), 200, 2100)  # kettle
    pulse(house["B"], hm("07:02"), 60, 1300)  # coffee
    pulse(house["A"], hm("12:15"), 180, 1200)  # microwave
    pulse(house["B"], hm("12:21"), 170, 2100)  # kettle
    washer(house["A"], rng, hm("14:05"), 2000)
    oven(house["C"], rng, hm("18:20"), 45, 2800)
    hob(house["A"], rng, hm("18:32"), 25, 2000)
    hob(house["B"], rng, hm("18:35"), 30, 1600)
    washer(house["C"], rng, hm("20:30"), 2050)  # dishwasher
    solar = clear_sky("06:45", "20:05", 6800)
    factor_hourly(solar, random.Random(f"{seed}:overcast"), 0.55, 1.0)
    clouds(
        solar,
        random.Random(f"{seed}:clouds"),
        lambda h: 3.0 if 8 <= h < 18 else 1.0,
        (0.40, 0.80),
        (60, 900),
    )
    header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A cloudy April weekday: 10 kWp array under broken clouds, 7 kWh battery, two cars on
# one 20 A garage circuit of a 25 A 3-phase site: `eco` from 13:30, `standard` from 17:40.
name: Cloudy spring day, two cars (eco + standard) on a 20 A garage circuit
step_s: 5
{SITE}loads:
  - {{id: car_std, kind: evse, mode: standard, priority: 1, min_a: 6, max_a: 16,
     phases: [A, B, C], pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
  - {{id: car_eco, kind: evse, mode: eco, priority: 2, min_a: 6, max_a: 16,
     phases: [A, B, C], pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
circuits:
  - {{id: garage, limit_a: 20, members: [car_std, car_eco]}}
battery: {{capacity_kwh: 7, soc: 30, min_soc: 10, target_soc: 80, max_charge_w: 3500,
          max_discharge_w: 3500, efficiency: 0.95}}
cars:
  - {{load: car_eco, arrive: "13:30", leave: "24:00", need_kwh: 30, max_a: 16}}
  - {{load: car_std, arrive: "17:40", leave: "24:00", need_kwh: 22, max_a: 16}}
{OPTIONS.format(seed=seed)}"""
    write_day("cloudy_spring_two_cars", header, house, solar)


def winter() -> None:
    seed = 33
    rng = random.Random(f"{seed}:events")
    house = household(seed, "winter")
    for phase in ("A", "B", "C"):  # 3-phase heat pump compressor, soft start
        cycling(house[phase], random.Random(f"{seed}:hp"), 720, (1800, 3000), (900, 1800), ramp=60)
        pulse(house[phase], hm("17:30"), 2700, 330, 60)  # hot water boost
    pulse(house["B"], hm("06:50"), 200, 2200)  # kettle
    pulse(house["A"], hm("06:58"), 150, 850)  # toaster
    pulse(house["B"], hm("17:52"), 240, 2200)  # kettle
    hob(house["A"], rng, hm("17:58"), 35, 3500)  # boost zone
    hob(house["B"], rng, hm("18:02"), 25, 2500)
    oven(house["C"], rng, hm("18:05"), 50, 3000)
    pulse(house["A"], hm("18:40"), 180, 1200)  # microwave
    washer(house["A"], rng, hm("20:15"), 2100)  # dishwasher
    cycling(house["C"], rng, 2400, (300, 600), (120, 300), hm("21:10"), hm("22:20"), 2)  # dryer
    pulse(house["B"], hm("21:05"), 200, 2200)  # kettle
    solar = clear_sky("08:15", "16:35", 3200)
    factor_hourly(solar, random.Random(f"{seed}:overcast"), 0.25, 0.6)
    header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A cold December weekday: heat pump cycling all day, little solar, no battery; cooking
# from 17:50 (3.5 kW boost zone on A, 2.5 kW on B, 3 kW oven on C) while two cars charge:
# a 3-phase car from 17:20 and a 1-phase car on phase C from 18:45, both `standard`.
name: Winter evening, cooking spikes while two cars charge
step_s: 5
{SITE}loads:
  - {{id: car, kind: evse, mode: standard, priority: 1, min_a: 6, max_a: 16, phases: [A, B, C],
     pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
  - {{id: car_1ph, kind: evse, mode: standard, priority: 2, min_a: 6, max_a: 16, phases: [C],
     pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
cars:
  - {{load: car, arrive: "17:20", leave: "24:00", need_kwh: 30, max_a: 16}}
  - {{load: car_1ph, arrive: "18:45", leave: "24:00", need_kwh: 10, max_a: 16}}
{OPTIONS.format(seed=seed)}"""
    write_day("winter_evening_cooking", header, house, solar)


def autumn_switching() -> None:
    """One cloudy October day, written twice: a `solar` car on a charger that switches
    between one and three phases, and the same car on a 3-phase-only charger."""
    seed = 44
    house = household(seed, "spring")
    pulse(house["B"], hm("07:05"), 200, 2100)  # kettle
    pulse(house["A"], hm("12:30"), 180, 1200)  # microwave
    washer(house["A"], random.Random(f"{seed}:events"), hm("10:40"), 2000)
    solar = clear_sky("07:45", "18:20", 6500)
    factor_hourly(solar, random.Random(f"{seed}:overcast"), 0.4, 1.0)
    clouds(
        solar,
        random.Random(f"{seed}:clouds"),
        lambda h: 2.0 if 9 <= h < 17 else 0.5,
        (0.30, 0.70),
        (120, 1200),
    )
    for name, switching, title in (
        ("cloudy_autumn_phase_switching", ", phase_switching: {one_phase: A}", "switching"),
        ("cloudy_autumn_three_phase", "", "3-phase only"),
    ):
        header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A cloudy October weekday: 6 kWp under overcast and passing clouds (mostly 1-4 kW of
# surplus), no battery, one `solar` car from 09:00 to 17:30 on a {title} charger.
name: Cloudy autumn day, one solar car ({title})
step_s: 5
{SITE}loads:
  - {{id: car, kind: evse, mode: solar, priority: 1, min_a: 6, max_a: 16,
     phases: [A, B, C], pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0,
     deadband_a: 0.5{switching}}}
cars:
  - {{load: car, arrive: "09:00", leave: "17:30", need_kwh: 40, max_a: 16}}
{OPTIONS.format(seed=seed)}"""
        write_day(name, header, house, solar)


def price_series(steps: list[tuple[str, float]]) -> str:
    """A step price series: each price holds until the next one starts."""
    points: list[str] = []
    for k, (start, price) in enumerate(steps):
        if k:
            h, m = (int(x) for x in start.split(":"))
            before = h * 3600 + m * 60 - 1
            points.append(
                f'["{before // 3600:02d}:{before % 3600 // 60:02d}:59", {steps[k - 1][1]}]'
            )
        points.append(f'["{start}", {price}]')
    return "[" + ", ".join(points) + "]"


def plan_days() -> None:
    """Two days for plans: an evening-to-morning charge over a cheap night, and a
    workday charge on a cloudy spring day with a midday price dip. The car is in
    `eco` (the plain controller charges its minimum); benchmarks/plans.py sets each
    strategy's mode."""
    seed = 55
    house = household(seed, "winter")
    night = price_series(
        [("16:00", 0.30), ("17:00", 0.45), ("21:00", 0.28), ("24:00", 0.12), ("29:00", 0.25)]
    )
    header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A winter weekday evening to the next morning: a car home at 17:30 needs 30 kWh by 07:00;
# day-ahead prices with an expensive evening peak (17-21 h) and a cheap night (00-05 h).
name: Winter night, 30 kWh by 07:00 (cheap night, expensive evening)
start: "16:00"
end: "31:00"
step_s: 5
{SITE}loads:
  - {{id: car, kind: evse, mode: eco, priority: 1, min_a: 6, max_a: 16,
     phases: [A, B, C], pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
cars:
  - {{load: car, arrive: "17:30", leave: "31:00", need_kwh: 30, max_a: 16}}
prices: {night}
{OPTIONS.format(seed=seed)}"""
    write_day("winter_night_plan", header, house, zeros())
    seed = 66
    house = household(seed, "spring")
    solar = clear_sky("06:45", "20:05", 6800)
    factor_hourly(solar, random.Random(f"{seed}:overcast"), 0.45, 1.0)
    clouds(
        solar,
        random.Random(f"{seed}:clouds"),
        lambda h: 2.0 if 8 <= h < 18 else 0.5,
        (0.30, 0.70),
        (120, 900),
    )
    day_prices = price_series([("07:00", 0.30), ("10:00", 0.18), ("15:00", 0.35)])
    header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A cloudy spring workday: a car home from 08:00 needs 20 kWh by 17:00; 10 kWp under
# clouds, the forecast off by 25 % (standard deviation, per hour); prices with a midday dip.
name: Spring workday, 20 kWh by 17:00 (solar forecast with error, midday price dip)
start: "07:00"
end: "19:00"
step_s: 5
{SITE}loads:
  - {{id: car, kind: evse, mode: eco, priority: 1, min_a: 6, max_a: 16,
     phases: [A, B, C], pause_s: 180, grace_s: 300, ramp_up_a_per_s: 1.0, deadband_a: 0.5}}
cars:
  - {{load: car, arrive: "08:00", leave: "17:00", need_kwh: 20, max_a: 16}}
prices: {day_prices}
{OPTIONS.format(seed=seed)}  forecast_error: 0.25
"""
    write_day("spring_day_plan", header, house, solar)


def thermal() -> None:
    """A sunny September day: surplus stored in a hot water tank and a heated room."""
    seed = 31
    rng = random.Random(f"{seed}:events")
    house = household(seed, "summer")
    pulse(house["B"], hm("07:25"), 190, 2100)  # kettle
    washer(house["C"], rng, hm("11:10"), 2000)
    hob(house["A"], rng, hm("12:20"), 20, 1800)
    oven(house["C"], rng, hm("18:40"), 45, 2600)
    solar = clear_sky("06:55", "19:20", 6800)
    clouds(
        solar,
        random.Random(f"{seed}:clouds"),
        lambda h: 1.0 if 10 <= h < 16 else 0.0,
        (0.15, 0.45),
        (60, 500),
    )
    header = f"""\
# Generated by benchmarks/days/make_days.py (seed {seed}); see benchmarks/days/README.md.
# A sunny September weekday, no battery: surplus is stored as heat. A 200 l hot water
# tank (3 kW element on A, eco: 45 C +- 3 C kept from the grid, boosted to 70 C by solar,
# never above 75 C, 55 C at midnight) with showers at 06:50, 07:15 and 21:30 (1.2, 1.0,
# 1.5 kWh of hot water); a room kept by a 2 kW heat
# pump on B (eco: 21 C +- 0.5 C, pre-heated to 23 C by solar, 10 C outdoors).
name: Sunny September day, tank and room store the surplus
step_s: 5
{SITE}loads:
  - id: tank
    kind: thermal
    mode: eco
    priority: 1
    power_w: 3000
    phases: [A]
    min_on_s: 120
    thermal: {{target_c: 45, hysteresis_c: 3, boost_c: 70, limit_c: 75, ambient_c: 20,
               time_constant_h: 116, rate_c_per_h: 12.9}}
  - id: room
    kind: thermal
    mode: eco
    priority: 2
    power_w: 2000
    phases: [B]
    min_on_s: 600
    min_off_s: 300
    thermal: {{target_c: 21, hysteresis_c: 0.5, boost_c: 23, limit_c: 25, ambient_c: 10,
               time_constant_h: 30, rate_c_per_h: 0.67}}
thermal:
  tank: {{start_c: 55, capacity_kwh_per_c: 0.232, loss_w_per_c: 2.0, ambient_c: 20,
          drawoffs: [["06:50", 1.2], ["07:15", 1.0], ["21:30", 1.5]]}}
  room: {{start_c: 21.2, capacity_kwh_per_c: 3.0, loss_w_per_c: 100, ambient_c: 10}}
{OPTIONS.format(seed=seed)}"""
    write_day("sunny_autumn_thermal", header, house, solar)


def main() -> None:
    thermal()
    sunny()
    cloudy()
    winter()
    autumn_switching()
    plan_days()


if __name__ == "__main__":
    main()
