"""Redo docs/img/demo-dashboard.png: run the demo in a throwaway directory and photograph it.

``.venv/bin/python -m tools.screenshot_demo [--out docs/img/demo-dashboard.png]``

1. prepares a demo config (``tools.demo_site``) in a temporary directory, on free ports;
2. starts Home Assistant and the simulated charger (``tools.demo_charger``) like
   ``scripts/demo`` does;
3. completes the onboarding through Home Assistant's REST API (user ``demo``; only in
   this throwaway copy - the real demo leaves the onboarding to the person trying it);
4. plays a short story on the sliders (more house load, then sunshine) so the history
   graphs show the chargers following;
5. opens the dashboard in headless Chromium through the DevTools protocol with the
   access token in ``localStorage`` and saves a PNG (kept under 400 KB).

Needs Chromium (Debian: ``apt-get install chromium``). Takes about five minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from tools.demo_site import ROOT, prepare

MAX_BYTES = 400_000
WIDTH, HEIGHT = 1400, 1000
# (seconds to wait before, entity, value): the slider story shown in the history graphs.
# The house load on L1 rises in steps (each car gives way at once), then the sun comes
# out (the cars take more once the controller's 2-minute raise hold has passed).
STORY = (
    (30, "input_number.house_load_l1", 7.0),
    (15, "input_number.house_load_l1", 8.0),
    (15, "input_number.house_load_l1", 9.0),
    (15, "input_number.house_load_l1", 10.0),
    (15, "input_number.solar_production", 6000.0),
)
SETTLE_S = 160


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(url: str, body: Any = None, token: str | None = None, form: bool = False) -> Any:
    """POST (JSON or form) or GET ``url``; return the decoded JSON answer."""
    data = None
    headers = {}
    if body is not None:
        data = urllib.parse.urlencode(body).encode() if form else json.dumps(body).encode()
        headers["Content-Type"] = (
            "application/x-www-form-urlencoded" if form else "application/json"
        )
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else {}


def wait_http(url: str, timeout: float = 300) -> None:
    """Wait until ``url`` answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def onboard(base: str) -> dict[str, Any]:
    """Complete every onboarding step; return the tokens of the new user."""
    client_id = f"{base}/"
    user = {
        "client_id": client_id,
        "name": "Demo",
        "username": "demo",
        "password": "demo-demo-demo",
        "language": "en",
    }
    code = request(f"{base}/api/onboarding/users", user)["auth_code"]
    grant = {"grant_type": "authorization_code", "code": code, "client_id": client_id}
    tokens: dict[str, Any] = request(f"{base}/auth/token", grant, form=True)
    access = tokens["access_token"]
    request(f"{base}/api/onboarding/core_config", {}, access)
    request(f"{base}/api/onboarding/analytics", {}, access)
    finish = {"client_id": client_id, "redirect_uri": f"{base}/?auth_callback=1"}
    request(f"{base}/api/onboarding/integration", finish, access)
    return tokens


def play_story(base: str, token: str) -> None:
    """Move the sliders step by step (the history graphs then tell the story)."""
    for pause, entity, value in STORY:
        time.sleep(pause)
        body = {"entity_id": entity, "value": value}
        request(f"{base}/api/services/input_number/set_value", body, token)
        print(f"set {entity} = {value}", flush=True)
    time.sleep(SETTLE_S)


@contextlib.contextmanager
def running_demo(config: Path, http_port: int, ocpp_port: int) -> Iterator[str]:
    """Home Assistant and the simulated charger, stopped (SIGTERM) on exit."""
    python = sys.executable
    hass = Path(python).with_name("hass")
    log = (config.parent / "console.log").open("w")
    procs = [
        subprocess.Popen(
            [str(hass), "-c", str(config), "--skip-pip"], stdout=log, stderr=log, cwd=ROOT
        ),
        subprocess.Popen(
            [python, "-m", "tools.demo_charger", "--url", f"ws://127.0.0.1:{ocpp_port}"],
            cwd=ROOT,
        ),
    ]
    try:
        base = f"http://127.0.0.1:{http_port}"
        wait_http(f"{base}/manifest.json")
        yield base
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


async def capture(chromium: str, base: str, tokens: dict[str, Any], path: str) -> bytes:
    """Open ``base + path`` logged in and return a PNG of the window."""
    port = free_port()
    profile = tempfile.mkdtemp(prefix="demo-chromium-")
    browser = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--remote-debugging-port={port}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/json/version", timeout=30)
        pages = request(f"http://127.0.0.1:{port}/json")
        target = next(p for p in pages if p.get("type") == "page")
        async with connect(target["webSocketDebuggerUrl"], max_size=None) as cdp:
            ids = iter(range(1, 1_000_000))

            async def send(method: str, **params: Any) -> dict[str, Any]:
                call_id = next(ids)
                await cdp.send(json.dumps({"id": call_id, "method": method, "params": params}))
                while True:
                    message = json.loads(await cdp.recv())
                    if message.get("id") == call_id:
                        return dict(message.get("result", {}))

            stored = {
                **tokens,
                "hassUrl": base,
                "clientId": f"{base}/",
                "expires": int(time.time() * 1000) + int(tokens["expires_in"]) * 1000,
            }
            await send(
                "Emulation.setDeviceMetricsOverride",
                width=WIDTH,
                height=HEIGHT,
                deviceScaleFactor=1,
                mobile=False,
            )
            await send("Page.navigate", url=f"{base}/manifest.json")
            await asyncio.sleep(1)
            script = f"localStorage.setItem('hassTokens', {json.dumps(json.dumps(stored))})"
            await send("Runtime.evaluate", expression=script)
            await send("Page.navigate", url=f"{base}{path}")
            await asyncio.sleep(15)  # frontend bundle, websocket, history, gauge animations
            shot = await send("Page.captureScreenshot", format="png")
            return base64.b64decode(shot["data"])
    finally:
        browser.terminate()
        browser.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


def shrink(png: bytes) -> bytes:
    """Quantise to 256 colours when the PNG is over the size budget."""
    if len(png) <= MAX_BYTES:
        return png
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tools.screenshot_demo", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "demo-dashboard.png")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--no-story", action="store_true", help="photograph right away")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="demo-shot-") as tmp:
        config = Path(tmp) / "config"
        http_port, ocpp_port = free_port(), free_port()
        prepare(config, http_port=http_port, ocpp_port=ocpp_port)
        with running_demo(config, http_port, ocpp_port) as base:
            tokens = onboard(base)
            print(f"Home Assistant up at {base}, onboarded", flush=True)
            if not args.no_story:
                play_story(base, tokens["access_token"])
            png = shrink(asyncio.run(capture(args.chromium, base, tokens, "/lovelace/site")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(png)
    print(f"wrote {args.out} ({len(png) // 1000} KB)")
    if len(png) > MAX_BYTES:
        sys.exit(f"{args.out} is larger than {MAX_BYTES} bytes")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
