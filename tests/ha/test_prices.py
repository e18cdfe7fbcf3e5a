"""Price shapes users have, from recorded sample data written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custom_components.dynamic_ocpp_evse.prices import from_attributes, from_response

DAY = datetime(2026, 12, 4, tzinfo=UTC)


def _iso(hours: float) -> str:
    return (DAY + timedelta(hours=hours)).isoformat()


def _s(hours: float) -> float:
    return (DAY + timedelta(hours=hours)).timestamp()


def test_nord_pool_custom_integration_attributes() -> None:
    attributes = {
        "unit": "kWh",
        "raw_today": [
            {"start": DAY + timedelta(hours=h), "end": DAY + timedelta(hours=h + 1), "value": v}
            for h, v in ((0, 0.12), (1, 0.10))
        ],
        "raw_tomorrow": [{"start": _iso(24), "end": _iso(25), "value": 0.31}],
        "tomorrow_valid": True,
    }
    assert from_attributes(attributes) == [
        (_s(0), _s(1), 0.12),
        (_s(1), _s(2), 0.10),
        (_s(24), _s(25), 0.31),
    ]


def test_entsoe_custom_integration_attributes_without_ends() -> None:
    attributes = {
        "prices_today": [
            {"time": _iso(0), "price": 0.20},
            {"time": _iso(0.25), "price": 0.18},
            {"time": _iso(0.5), "price": "0.15"},
        ],
        "prices_tomorrow": [],
    }
    assert from_attributes(attributes) == [
        (_s(0), _s(0.25), 0.20),
        (_s(0.25), _s(0.5), 0.18),
        (_s(0.5), _s(0.75), 0.15),  # the last lasts as long as the one before
    ]


def test_octopus_energy_rates_event_attributes() -> None:
    attributes = {
        "rates": [
            {"start": _iso(0), "end": _iso(0.5), "value_inc_vat": 0.075, "is_capped": False},
            {"start": _iso(0.5), "end": _iso(1), "value_inc_vat": 0.3151, "is_capped": False},
        ]
    }
    assert from_attributes(attributes) == [(_s(0), _s(0.5), 0.075), (_s(0.5), _s(1), 0.3151)]


def test_core_tibber_get_prices_response() -> None:
    response = {
        "prices": {
            "Home": [
                {"start_time": _iso(0), "price": 0.4696},
                {"start_time": _iso(1), "price": 0.4219},
            ]
        }
    }
    assert from_response(response) == [(_s(0), _s(1), 0.4696), (_s(1), _s(2), 0.4219)]


def test_core_nord_pool_response_is_per_mwh() -> None:
    response = {
        "SE3": [
            {"start": _iso(0), "end": _iso(0.25), "price": 85.04},
            {"start": _iso(0.25), "end": _iso(0.5), "price": 79.2},
        ]
    }
    got = from_response(response)
    assert [(a, b) for a, b, _ in got] == [(_s(0), _s(0.25)), (_s(0.25), _s(0.5))]
    assert [p for _, _, p in got] == pytest.approx([0.08504, 0.0792])


@pytest.mark.parametrize(
    "bad",
    [
        {"start": "yesterday", "end": _iso(1), "value": 0.1},
        {"start": _iso(0), "end": _iso(1), "value": "NaN"},
        {"start": _iso(0), "end": _iso(1), "value": 1e308},
        {"start": _iso(0), "end": _iso(1), "value": None},
        {"start": _iso(0), "end": _iso(1), "value": True},
        {"start": _iso(1), "end": _iso(0), "value": 0.1},
        "not a mapping",
    ],
)
def test_garbage_entries_are_left_out_never_raise(bad: object) -> None:
    good = {"start": _iso(5), "end": _iso(6), "value": 0.2}
    assert from_attributes({"raw_today": [bad, good]}) == [(_s(5), _s(6), 0.2)]


@pytest.mark.parametrize(
    "shape", [None, {}, {"raw_today": "x"}, {"rates": 5}, {"prices": {"Home": None}}, [1, 2]]
)
def test_unknown_shapes_give_no_prices(shape: object) -> None:
    assert from_attributes(shape if isinstance(shape, dict) else {}) == []
    assert from_response(shape) == []
