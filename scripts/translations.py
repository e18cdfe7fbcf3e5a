"""Write translations/en.json from strings.json, with ``[%key:...%]`` references resolved.

Home Assistant resolves these references only when it builds its own (core)
integrations; a custom integration's translation files are served as they are.
So ``strings.json`` keeps the references (a reconfigure step says "the same text
as the user step", and hassfest checks that the target exists), and the files
Home Assistant reads carry the resolved texts. ``translations/de.json`` is kept
by hand without references. Run after editing strings.json:

    .venv/bin/python scripts/translations.py          # rewrite en.json
    .venv/bin/python scripts/translations.py --check  # exit 1 when en.json is stale
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[1] / "custom_components" / "dynamic_ocpp_evse"
REFERENCE = re.compile(r"\[%key:component::dynamic_ocpp_evse::([a-z0-9_:-]+)%\]")


def resolve(tree: Any, root: dict[str, Any]) -> Any:
    """``tree`` with every reference to this integration's own texts replaced by the text."""
    if isinstance(tree, dict):
        return {key: resolve(value, root) for key, value in tree.items()}
    if not isinstance(tree, str):
        return tree

    def lookup(match: re.Match[str]) -> str:
        node: Any = root
        for part in match.group(1).split("::"):
            node = node[part]
        return str(resolve(node, root))

    return REFERENCE.sub(lookup, tree)


def english() -> str:
    """The text en.json must have."""
    strings = json.loads((PACKAGE / "strings.json").read_text(encoding="utf-8"))
    return json.dumps(resolve(strings, strings), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    target = PACKAGE / "translations" / "en.json"
    text = english()
    if "--check" in sys.argv:
        if target.read_text(encoding="utf-8") != text:
            print("translations/en.json is not strings.json resolved; run scripts/translations.py")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
