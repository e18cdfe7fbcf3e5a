"""The 1 s curves of a synthetic day: the sun, passing clouds and a household.

Owns the physical shapes the bundled days are made of (see ``README.md``): a
clear-sky bell for solar production, an hourly overcast factor, clouds as seeded
random dips with ramps and edge brightening, and a household built from a base
load, fridge/freezer compressor cycles, small appliances and cooking, washing
and heat-pump peaks. Every curve holds one value per second of the day
(``DAY + 1`` values, watts); every random choice comes from a seeded
``random.Random``, so a day is the same on every run.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

DAY = 86400
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


def factor_hourly(curve: Curve, rng: random.Random, low: float, high: float) -> None:
    """Multiply by a slowly varying overcast factor (new level every hour)."""
    levels = [rng.uniform(low, high) for _ in range(25)]
    for t in range(DAY + 1):
        h, frac = divmod(t / 3600, 1.0)
        i = min(int(h), 23)
        curve[t] *= levels[i] + (levels[i + 1] - levels[i]) * frac


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
