"""Field checks for the create forms, reusing the ingest layer's value parsers so a
form accepts what a file would ('1,200', '5万', '2020年2月3日 14时', '北京时间')."""

from __future__ import annotations

from collections.abc import Callable

from dutyboard.domain import values


def quantity(text: str) -> float | int:
    number, _unit = values.parse_quantity(text)
    if number < 0:
        raise ValueError("cannot be negative")
    return number


def price(text: str) -> float | int:
    return values.parse_price(text)


def priority(text: str) -> str:
    return values.parse_priority(text)


def country(text: str) -> str:
    code = values.parse_country(text)
    if code is None:
        raise ValueError("is not a country I know; use a 2-letter code such as LK")
    return code


def zone(text: str) -> str:
    name, _warning = values.parse_tz(text)
    return name


def work_hours(text: str) -> str:
    return values.parse_work_hours(text)


def when(desk_zone: str) -> Callable[[str], str]:
    """A date/time typed in the officer's own zone → UTC ISO."""

    def check(text: str) -> str:
        return values.parse_datetime(text, desk_zone)

    return check
