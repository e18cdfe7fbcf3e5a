"""Command line: ``python -m custom_components.dynamic_ocpp_evse.engine SCENARIO.yaml``.

Prints the allocation as JSON; on invalid input prints one line naming the bad
field and exits with code 2.
"""

from __future__ import annotations

import json
import sys

from .allocate import allocate
from .loader import LoadError, load_yaml
from .scenario import ScenarioError

USAGE = "usage: python -m custom_components.dynamic_ocpp_evse.engine SCENARIO.yaml"


def main(argv: list[str]) -> int:
    """Run the CLI; returns the process exit code."""
    if len(argv) != 1 or argv[0] in {"-h", "--help"}:
        print(USAGE, file=sys.stderr)
        return 0 if argv and argv[0] in {"-h", "--help"} else 2
    try:
        data = load_yaml(argv[0])
        result = allocate(data)
    except (LoadError, ScenarioError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
