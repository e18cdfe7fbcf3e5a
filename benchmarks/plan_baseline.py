"""The house baseline (engine/baseline.py): cost of learning and of a plan's headroom.

Prints, for a baseline full of 14 days of one reading every 5 s on three phases:
the time per learned reading, the samples kept and the size of its stored (JSON)
form, and the time to compute the expected headroom and surplus of a 24-hour
plan (96 slots), with every quarter hour learned and with only one learned (the
fall-back to the phase's overall percentile).

    .venv/bin/python benchmarks/plan_baseline.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custom_components.dynamic_ocpp_evse.engine.baseline import DAY_S, Baseline  # noqa: E402
from custom_components.dynamic_ocpp_evse.engine.plan_limits import (  # noqa: E402
    headroom_intervals,
    surplus_intervals,
)

PHASES = ["A", "B", "C"]


def _fill(days: int, step_s: float, only_bucket: int | None = None) -> tuple[Baseline, float]:
    baseline = Baseline()
    readings = 0
    started = time.perf_counter()
    t = 0.0
    while t < days * DAY_S:
        if only_bucket is None or int((t % DAY_S) // 900) == only_bucket:
            load = 3.0 + 8.0 * ((t // 900) % 7) / 7
            baseline.add(t, {"A": load, "B": load / 2, "C": 1.5})
            readings += 1
        t += step_s
    return baseline, (time.perf_counter() - started) / max(1, readings)


def _plan_limits(baseline: Baseline, now_s: float) -> float:
    started = time.perf_counter()
    for _ in range(10):
        headroom_intervals(
            baseline,
            now_s,
            now_s + DAY_S,
            breaker_a=25.0,
            volts=230.0,
            load_phases=PHASES,
            site_phases=PHASES,
            import_limit_w=11000.0,
        )
        surplus_intervals(
            baseline,
            [(now_s, now_s + DAY_S, 4000.0)],
            now_s,
            now_s + DAY_S,
            volts=230.0,
            site_phases=PHASES,
        )
    return (time.perf_counter() - started) / 10


def main() -> None:
    full, per_reading = _fill(14, 5.0)
    stored = json.dumps(full.to_dict())
    print(f"learn one reading (3 phases):      {per_reading * 1e6:8.1f} us")
    print(f"samples kept after 14 days:        {full.sample_count():8d}")
    print(f"stored form (JSON):                {len(stored) / 1024:8.1f} KiB")
    started = time.perf_counter()
    Baseline.from_dict(json.loads(stored))
    print(f"restore from the stored form:      {(time.perf_counter() - started) * 1e3:8.1f} ms")
    now = 20 * DAY_S
    print(f"headroom + surplus, 96 slots:      {_plan_limits(full, now) * 1e3:8.1f} ms")
    sparse, _ = _fill(14, 5.0, only_bucket=72)
    print(f"same, one quarter hour learned:    {_plan_limits(sparse, now) * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
