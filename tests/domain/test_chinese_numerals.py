"""Chinese numerals wherever a quantity, price or lead time is read (issue 22).

The fast path (digits, "5万", "1,200") reads first and stays as it was; cn2an reads what
it leaves with Chinese numeral characters in it; estimates and ranges (十几, 几千, 上万,
一两千) are refused with a reason, never read as a number.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys

import cn2an
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard.domain.values import (
    MAX_NUMERAL_CHARS,
    parse_lead_time_days,
    parse_price,
    parse_quantity,
    split_price,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两千", (2000, None)),
        ("一万", (10000, None)),
        ("一万二", (12000, None)),  # colloquial: the digit after a place is one place lower
        ("两千三", (2300, None)),
        ("两万五", (25000, None)),
        ("五十万", (500_000, None)),
        ("一千二百", (1200, None)),
        ("三百箱", (300, "箱")),
        ("三百 箱", (300, "箱")),
        ("两千 pcs", (2000, "pcs")),
        ("二十万件", (200_000, "件")),
        ("1万2千", (12000, None)),
        ("1万2", (12000, None)),
        ("3千5", (3500, None)),
        ("5百万", (5_000_000, None)),
        ("1万零500", (10500, None)),
        ("1.5万", (15000, None)),  # the fast path's
        ("一点五万", (15000, None)),
        ("一点五", (1.5, None)),
        ("〇", (0, None)),
        ("零", (0, None)),
        ("十", (10, None)),
        ("两", (2, None)),
        ("两箱", (2, "箱")),
        ("十万零五", (100_005, None)),
        ("一亿两千万", (120_000_000, None)),
        ("壹仟贰佰", (1200, None)),  # financial numerals
        ("壹万贰仟叁佰肆拾伍", (12345, None)),
        ("贰拾万只", (200_000, "只")),
        ("一萬二", (12000, None)),  # traditional forms
        ("兩千", (2000, None)),
        ("廿", (20, None)),
        ("一二〇〇", (1200, None)),  # digit by digit, with a zero
        ("五千克", (5, "千克")),  # 千克 is a unit (kg), not 5,000 克
        ("5千克", (5, "千克")),
        ("约两千", (2000, None)),  # as "约500" is read as 500
        ("两千多", (2000, None)),  # as "500多" is read as 500
        ("１万２千", (12000, None)),  # full-width digits
    ],
)
def test_chinese_quantities(text: str, expected: tuple[object, object]) -> None:
    value = parse_quantity(text)
    assert value == expected
    assert type(value[0]) is type(expected[0])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("十几箱", "is an estimate"),
        ("十几", "is an estimate"),
        ("几千", "is an estimate"),
        ("好几百", "is an estimate"),
        ("上万", "is an estimate"),
        ("成千上万", "is an estimate"),
        ("数百", "is an estimate"),
        ("近万", "is an estimate"),
        ("过万", "is an estimate"),
        ("十来箱", "is an estimate"),
        ("十多箱", "is an estimate"),
        ("一百多万", "is an estimate"),
        ("100多万", "is an estimate"),
        ("百把个", "is an estimate"),
        ("两千上下", "is an estimate"),
        ("若干", "is an estimate"),
        ("一两千", "is a range"),
        ("两三百", "is a range"),
        ("三四万", "is a range"),
        ("十七八", "is a range"),
        ("一百二三十", "is a range"),
        ("三五箱", "is a range"),
        ("两千到三千", "is a range"),
        ("两千至三千", "is a range"),
        ("两千-三千", "is a range"),
        ("2千-3千", "is a range"),
        ("两千或三千", "is a range"),
        ("负两千", "is negative"),
        ("-两千", "is negative"),
        ("负1万", "is negative"),  # cn2an alone would read 10,000
        ("一千万亿", "is too large"),
        # what cn2an reads wrongly, refused instead
        ("5两", "is not a number"),  # cn2an: 52
        ("两两", "is not a number"),  # cn2an: 22
        ("12十", "is not a number"),  # cn2an: 120
        ("2二", "is not a number"),  # cn2an: 22
        ("二五", "is not a number"),  # cn2an: 25
        ("1.5万2千", "is not a number"),
        ("万", "is not a number"),
        ("百", "is not a number"),
        ("万只", "is not a number"),
        ("三百个口罩", "is not a number"),  # as "300个口罩": the item is not a unit
        ("一\x00千", "is not a number"),
        ("十" * 60, "is not a number"),
    ],
)
def test_what_has_no_one_value_is_refused_with_its_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两千元", (2000, "CNY", "")),
        ("¥两千", (2000, "CNY", "")),
        ("两千美元", (2000, "USD", "")),
        ("一万二 USD", (12000, "USD", "")),
        ("USD 一万二", (12000, "USD", "")),
        ("壹仟贰佰元整", (1200, "CNY", "")),
        ("人民币壹万元整", (10000, "CNY", "")),
        ("壹仟圆整", (1000, "CNY", "")),
        ("十五万元", (150_000, "CNY", "")),
        ("1万2千元", (12000, "CNY", "")),
        ("两千元/箱", (2000, "CNY", "/箱")),
        ("两千 USD FOB", (2000, "USD", "FOB")),
        ("三元五角", (3.5, "CNY", "")),
        ("3元5角2分", (3.52, "CNY", "")),
        ("一块五", (1.5, "CNY", "")),
        ("3块5", (3.5, "CNY", "")),
        ("两千", (2000, None, "")),
    ],
)
def test_chinese_prices(text: str, expected: tuple[object, ...]) -> None:
    assert split_price(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("十几元", "is an estimate"),
        ("两千到三千元", "is a range"),
        ("两千元 三千元", "more than one number"),
        ("USD 两千元", "two different currencies"),
        ("两千 XYZ", "not a currency"),
    ],
)
def test_chinese_prices_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        split_price(text)


def test_parse_price_takes_chinese_numerals_and_no_currency() -> None:
    assert parse_price("两千") == 2000
    with pytest.raises(ValueError, match="is not a price"):
        parse_price("两千元")


@pytest.mark.parametrize(
    ("text", "days", "noted"),
    [
        ("七天", 7, False),
        ("十五个工作日", 15, False),
        ("两周", 14, False),
        ("十天内", 10, False),
        ("一点五周", 11, False),
        ("三个月", 90, True),
        ("七到十天", 10, True),  # a range: its upper end, with a note, as "7-10天"
        ("一两周", 14, True),
        ("三五天", 5, True),
    ],
)
def test_chinese_lead_times(text: str, days: int, noted: bool) -> None:
    found, note = parse_lead_time_days(text)
    assert found == days
    assert (note is not None) == noted


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("十几天", "is an estimate"),
        ("几周", "is an estimate"),
        ("十七八天", "is a range"),  # 17 or 18: no plain pair of numbers
        ("两三十天", "is a range"),
        ("半个月", "is not a number of days"),
    ],
)
def test_chinese_lead_times_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_lead_time_days(text)


@FAST
@given(st.integers(min_value=0, max_value=10**12 - 1), st.sampled_from(["low", "up"]))
def test_every_number_cn2an_writes_reads_back(number: int, mode: str) -> None:
    """Round trip: the number written in Chinese (一万零五, or financial 壹万零伍) is read
    as that number."""
    text = cn2an.an2cn(number, mode)
    assert parse_quantity(text) == (number, None)


@FAST
@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=1, max_value=9))
def test_digits_before_wan_and_a_spoken_tail(wan: int, tail: int) -> None:
    """'12万3千' and the spoken '12万3' (the tail is thousands)."""
    assert parse_quantity(f"{wan}万{tail}千") == (wan * 10_000 + tail * 1_000, None)
    assert parse_quantity(f"{wan}万{tail}") == (wan * 10_000 + tail * 1_000, None)


NUMERAL_SOUP = st.lists(
    st.sampled_from(
        list("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩廿几多余来上数点")
        + list("0123456789.-~到至箱个只 pcs元¥$")
        + ["\x00", "\x1b[2J", "\u202e", "\u200b", "\ufeff", "\u3000", "ｌ", "⼀", "若干"]
    ),
    max_size=MAX_NUMERAL_CHARS + 10,
).map("".join)


@FAST
@given(NUMERAL_SOUP)
def test_numeral_soup_never_crashes_and_never_gives_a_negative(text: str) -> None:
    for reader in (parse_quantity, split_price, parse_lead_time_days):
        try:
            result = reader(text)
        except ValueError:
            continue
        number = result[0]
        assert number is None or (0 <= number <= 10**12), (reader, text, result)


@FAST
@given(st.text(max_size=200))
def test_any_text_is_a_value_or_a_value_error(text: str) -> None:
    for reader in (parse_quantity, split_price, parse_lead_time_days):
        with contextlib.suppress(ValueError):
            reader(text)


def test_a_huge_text_is_refused_at_once() -> None:
    with pytest.raises(ValueError):
        parse_quantity("两千" * 500_000)
    with pytest.raises(ValueError):
        split_price("两千" * 500_000)
    with pytest.raises(ValueError):
        parse_lead_time_days("七" * 500_000 + "天")


def _modules_after(code: str) -> set[str]:
    probe = (
        f"import sys\n{code}\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'cn2an', 'proces', 'pycountry', 'phonenumbers'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(filter(None, result.stdout.strip().split(",")))


def test_importing_the_values_loads_no_library_and_the_fast_path_needs_none() -> None:
    """The dashboard's first paint imports values; files of digits never need cn2an."""
    assert _modules_after("import dutyboard.domain.values") == set()
    assert (
        _modules_after(
            "from dutyboard.domain import values as v\n"
            "for t in ('1,200', '5万', '1.5万只', '500 pcs', '约500', '12x', '-5'):\n"
            "    try:\n        v.parse_quantity(t)\n    except ValueError:\n        pass\n"
            "v.split_price('¥1.5万'); v.split_price('$2M'); v.parse_lead_time_days('7-10天')\n"
            "v.parse_country('Sri Lanka'); v.parse_country('斯里兰卡'); v.parse_country('lk')\n"
        )
        == set()
    )
    assert _modules_after("from dutyboard.domain import values as v\nv.parse_quantity('两千')") == {
        "cn2an",
        "proces",
    }
