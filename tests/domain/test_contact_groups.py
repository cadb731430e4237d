from datetime import UTC, datetime

from dutyboard.domain.contact_groups import ContactProfile, rank_profiles, reach
from dutyboard.domain.reachability import ReachState

# Tuesday 2020-02-04 19:00 UTC.
NOW = datetime(2020, 2, 4, 19, 0, tzinfo=UTC)


def test_profile_key_matches_the_sql_expression_columns() -> None:
    row = {
        "tz": "Asia/Colombo",
        "country": "LK",
        "subdivision": None,
        "work_hours": "",
        "weekend": None,
        "name": "x",
    }
    assert ContactProfile.of(row).key == "Asia/Colombo|LK|||"


def test_own_hours_override_the_country_default() -> None:
    nine = ContactProfile("America/New_York", "US")
    early = ContactProfile("America/New_York", "US", work_hours="06:00-13:00")
    # 14:00 in New York: inside 09-18, outside 06-13.
    assert reach(nine, NOW).state is ReachState.WORKING  # type: ignore[union-attr]
    assert reach(early, NOW).state is ReachState.OFF_HOURS  # type: ignore[union-attr]
    bad = ContactProfile("America/New_York", "US", work_hours="whenever")
    assert reach(bad, NOW).state is ReachState.WORKING  # type: ignore[union-attr]


def test_ranking_puts_reachable_first_and_unknown_zones_last() -> None:
    profiles = [
        ContactProfile("Asia/Colombo", "LK"),
        ContactProfile("Mars/Olympus", None),
        ContactProfile(None, None),
        ContactProfile("America/Los_Angeles", "US"),
        ContactProfile("America/New_York", "US"),
    ]
    ranked = rank_profiles(profiles, NOW)
    # Both US offices are open; New York closes first, so call it first.
    assert ranked[:2] == ["America/New_York|US|||", "America/Los_Angeles|US|||"]
    assert ranked[2] == "Asia/Colombo|LK|||"
    assert set(ranked[3:]) == {"Mars/Olympus||||", "||||"}
