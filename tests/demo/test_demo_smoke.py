"""Smoke test of the live demo (``./scripts/demo``): does the prepared site work?

Prepares the demo config in a temporary directory (``tools.demo_site``), starts a real
``hass`` on free ports on 127.0.0.1 exactly as ``scripts/demo`` does, and connects the
simulated two-connector charger (``tools.cp_simulator``, in this process). It checks what
a newcomer relies on: the web server answers with the onboarding still to do, the
charger is accepted by the built-in OCPP server and both connectors get limits that
share what the house leaves under the main breaker, Home Assistant stops cleanly, and
every entity the dashboard and the simulated grid meter use exists. Bounded to ~3
minutes; Home Assistant usually answers within 10-40 s.

Needs the demo requirements (``requirements/demo.txt``: Home Assistant's frontend).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from tools.cp_simulator import Simulator
from tools.demo_site import DOMAIN, TEMPLATE, prepare

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("hass_frontend") is None,
    reason="demo requirements not installed (requirements/demo.txt)",
)

START_TIMEOUT_S = 180
CPID = "DEMO-CP"


class _TemplateLoader(yaml.SafeLoader):
    """Reads Home Assistant YAML, leaving ``!include`` and friends unresolved."""


_TemplateLoader.add_multi_constructor("!", lambda _loader, _suffix, _node: None)


def _template(name: str) -> Any:
    return yaml.load((TEMPLATE / name).read_text(), Loader=_TemplateLoader)


BREAKER_A = float(_template("entries.yaml")["hub"]["data"]["main_breaker_a"])
HOUSE_A = {
    n: float(_template("configuration.yaml")["input_number"][f"house_load_l{n}"]["initial"])
    for n in (1, 2, 3)
}


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Home Assistant's test plugin blocks sockets; this test needs 127.0.0.1."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Demo:
    """The running demo: its config dir, web address and simulated charger."""

    def __init__(
        self, config: Path, base: str, sim: Simulator, proc: subprocess.Popen[bytes]
    ) -> None:
        self.config = config
        self.base = base
        self.sim = sim
        self.proc = proc
        self.onboarding: list[dict[str, Any]] = []

    async def stop(self) -> int:
        """Disconnect the charger and stop Home Assistant (SIGTERM); its exit code."""
        await self.sim.stop()
        # Home Assistant handles SIGTERM only once its start-up has finished;
        # before that the signal kills it without saving its registries.
        async with asyncio.timeout(START_TIMEOUT_S):
            while self.proc.poll() is None and "initialized in" not in self.log():
                await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self) -> str:
        """Home Assistant's log so far."""
        path = self.config / "home-assistant.log"
        return path.read_text() if path.exists() else ""


async def _http_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url) as answer:
        answer.raise_for_status()
        return await answer.json()


async def _until(predicate: Any, proc: subprocess.Popen[bytes], log: Path) -> None:
    while not predicate():
        if proc.poll() is not None:
            pytest.fail(f"hass exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        await asyncio.sleep(0.2)


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    """Home Assistant with the demo config, and the simulated charger connected to it."""
    http_port, ocpp_port = free_port(), free_port()
    config = tmp_path / "config"
    prepare(config, http_port=http_port, ocpp_port=ocpp_port)
    hass = Path(sys.executable).with_name("hass")
    console = tmp_path / "console.log"
    with console.open("wb") as out:
        proc = subprocess.Popen(
            [str(hass), "-c", str(config), "--skip-pip"], stdout=out, stderr=out
        )
    sim = Simulator(
        f"ws://127.0.0.1:{ocpp_port}",
        CPID,
        connectors=2,
        car_max_a=16.0,
        meter_interval_s=1.0,
        reconnect_delay_s=0.5,
    )
    running = Demo(config, f"http://127.0.0.1:{http_port}", sim, proc)
    try:
        await sim.start(wait=False)
        async with asyncio.timeout(START_TIMEOUT_S), aiohttp.ClientSession() as session:
            while True:
                try:
                    url = f"{running.base}/api/onboarding"
                    running.onboarding = await _http_json(session, url)
                    break
                except aiohttp.ClientError:
                    if proc.poll() is not None:
                        pytest.fail(f"hass exited:\n{console.read_text()[-3000:]}")
                    await asyncio.sleep(0.5)
            await _until(sim.connected.is_set, proc, config / "home-assistant.log")
        yield running
    finally:
        await running.stop()


def _limits(sim: Simulator) -> dict[int, float | None]:
    return {n: sim.allowed_a(n) for n in sim.connectors}


async def test_demo_runs_and_shares_the_breaker_between_the_cars(demo: Demo) -> None:
    """Onboarding is left to the user; both cars charge, sharing what the house leaves
    under the breaker equally; the dashboard and the simulated grid meter only name
    entities that exist."""
    sim = demo.sim
    assert {"step": "user", "done": False} in demo.onboarding
    for n in sim.connectors:
        await sim.plug_in(n)

    def shared_by_both() -> bool:  # "shared": both charge, split equally
        first, second = (limit or 0.0 for limit in _limits(sim).values())
        return min(first, second) >= 6.0 and abs(first - second) <= 0.5

    try:
        await sim.wait_for(shared_by_both, timeout=60)
    except TimeoutError:
        pytest.fail(f"limits {_limits(sim)}; log:\n{demo.log()[-3000:]}")
    # each car draws on all three phases: the busiest phase decides
    assert max(HOUSE_A.values()) + sum(limit or 0.0 for limit in _limits(sim).values()) <= (
        BREAKER_A
    )

    assert await demo.stop() == 0  # a clean shutdown also writes the entity registry
    wanted = _dashboard_entities() | _template_entities()
    assert sorted(wanted - _registered(demo.config)) == []

    errors = [line for line in demo.log().splitlines() if " ERROR " in line and DOMAIN in line]
    assert errors == []


def _registered(config: Path) -> set[str]:
    registry = config / ".storage" / "core.entity_registry"
    if not registry.exists():
        return set()
    return {e["entity_id"] for e in json.loads(registry.read_text())["data"]["entities"]}


def _dashboard_entities() -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "entity" and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load((TEMPLATE / "dashboard.yaml").read_text()))
    return found


def _template_entities() -> set[str]:
    text = (TEMPLATE / "templates.yaml").read_text()
    return set(re.findall(r"states\('([a-z_]+\.[a-z0-9_]+)'\)", text))
