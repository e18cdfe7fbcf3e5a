"""One PNG that shows a simulated day at a glance.

Stacked panels sharing an hours axis: grid current per phase against the
breaker (overload episodes shaded red), solar/house/managed/battery power,
battery SOC with its min and target, every circuit group against its limit,
and one panel per load with the controller's command, the current the car
actually drew, the plan's planned minimum when a plan ran, and shaded
car-present, pause and grace periods.
matplotlib is imported here only, when a plot is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .plant import WANTS_CHARGE
from .series import parse_time
from .trace import Trace

COLORS = {"A": "#1f77b4", "B": "#d62728", "C": "#2ca02c"}
MAX_POINTS = 6000


def _thin(values: Sequence[float], every: int, *, peak: bool = False) -> list[float]:
    """Every ``every``-th value, or the largest magnitude of each window."""
    if every <= 1:
        return list(values)
    if not peak:
        return list(values[::every])
    return [max(values[i : i + every], key=abs) for i in range(0, len(values), every)]


def _shade(ax: Any, hours: Sequence[float], mask: Sequence[bool], **style: Any) -> None:
    """Shade the full height of ``ax`` wherever ``mask`` is true."""
    if any(mask):
        ax.fill_between(
            hours,
            0,
            1,
            where=list(mask),
            step="post",
            transform=ax.get_xaxis_transform(),
            linewidth=0,
            **style,
        )


def _group_flows(trace: Trace) -> list[tuple[str, float, list[float]]]:
    """Each circuit's highest phase current over time, with its limit."""
    scenario = trace.day.scenario
    loads = {load.id: load for load in scenario.loads}
    flows = []
    for circuit in scenario.circuits:
        members = [loads[i] for i in scenario.circuit_loads.get(circuit.id, ())]
        series = []
        for k in range(len(trace.t)):
            per_phase = dict.fromkeys(circuit.limit_a, 0.0)
            for load in members:
                for phase in trace.legs(load, k):
                    per_phase[phase] += trace.draw_a[load.id][k]
            series.append(max(per_phase.values(), default=0.0))
        flows.append((circuit.id, min(circuit.limit_a.values()), series))
    return flows


