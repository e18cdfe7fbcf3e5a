"""Run a benchmark file as a one-test pytest session under a real Home Assistant.

The latency benchmarks need pytest-homeassistant-custom-component's ``hass``
fixture; this starts pytest on the benchmark file itself with that plugin, from
the repository root, passing ``--changes N`` on through an environment variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def changes(env: str, default: int) -> int:
    """How many changes to time (``--changes N`` on the command line, via ``env``)."""
    return int(os.environ.get(env, str(default)))


def run_as_pytest(file: str, env: str) -> None:
    """Run ``file`` under pytest with the Home Assistant plugin, then exit."""
    if "--changes" in sys.argv:
        os.environ[env] = sys.argv[sys.argv.index("--changes") + 1]
    os.chdir(ROOT)
    sys.exit(
        pytest.main(
            [
                file,
                "-q",
                "-s",
                "-p",
                "pytest_homeassistant_custom_component",
                "-o",
                "addopts=-p no:cacheprovider",
                "--rootdir",
                str(ROOT),
            ]
        )
    )
