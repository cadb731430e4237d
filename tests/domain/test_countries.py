"""Countries by any ISO name, in English and Chinese (issue 22, pycountry).

Every ISO 3166-1 country reads by its English name, official name, common name, alpha-2,
alpha-3 and its Chinese name (pycountry's zh_CN catalogue); the app's own alias table
(informal names: 中国大陆, 印尼, Burma…) is read first and wins.
"""

from __future__ import annotations

import gettext
import subprocess
import sys
import time
from pathlib import Path

import pycountry
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dutyboard.domain.reference import (
    AMBIGUOUS_COUNTRY_NAMES,
    COUNTRY_BY_NAME,
    ISO2_CODES,
    name_key,
)
from dutyboard.domain.values import MAX_COUNTRY_CHARS, country_candidates, parse_country

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CATALOGUE = Path(pycountry.LOCALES_DIR) / "zh_CN" / "LC_MESSAGES" / "iso3166-1.mo"


def _chinese() -> gettext.GNUTranslations:
    with CATALOGUE.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def test_the_alpha2_codes_are_isos() -> None:
    assert {c.alpha_2 for c in pycountry.countries} == set(ISO2_CODES)


def test_every_country_reads_by_every_name() -> None:
    chinese = _chinese()
    shared = set(AMBIGUOUS_COUNTRY_NAMES)
    wrong = []
    for country in pycountry.countries:
        names = [country.alpha_2, country.alpha_3, country.alpha_3.lower()]
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                names += [name, chinese.gettext(name), name.upper()]
        for name in names:
            key = name_key(name)
            if key in shared:
                continue
            expected = COUNTRY_BY_NAME.get(key, country.alpha_2)  # the alias wins
            if parse_country(name) != expected:
                wrong.append((country.alpha_2, name, parse_country(name)))
    assert not wrong


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Plurinational State of Bolivia", "BO"),
        ("Bolivia, Plurinational State of", "BO"),
        ("玻利维亚", "BO"),
        ("Dominican Republic", "DO"),
        ("多米尼加共和国", "DO"),
        ("Iran, Islamic Republic of", "IR"),
        ("伊朗", "IR"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("科特迪瓦", "CI"),
        ("刚果民主共和国", "CD"),
        ("Congo, The Democratic Republic of the", "CD"),
        ("Åland Islands", "AX"),
        ("aland islands", "AX"),
        ("大不列颠及北爱尔兰联合王国", "GB"),
        ("Lao People's Democratic Republic", "LA"),
        ("老挝", "LA"),
        ("Eswatini", "SZ"),
        ("SWZ", "SZ"),
        ("ＡＵＴ", "AT"),
        ("Ⅰndia", "IN"),  # a compatibility form (Roman numeral Ⅰ) is its letter, as ＡＵＴ
        ("  sri lanka. ", "LK"),
        # the alias table: informal names pycountry does not have
        ("中国大陆", "CN"),
        ("印尼", "ID"),
        ("Burma", "MM"),
        ("Ceylon", "LK"),
        ("Ivory Coast", "CI"),
        ("DR Congo", "CD"),
        ("刚果（金）", "CD"),
        ("刚果（布）", "CG"),
        ("Holy See", "VA"),
        ("Palestine", "PS"),
    ],
)
def test_names_pycountry_and_the_aliases_know(text: str, code: str) -> None:
    assert parse_country(text) == code


def test_a_name_of_two_countries_is_none_and_says_which() -> None:
    for text, codes in [("Congo", ("CG", "CD")), ("刚果", ("CG", "CD"))]:
        assert parse_country(text) is None
        assert country_candidates(text) == codes
    assert parse_country("Virgin Islands") is None
    assert country_candidates("Sri Lanka") == ()


@pytest.mark.parametrize(
    "text",
    [
        "Atlantis",
        "XX",
        "",
        "Аustria",  # a Cyrillic А: a lookalike of another script is no country
        "Ιndia",  # a Greek Ι
        "\x00\x1b[2J",
        "A" * (MAX_COUNTRY_CHARS + 1),
        "Sri Lanka" * 1000,
    ],
)
def test_what_is_no_country(text: str) -> None:
    assert parse_country(text) is None


def test_a_huge_text_is_refused_without_reading_it() -> None:
    text = "斯里兰卡" * 2_000_000
    start = time.perf_counter()
    assert parse_country(text) is None
    assert country_candidates(text) == ()
    assert time.perf_counter() - start < 0.05


@FAST
@given(st.text(max_size=150))
def test_any_text_is_a_code_or_none(text: str) -> None:
    found = parse_country(text)
    assert found is None or found in ISO2_CODES


def test_the_alias_table_and_codes_need_no_pycountry() -> None:
    """pycountry (~60 ms) is loaded for a name the alias table does not know, not for
    the names desks write most, and never by importing the values."""
    code = (
        "import sys\n"
        "from dutyboard.domain.values import parse_country as p\n"
        "assert [p('LK'), p('lka'), p('Sri Lanka'), p('斯里兰卡'), p('中国')] == "
        "['LK', 'LK', 'LK', 'LK', 'CN']\n"
        "print('pycountry' in sys.modules, end=' ')\n"
        "assert p('多米尼加共和国') == 'DO'\n"
        "print('pycountry' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False True"
