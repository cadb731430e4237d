from itertools import pairwise

import pytest

from dutyboard.domain.status import (
    LEAD_TRANSITIONS,
    REQUEST_TRANSITIONS,
    IllegalTransition,
    LeadStatus,
    RequestStatus,
    check_lead_transition,
    check_request_transition,
)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("new", "acknowledged"),
        ("acknowledged", "in_progress"),
        ("in_progress", "partially_fulfilled"),
        ("partially_fulfilled", "fulfilled"),
        ("in_progress", "fulfilled"),
        ("fulfilled", "closed"),
        ("new", "rejected"),
    ],
)
def test_legal_request_transitions(current: str, target: str) -> None:
    assert check_request_transition(current, target) == RequestStatus(target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("new", "fulfilled"),
        ("closed", "new"),
        ("rejected", "acknowledged"),
        ("fulfilled", "in_progress"),
        ("new", "new"),
    ],
)
def test_illegal_request_transitions_are_refused_with_the_allowed_ones(
    current: str, target: str
) -> None:
    with pytest.raises(IllegalTransition) as info:
        check_request_transition(current, target)
    message = str(info.value)
    assert f"is {current} cannot become {target}" in message
    assert "allowed:" in message


def test_unknown_status_names_the_choices() -> None:
    with pytest.raises(IllegalTransition, match=r"unknown request status 'done'.*fulfilled"):
        check_request_transition("new", "done")


def test_lead_pipeline_forward_and_drop_needs_a_reason() -> None:
    path = ["new", "verifying", "negotiating", "ordered", "in_transit", "customs", "received"]
    for current, target in pairwise(path):
        assert check_lead_transition(current, target) == LeadStatus(target)
    with pytest.raises(IllegalTransition, match="closure reason"):
        check_lead_transition("negotiating", "dropped")
    assert check_lead_transition("negotiating", "dropped", "price") is LeadStatus.DROPPED
    with pytest.raises(IllegalTransition, match="unknown closure reason"):
        check_lead_transition("negotiating", "dropped", "bored")


def test_lead_cannot_skip_back_or_leave_final_states() -> None:
    with pytest.raises(IllegalTransition):
        check_lead_transition("ordered", "negotiating")
    with pytest.raises(IllegalTransition):
        check_lead_transition("received", "dropped", "price")
    with pytest.raises(IllegalTransition):
        check_lead_transition("dropped", "new")


def test_every_status_has_a_transition_entry() -> None:
    assert set(REQUEST_TRANSITIONS) == set(RequestStatus)
    assert set(LEAD_TRANSITIONS) == set(LeadStatus)
