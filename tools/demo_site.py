"""Prepare the live demo's Home Assistant config directory from the ``demo/`` template.

``python -m tools.demo_site DIR [--http-port 8123] [--ocpp-port 9016] [--reset]`` makes
DIR a ready-to-start Home Assistant configuration:

* the YAML files of ``demo/`` (site sliders, simulated grid meter, logger, ...),
* ``http.yaml`` with the listen address and port,
* ``.storage/core.config_entries``: the hub from ``demo/entries.yaml`` with the built-in
  OCPP server on the given port and one charger subentry per connector, stored in the
  format Home Assistant 2025.4 reads (storage version 1.5, subentries as a list),
* ``.storage/lovelace``: ``demo/dashboard.yaml`` as the default dashboard,
* ``custom_components/dynamic_ocpp_evse``: a symlink to the checkout's integration.

Onboarding and users are *not* created: the person trying the demo does that in the
browser. An existing DIR made from the same template is kept (so the onboarding done
there survives a restart); a changed template or ``--reset`` starts it afresh.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "demo"
INTEGRATION = ROOT / "custom_components" / "dynamic_ocpp_evse"
DOMAIN = "dynamic_ocpp_evse"
STAMP = ".demo-template"
# homeassistant/config_entries.py (2025.4): STORAGE_VERSION 1, STORAGE_VERSION_MINOR 5
CONFIG_ENTRIES_VERSION = (1, 5)
LOVELACE_VERSION = (1, 1)  # homeassistant/components/lovelace/dashboard.py
YAML_FILES = ("configuration.yaml", "templates.yaml")


def template_digest(http_host: str, http_port: int, ocpp_host: str, ocpp_port: int) -> str:
    """A fingerprint of the template, this module and the options (decides reuse)."""
    digest = hashlib.sha256(f"{http_host}:{http_port}/{ocpp_host}:{ocpp_port}".encode())
    for path in sorted(TEMPLATE.glob("*")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _store(key: str, version: tuple[int, int], data: dict[str, Any]) -> dict[str, Any]:
    return {"version": version[0], "minor_version": version[1], "key": key, "data": data}


def config_entries(ocpp_host: str, ocpp_port: int, now: datetime) -> dict[str, Any]:
    """The ``core.config_entries`` store: the demo hub and its charger subentries."""
    spec = yaml.safe_load((TEMPLATE / "entries.yaml").read_text())
    hub = spec["hub"]
    data = dict(hub["data"], ocpp_server_host=ocpp_host, ocpp_server_port=ocpp_port)
    subentries = [
        {
            "data": sub["data"],
            "subentry_id": uuid.uuid4().hex,
            "subentry_type": sub["subentry_type"],
            "title": sub["title"],
            "unique_id": sub.get("unique_id"),
        }
        for sub in spec["subentries"]
    ]
    entry = {
        "created_at": now.isoformat(),
        "data": data,
        "discovery_keys": {},
        "disabled_by": None,
        "domain": DOMAIN,
        "entry_id": uuid.uuid4().hex,
        "minor_version": 1,
        "modified_at": now.isoformat(),
        "options": {},
        "pref_disable_new_entities": False,
        "pref_disable_polling": False,
        "source": "user",
        "subentries": subentries,
        "title": hub["title"],
        "unique_id": None,
        "version": 1,
    }
    # Home Assistant's backup integration creates this entry on the first start through a
    # "system" flow, and HA 2025.4 then leaves a stale "New devices discovered"
    # notification behind. Stored up front, the flow just aborts: no false notification.
    backup = dict(
        entry,
        data={},
        domain="backup",
        entry_id=uuid.uuid4().hex,
        source="system",
        subentries=[],
        title="Backup",
    )
    return _store("core.config_entries", CONFIG_ENTRIES_VERSION, {"entries": [entry, backup]})


def dashboard() -> dict[str, Any]:
    """The ``lovelace`` store: the default dashboard from ``demo/dashboard.yaml``."""
    config = yaml.safe_load((TEMPLATE / "dashboard.yaml").read_text())
    return _store("lovelace", LOVELACE_VERSION, {"config": config})


def prepare(
    target: Path,
    *,
    http_host: str = "127.0.0.1",
    http_port: int = 8123,
    ocpp_host: str = "127.0.0.1",
    ocpp_port: int = 9016,
    reset: bool = False,
) -> bool:
    """Make ``target`` a demo config dir; return True if it was (re)created."""
    stamp = target / STAMP
    digest = template_digest(http_host, http_port, ocpp_host, ocpp_port)
    if not reset and stamp.is_file() and stamp.read_text().strip() == digest:
        return False
    if target.exists():
        shutil.rmtree(target)
    storage = target / ".storage"
    storage.mkdir(parents=True)
    for name in YAML_FILES:
        shutil.copyfile(TEMPLATE / name, target / name)
    http = {"server_host": http_host, "server_port": http_port}
    (target / "http.yaml").write_text(yaml.safe_dump(http, sort_keys=False))
    now = datetime.now(UTC)
    stores = {
        "core.config_entries": config_entries(ocpp_host, ocpp_port, now),
        "lovelace": dashboard(),
    }
    for key, content in stores.items():
        (storage / key).write_text(json.dumps(content, indent=2))
    (target / "custom_components").mkdir()
    (target / "custom_components" / DOMAIN).symlink_to(INTEGRATION, target_is_directory=True)
    stamp.write_text(digest + "\n")
    return True


def main(argv: list[str] | None = None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tools.demo_site", description=__doc__)
    parser.add_argument("target", type=Path, help="config directory to create")
    parser.add_argument("--http-host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8123)
    parser.add_argument("--ocpp-host", default="127.0.0.1")
    parser.add_argument("--ocpp-port", type=int, default=9016)
    parser.add_argument("--reset", action="store_true", help="start afresh (new onboarding)")
    args = parser.parse_args(argv)
    created = prepare(
        args.target,
        http_host=args.http_host,
        http_port=args.http_port,
        ocpp_host=args.ocpp_host,
        ocpp_port=args.ocpp_port,
        reset=args.reset,
    )
    print(f"{'created' if created else 'kept'} {args.target}")


if __name__ == "__main__":
    main()
