"""The four distribution modes on the issue's reference example (20 A free)."""

import pytest

from custom_components.dynamic_ocpp_evse.engine import allocate


def _site(distribution: str) -> dict:
    return {
        "site": {
            "voltage": 230,
            "main_breaker_a": 25,
            "grid_current_a": {"A": 5.0, "B": 5.0, "C": 5.0},
            "distribution": distribution,
        },
        "loads": [
            {"id": "c1", "min_a": 6, "max_a": 16},
            {"id": "c2", "min_a": 6, "max_a": 16},
        ],
    }


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [("shared", (10, 10)), ("priority", (14, 6)), ("optimized", (16, 0)), ("strict", (16, 0))],
)
def test_reference_split(distribution: str, expected: tuple[float, float]) -> None:
    result = allocate(_site(distribution))["loads"]
    assert (result["c1"]["current_a"], result["c2"]["current_a"]) == expected
