"""The arrivals state machine, overdue, reminders and origin clocks (DST included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutyboard.domain.arrivals import (
    ArrivalState,
    arrival_targets,
    check_arrival_transition,
    done_state,
    guess_zone,
    holdups,
    is_overdue,
    normalise_flight,
    origin_time,
    reminder_due,
    state_after_eta_change,
)
from dutyboard.domain.status import IllegalTransition

T = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)


def test_received_is_for_shipments_and_met_for_travellers() -> None:
    assert done_state("shipment") is ArrivalState.RECEIVED
    assert done_state("traveller") is ArrivalState.MET
    assert arrival_targets("shipment", "landed") == [ArrivalState.RECEIVED]
    assert arrival_targets("traveller", "landed") == [ArrivalState.MET]
    assert "met" not in arrival_targets("shipment", "expected")
    assert "received" not in arrival_targets("traveller", "delayed")
    with pytest.raises(
        IllegalTransition, match="a traveller that is landed cannot become received"
    ):
        check_arrival_transition("traveller", "landed", "received")


@pytest.mark.parametrize("final", ["received", "met", "cancelled"])
def test_final_states_go_nowhere(final: str) -> None:
    kind = "traveller" if final == "met" else "shipment"
    assert arrival_targets(kind, final) == []
    with pytest.raises(IllegalTransition, match="final state"):
        check_arrival_transition(kind, final, "expected")


def test_legal_moves_and_bad_names() -> None:
    assert check_arrival_transition("shipment", "expected", "delayed") is ArrivalState.DELAYED
    assert check_arrival_transition("shipment", "delayed", "delayed") is ArrivalState.DELAYED
    assert check_arrival_transition("shipment", "delayed", "expected") is ArrivalState.EXPECTED
    assert check_arrival_transition("shipment", "expected", "received") is ArrivalState.RECEIVED
    with pytest.raises(IllegalTransition, match="cannot become delayed"):
        check_arrival_transition("shipment", "landed", "delayed")
    with pytest.raises(IllegalTransition, match="unknown arrival state 'flying'"):
        check_arrival_transition("shipment", "expected", "flying")
    with pytest.raises(IllegalTransition, match="unknown arrival kind"):
        arrival_targets("parcel", "expected")


def test_a_later_eta_delays_only_what_is_in_transit() -> None:
    later, earlier = T + timedelta(hours=2), T - timedelta(hours=1)
    assert state_after_eta_change("expected", T, later) is ArrivalState.DELAYED
    assert state_after_eta_change("delayed", T, later) is ArrivalState.DELAYED
    assert state_after_eta_change("expected", T, earlier) is ArrivalState.EXPECTED
    assert state_after_eta_change("landed", T, later) is ArrivalState.LANDED
    assert state_after_eta_change("met", T, later) is ArrivalState.MET


def test_overdue_is_past_eta_and_not_landed() -> None:
    assert not is_overdue("expected", T, T)  # at the ETA itself: not yet late
    assert is_overdue("expected", T, T + timedelta(seconds=1))
    assert is_overdue("delayed", T, T + timedelta(hours=5))
    assert not is_overdue("landed", T, T + timedelta(hours=5))
    assert not is_overdue("cancelled", T, T + timedelta(hours=5))
    assert not is_overdue("expected", T, T + timedelta(minutes=10), grace=timedelta(minutes=15))


def test_reminder_is_due_once_before_the_eta() -> None:
    before = timedelta(minutes=60)
    assert not reminder_due("expected", T, None, T - timedelta(minutes=61), before)
    assert reminder_due("expected", T, None, T - timedelta(minutes=60), before)
    assert reminder_due("delayed", T, None, T + timedelta(hours=1), before)  # late: still
    assert not reminder_due("expected", T, T - timedelta(minutes=50), T, before)  # fired
    assert not reminder_due("landed", T, None, T, before)


def test_holdups_in_words() -> None:
    assert holdups("pending", "pending") == ["permit pending", "customs pending"]
    assert holdups("granted", "cleared") == []
    assert holdups(None, "pending") == ["customs pending"]


def test_origin_clock_across_the_us_dst_change() -> None:
    # 2020-03-08: New York springs forward at 02:00 EST → 03:00 EDT (07:00 UTC).
    assert origin_time(datetime(2020, 3, 8, 6, 30, tzinfo=UTC), "America/New_York") == (
        "Sun 01:30 EST"
    )
    assert origin_time(datetime(2020, 3, 8, 7, 30, tzinfo=UTC), "America/New_York") == (
        "Sun 03:30 EDT"
    )
    # Europe changes three weeks later: the gap between the two clocks moves by an hour.
    assert origin_time(datetime(2020, 3, 28, 12, 0, tzinfo=UTC), "Europe/Paris") == "Sat 13:00 CET"
    assert origin_time(datetime(2020, 3, 29, 12, 0, tzinfo=UTC), "Europe/Paris") == (
        "Sun 14:00 CEST"
    )


def test_origin_clock_with_numeric_zones_and_unknowns() -> None:
    assert origin_time(T, "Asia/Colombo") == "Wed 00:30 UTC+5:30"
    assert origin_time(T, "America/Sao_Paulo") == "Tue 16:00 UTC-3"
    assert origin_time(T, None) == ""
    assert origin_time(T, "Mars/Base") == ""


def test_origin_zone_from_country_and_city() -> None:
    assert guess_zone("FR", "Paris") == "Europe/Paris"
    assert guess_zone("GB", None) == "Europe/London"  # one zone: no city needed
    assert guess_zone("US", "New York") == "America/New_York"
    assert guess_zone("US", "Seattle") == "America/Los_Angeles"
    assert guess_zone("BR", "São Paulo") == "America/Sao_Paulo"
    assert guess_zone("DE", "Frankfurt") == "Europe/Berlin"  # principal zone of the country
    assert guess_zone("US", None) is None  # several zones: better none than a wrong one
    assert guess_zone("AU", "Springfield") is None
    assert guess_zone(None, "Tokyo") == "Asia/Tokyo"


def test_flight_numbers_are_normalised() -> None:
    assert normalise_flight("ca 934") == "CA934"
    assert normalise_flight("CZ-8421") == "CZ8421"
    assert normalise_flight("131-4420 7785") == "131-4420 7785"
