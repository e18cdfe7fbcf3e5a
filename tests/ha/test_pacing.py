"""When both OCPP adapters send a limit, and when they call a charger non-compliant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.dynamic_ocpp_evse.adapters.pacing import ComplianceCount, SendPacer

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_limit_is_renewed_before_its_validity_runs_out_not_resent_before() -> None:
    pacer = SendPacer(validity_s=120, min_send=timedelta(seconds=15))
    assert pacer.due(10.0, at(0))  # nothing sent yet
    pacer.sent(10.0, at(0))
    assert not pacer.due(10.0, at(30))  # unchanged and fresh
    assert pacer.due(10.0, at(48))  # 40 % of 120 s: renew well before it expires


def test_an_equal_floor_needs_no_renewal() -> None:
    pacer = SendPacer(validity_s=120, min_send=timedelta(seconds=15))
    pacer.sent(6.0, at(0))
    assert not pacer.due(6.0, at(100), floor_a=6.0)  # expiring onto 6 A changes nothing
    assert pacer.due(6.0, at(100), floor_a=0.0)


def test_raises_wait_for_the_minimum_interval_decreases_do_not() -> None:
    pacer = SendPacer(validity_s=120, min_send=timedelta(seconds=15))
    pacer.sent(10.0, at(0))
    assert not pacer.due(12.0, at(5))  # a raise 5 s later: next cycle after 15 s
    assert pacer.due(12.0, at(15))
    assert pacer.due(8.0, at(5))  # a decrease goes out at once
    # the same limit bound to a new transaction is a change (after the interval)
    assert not pacer.due(10.0, at(5), same_binding=False)
    assert pacer.due(10.0, at(15), same_binding=False)
    assert not pacer.due(10.0, at(15))


def test_a_forgotten_limit_is_sent_again_at_once() -> None:
    pacer = SendPacer(validity_s=0, min_send=timedelta(seconds=15))
    pacer.sent(10.0, at(0))
    assert not pacer.due(10.0, at(1000))  # no validity: never renewed
    pacer.forget()
    assert pacer.due(10.0, at(1))


def test_non_compliance_needs_cycles_in_a_row_and_ends_with_one_good_reading() -> None:
    count = ComplianceCount(cycles=3)
    count.expect(10.0)
    assert count.judge(False) == (False, None)
    assert count.judge(False) == (False, None)
    assert count.judge(False) == (True, False)  # third in a row: non-compliant, reset
    assert count.judge(False) == (True, None)  # still: another reset is wanted
    assert count.judge(True) == (False, True)  # follows again
    assert not count.non_compliant


def test_a_new_limit_starts_a_new_count_a_refresh_does_not() -> None:
    count = ComplianceCount(cycles=2)
    count.expect(10.0)
    count.judge(False)
    count.expect(10.0)  # refresh of the same value
    assert count.judge(False) == (True, False)
    fresh = ComplianceCount(cycles=2)
    fresh.expect(10.0)
    fresh.judge(False)
    fresh.expect(8.0)  # a new value
    assert fresh.judge(False) == (False, None)
