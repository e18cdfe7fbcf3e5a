"""Writing a day file: the YAML text of the bundled days from their curves.

Owns the file format side of ``make_days.py``: swing-door compression of a 1 s
curve into the few ``[time, value]`` points that reproduce it within a few watts
by linear interpolation, the flow-list layout of those points, the blocks every
day shares (``SITE``, ``OPTIONS``), step price series, and writing
``benchmarks/days/<name>.yaml``.
"""

from __future__ import annotations

import math
from pathlib import Path

from shapes import DAY, Curve

HERE = Path(__file__).resolve().parent


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
