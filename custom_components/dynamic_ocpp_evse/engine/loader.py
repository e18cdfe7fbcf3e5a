"""Read a scenario file (YAML) into a mapping. The engine's only file access."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


class LoadError(ValueError):
    """The file cannot be read or is not a YAML mapping."""


def load_yaml(path: str | Path) -> Mapping[str, Any]:
    """Parse ``path`` as YAML and return its top-level mapping."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise LoadError(f"{path}: cannot read file ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise LoadError(f"{path}: not UTF-8 text (byte {err.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise LoadError(f"{path}: not valid YAML{where}") from None
    except RecursionError:
        raise LoadError(f"{path}: nested too deeply") from None
    if not isinstance(data, Mapping):
        raise LoadError(f"{path}: top level must be a mapping with 'site' and 'loads'")
    return data
