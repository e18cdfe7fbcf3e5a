"""The contract between the coordinator and every load adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LoadReading:
    """What an adapter measured for its load this cycle.

    ``draw_a`` holds one current per leg (L1 first) or None when unknown;
    ``active`` is None when the state cannot be read. A thermal load also reports
    its temperature (None: unknown) and, when configured, the outdoor temperature.
    """

    draw_a: list[float | None] | None
    active: bool | None
    thermal: bool = False
    temperature_c: float | None = None
    ambient_c: float | None = None


@dataclass(frozen=True, slots=True)
class LoadCommand:
    """One controller decision for one load (see engine Controller.step)."""

    load_id: str
    current_a: float
    send: bool
    reason: str
    pause_s: float = 0.0
    grace_s: float = 0.0
    phases: int | None = None
    """Switching chargers: the phase count every profile must carry (numberPhases)."""
    phase_command: int | None = None
    """Switching chargers: switch to this phase count now (the load was offered 0 A)."""


class LoadAdapter(Protocol):
    """Reads one load and applies commands to it. Must never block the loop."""

    @property
    def input_entities(self) -> list[str]:
        """Entity ids whose state changes should trigger a recompute."""

    @property
    def status(self) -> str:
        """ "ok", or a short problem word (e.g. "non_compliant", "service_failed")."""

    def read(self) -> LoadReading:
        """Read the load's state from Home Assistant (no I/O beyond the state machine)."""

    async def async_setup(self) -> None:
        """Prepare the device (e.g. install a failsafe profile)."""

    async def async_apply(self, command: LoadCommand) -> None:
        """Apply a command. Called every cycle; act only when ``command.send``."""

    async def async_reset(self) -> None:
        """Bring the device back to a known state (e.g. clear and reinstall profiles)."""

    async def async_unload(self) -> None:
        """Release resources when the hub is unloaded."""