def plot_day(
    trace: Trace,
    path: str | Path,
    metrics: dict[str, Any] | None = None,
    planned: dict[str, list[tuple[float, float]]] | None = None,
) -> None:
    """Write the day's plot to ``path`` (PNG).

    ``planned`` maps a load to its plan as executed: ``(time, planned minimum A)``
    per control step, drawn over the load's command and draw.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    day = trace.day
    scenario = day.scenario
    every = max(1, len(trace.t) // MAX_POINTS)
    hours = [t / 3600 for t in trace.t[::every]]
    step_hours = [t / 3600 for t in trace.step_t]
    groups = _group_flows(trace)
    n_panels = 3 + (1 if groups else 0) + len(scenario.loads)
    heights = [2.2, 1.8, 1.2 if day.battery is not None else 0.5]
    heights += ([1.4] if groups else []) + [1.6] * len(scenario.loads)
    fig, axes = plt.subplots(
        n_panels,
        1,
        figsize=(12, sum(heights) + 1.2),
        sharex=True,
        gridspec_kw={"height_ratios": heights},
    )
    title = day.name if metrics is None else _headline(day.name, metrics)
    fig.suptitle(title, fontsize=12, fontweight="bold")

    ax = axes[0]
    breaker = scenario.site.main_breaker_a
    for phase, column in trace.grid_a.items():
        ax.plot(
            hours,
            _thin(column, every, peak=True),
            lw=0.8,
            color=COLORS[phase],
            label=f"phase {phase}",
        )
    ax.axhline(breaker, color="black", ls="--", lw=1.0, label=f"breaker {breaker:g} A")
    peaks = [max(abs(c[k]) for c in trace.grid_a.values()) for k in range(len(trace.t))]
    over = [max(peaks[i : i + every]) > breaker + 1e-6 for i in range(0, len(peaks), every)]
    _shade(ax, hours, over, color="red", alpha=0.25)
    long_starts = [
        parse_time(e["start"], "start") / 3600
        for e in (metrics or {}).get("safety", {}).get("long_episodes", [])
    ]
    if long_starts:
        ax.plot(
            long_starts,
            [breaker * 1.12] * len(long_starts),
            "v",
            color="red",
            ms=5,
            label="episode > 15 s",
        )
    ax.set_ylabel("A")
    ax.set_title(
        "Grid current per phase (+ import, - export; red: above the breaker)",
        fontsize=9,
        loc="left",
    )
    ax.legend(loc="upper left", fontsize=7, ncol=6)

    ax = axes[1]
    house = [sum(v) / 1000 for v in zip(*trace.house_w.values(), strict=True)]
    voltage = scenario.site.voltage
    managed = [
        sum(trace.draw_a[x.id][k] * len(trace.legs(x, k)) for x in scenario.loads) * voltage / 1000
        for k in range(len(trace.t))
    ]
    ax.fill_between(
        hours,
        0,
        _thin([w / 1000 for w in trace.solar_w], every),
        color="#ffcc33",
        alpha=0.6,
        label="solar",
        linewidth=0,
    )
    ax.plot(hours, _thin(house, every), color="#555555", lw=0.7, label="house")
    ax.plot(hours, _thin(managed, every), color="#1f77b4", lw=0.8, label="managed loads")
    if day.battery is not None:
        ax.plot(
            hours,
            _thin([w / 1000 for w in trace.battery_w], every),
            color="#2ca02c",
            lw=0.7,
            label="battery (+ discharge)",
        )
    ax.axhline(0, color="black", lw=0.5)
    ax.set_ylabel("kW")
    ax.set_title("Power", fontsize=9, loc="left")
    ax.legend(loc="upper left", fontsize=7, ncol=4)

    ax = axes[2]
    if day.battery is not None:
        ax.plot(hours, _thin(trace.soc, every), color="#2ca02c", lw=1.0, label="SOC")
        ax.axhline(day.battery.min_soc, color="grey", ls=":", lw=1, label="min")
        ax.axhline(day.battery.target_soc, color="grey", ls="--", lw=1, label="target")
        ax.set_ylim(0, 100)
        ax.legend(loc="upper left", fontsize=7, ncol=3)
    else:
        ax.text(0.5, 0.5, "no home battery", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylabel("%")
    ax.set_title("Battery state of charge", fontsize=9, loc="left")

    index = 3
    if groups:
        ax = axes[index]
        index += 1
        for name, limit, series in groups:
            line = ax.plot(hours, _thin(series, every, peak=True), lw=0.8, label=name)[0]
            ax.axhline(
                limit, color=line.get_color(), ls="--", lw=1, label=f"{name} limit {limit:g} A"
            )
        ax.set_ylabel("A")
        ax.set_title("Circuit groups (highest phase)", fontsize=9, loc="left")
        ax.legend(loc="upper left", fontsize=7, ncol=4)

    # The mode the day ran in (a strategy may have changed it from the day file's).
    modes = {str(raw.get("id")): str(raw.get("mode")) for raw in day.config.get("loads", [])}
    for load in scenario.loads:
        ax = axes[index]
        index += 1
        present = [s == WANTS_CHARGE for s in trace.car_state[load.id][::every]]
        _shade(ax, hours, present, color="#1f77b4", alpha=0.07)
        paused = [p > 0 for p in trace.pause_s[load.id]]
        graced = [g > 0 for g in trace.grace_s[load.id]]
        _shade(ax, step_hours, paused, color="grey", alpha=0.35)
        _shade(ax, step_hours, graced, color="orange", alpha=0.35)
        ax.fill_between(
            hours,
            0,
            _thin(trace.draw_a[load.id], every),
            color="#1f77b4",
            alpha=0.45,
            linewidth=0,
            label="actual draw",
        )
        ax.step(
            step_hours,
            list(trace.command_a[load.id]),
            where="post",
            color="black",
            lw=0.8,
            label="commanded",
        )
        plan = (planned or {}).get(load.id)
        if plan:
            ax.step(
                [t / 3600 for t, _ in plan],
                [a for _, a in plan],
                where="post",
                color="#2ca02c",
                lw=1.2,
                ls="--",
                label="planned minimum",
            )
        ax.plot([], [], color="grey", alpha=0.35, lw=6, label="pause")
        ax.plot([], [], color="orange", alpha=0.35, lw=6, label="grace")
        ax.set_ylim(0, load.max_a * 1.15 + 0.5)
        ax.set_ylabel("A")
        ax.set_title(
            _load_title(load.id, modes.get(load.id, load.mode.value), load.phases, metrics),
            fontsize=9,
            loc="left",
        )
        ax.legend(loc="upper left", fontsize=7, ncol=4)

    last = axes[-1]
    start_h, end_h = day.start_s / 3600, day.end_s / 3600
    last.set_xlim(start_h, end_h)
    span = end_h - start_h
    tick = 1 if span <= 8 else 2
    first = int(start_h // tick * tick)
    last.set_xticks([float(h) for h in range(first, int(end_h) + 1, tick)])
    last.set_xticklabels([f"{h:02d}:00" for h in range(first, int(end_h) + 1, tick)])
    last.set_xlabel("time of day")
    for ax in axes:
        ax.grid(True, alpha=0.25)
    fig.tight_layout()
    fig.savefig(str(path), dpi=80)
    plt.close(fig)


def _headline(name: str, metrics: dict[str, Any]) -> str:
    share = metrics["surplus"]["captured_share"]
    parts = [f"grid import {metrics['grid_import_kwh']:.1f} kWh"]
    if metrics["solar_self_consumption"] is not None:
        parts.append(f"self-consumption {metrics['solar_self_consumption']:.0%}")
    if share is not None:
        parts.append(f"surplus captured {share:.1%}")
    long_runs = metrics["safety"]["episodes_over_15s"]
    parts.append(f"overload episodes > 15 s: {long_runs}")
    parts.append(f"longest {metrics['safety']['longest_episode_s']:.0f} s")
    return name + "\n" + "  |  ".join(parts)


def _load_title(
    load_id: str, mode: str, phases: Sequence[str], metrics: dict[str, Any] | None
) -> str:
    title = f"{load_id} ({mode}, {len(phases)}-phase {''.join(phases)})"
    if metrics is None:
        return title
    figures = metrics["loads"][load_id]
    return (
        f"{title}: {figures['energy_kwh']:.1f} of {figures['need_kwh']:.1f} kWh, "
        f"{figures['starts']} starts / {figures['stops']} stops, "
        f"{figures['commands_sent']} commands  (blue band: car wants charge)"
    )
