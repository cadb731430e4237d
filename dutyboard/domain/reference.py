"""Reference tables: ISO 3166 countries (codes + English/Chinese names), ISO 4217 currencies.

Every ISO 3166-1 country is read by its names from ``pycountry`` (English, official,
common, alpha-3, and the Chinese of its zh_CN catalogue; see ``values.parse_country``).
The names here are the *aliases*: informal or older names people write (中国大陆, 印尼,
Burma, Ceylon, UK…) for the countries a 2020 relief desk dealt with (suppliers, offices,
students abroad) plus the Latin-American ones in the HXL test files. They are looked up
first, so where one differs from pycountry's reading, the alias wins. Any ISO 3166-1
alpha-2 code is recognised without loading pycountry.
"""

from __future__ import annotations

import unicodedata

# fmt: off
ISO2_CODES = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
    "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
    "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
    "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
    "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
    "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
    "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
    "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
    "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
    "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
    "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
))
# fmt: on

# code, alpha-3, English names, Chinese names
# fmt: off
_COUNTRIES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("CN", "CHN", ("China", "People's Republic of China", "PRC", "Mainland China"),
     ("中国", "中华人民共和国", "中國", "中国大陆")),
    ("HK", "HKG", ("Hong Kong", "Hong Kong SAR"), ("香港", "中国香港")),
    ("MO", "MAC", ("Macau", "Macao"), ("澳门", "中国澳门")),
    ("TW", "TWN", ("Taiwan",), ("台湾", "中国台湾")),
    ("LK", "LKA", ("Sri Lanka", "Ceylon"), ("斯里兰卡",)),
    ("PK", "PAK", ("Pakistan",), ("巴基斯坦",)),
    ("BT", "BTN", ("Bhutan",), ("不丹",)),
    ("IN", "IND", ("India",), ("印度",)),
    ("NP", "NPL", ("Nepal",), ("尼泊尔",)),
    ("BD", "BGD", ("Bangladesh",), ("孟加拉国", "孟加拉")),
    ("MV", "MDV", ("Maldives",), ("马尔代夫",)),
    ("AF", "AFG", ("Afghanistan",), ("阿富汗",)),
    ("JP", "JPN", ("Japan",), ("日本",)),
    ("KR", "KOR", ("South Korea", "Korea", "Republic of Korea", "Korea, Republic of"),
     ("韩国", "南韩", "大韩民国")),
    ("KP", "PRK", ("North Korea", "DPRK"), ("朝鲜",)),
    ("MN", "MNG", ("Mongolia",), ("蒙古", "蒙古国")),
    ("KZ", "KAZ", ("Kazakhstan",), ("哈萨克斯坦",)),
    ("VN", "VNM", ("Vietnam", "Viet Nam"), ("越南",)),
    ("TH", "THA", ("Thailand",), ("泰国",)),
    ("MY", "MYS", ("Malaysia",), ("马来西亚",)),
    ("SG", "SGP", ("Singapore",), ("新加坡",)),
    ("ID", "IDN", ("Indonesia",), ("印度尼西亚", "印尼")),
    ("PH", "PHL", ("Philippines", "The Philippines"), ("菲律宾",)),
    ("MM", "MMR", ("Myanmar", "Burma"), ("缅甸",)),
    ("KH", "KHM", ("Cambodia",), ("柬埔寨",)),
    ("LA", "LAO", ("Laos", "Lao PDR"), ("老挝",)),
    ("US", "USA", ("United States", "United States of America", "U.S.A.", "U.S.", "America"),
     ("美国", "美利坚合众国")),
    ("CA", "CAN", ("Canada",), ("加拿大",)),
    ("MX", "MEX", ("Mexico",), ("墨西哥",)),
    ("BR", "BRA", ("Brazil", "Brasil"), ("巴西",)),
    ("CO", "COL", ("Colombia",), ("哥伦比亚",)),
    ("AR", "ARG", ("Argentina",), ("阿根廷",)),
    ("CL", "CHL", ("Chile",), ("智利",)),
    ("PE", "PER", ("Peru", "Perú"), ("秘鲁",)),
    ("VE", "VEN", ("Venezuela",), ("委内瑞拉",)),
    ("EC", "ECU", ("Ecuador",), ("厄瓜多尔",)),
    ("PA", "PAN", ("Panama", "Panamá"), ("巴拿马",)),
    ("BO", "BOL", ("Bolivia",), ("玻利维亚",)),
    ("UY", "URY", ("Uruguay",), ("乌拉圭",)),
    ("PY", "PRY", ("Paraguay",), ("巴拉圭",)),
    ("CU", "CUB", ("Cuba",), ("古巴",)),
    ("CR", "CRI", ("Costa Rica",), ("哥斯达黎加",)),
    ("GB", "GBR", ("United Kingdom", "UK", "U.K.", "Great Britain", "Britain", "England",
                   "Scotland", "Wales"), ("英国",)),
    ("IE", "IRL", ("Ireland",), ("爱尔兰",)),
    ("FR", "FRA", ("France",), ("法国",)),
    ("DE", "DEU", ("Germany", "Deutschland"), ("德国",)),
    ("IT", "ITA", ("Italy", "Italia"), ("意大利",)),
    ("ES", "ESP", ("Spain", "España"), ("西班牙",)),
    ("PT", "PRT", ("Portugal",), ("葡萄牙",)),
    ("PL", "POL", ("Poland", "Polska"), ("波兰",)),
    ("CZ", "CZE", ("Czech Republic", "Czechia"), ("捷克", "捷克共和国")),
    ("SK", "SVK", ("Slovakia",), ("斯洛伐克",)),
    ("HU", "HUN", ("Hungary",), ("匈牙利",)),
    ("AT", "AUT", ("Austria",), ("奥地利",)),
    ("FI", "FIN", ("Finland",), ("芬兰",)),
    ("SE", "SWE", ("Sweden",), ("瑞典",)),
    ("NO", "NOR", ("Norway",), ("挪威",)),
    ("DK", "DNK", ("Denmark",), ("丹麦",)),
    ("NL", "NLD", ("Netherlands", "The Netherlands", "Holland"), ("荷兰",)),
    ("BE", "BEL", ("Belgium",), ("比利时",)),
    ("CH", "CHE", ("Switzerland",), ("瑞士",)),
    ("GR", "GRC", ("Greece",), ("希腊",)),
    ("RO", "ROU", ("Romania",), ("罗马尼亚",)),
    ("UA", "UKR", ("Ukraine",), ("乌克兰",)),
    ("TR", "TUR", ("Turkey", "Türkiye", "Turkiye"), ("土耳其",)),
    ("IL", "ISR", ("Israel",), ("以色列",)),
    ("AE", "ARE", ("United Arab Emirates", "UAE", "U.A.E.", "Emirates"),
     ("阿联酋", "阿拉伯联合酋长国")),
    ("SA", "SAU", ("Saudi Arabia", "KSA"), ("沙特阿拉伯", "沙特")),
    ("QA", "QAT", ("Qatar",), ("卡塔尔",)),
    ("IR", "IRN", ("Iran",), ("伊朗",)),
    ("IQ", "IRQ", ("Iraq",), ("伊拉克",)),
    ("EG", "EGY", ("Egypt",), ("埃及",)),
    ("MA", "MAR", ("Morocco",), ("摩洛哥",)),
    ("ZA", "ZAF", ("South Africa",), ("南非",)),
    ("NG", "NGA", ("Nigeria",), ("尼日利亚",)),
    ("KE", "KEN", ("Kenya",), ("肯尼亚",)),
    ("ET", "ETH", ("Ethiopia",), ("埃塞俄比亚",)),
    ("AU", "AUS", ("Australia",), ("澳大利亚", "澳洲")),
    ("NZ", "NZL", ("New Zealand",), ("新西兰",)),
    ("RU", "RUS", ("Russia", "Russian Federation"), ("俄罗斯", "俄罗斯联邦")),
    # Informal names pycountry's do not cover (the plain "Congo" is ambiguous, below).
    ("CD", "COD", ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa"),
     ("刚果（金）", "民主刚果")),
    ("CG", "COG", ("Republic of the Congo", "Congo-Brazzaville"), ("刚果（布）",)),
    ("CI", "CIV", ("Ivory Coast",), ("象牙海岸",)),
    ("VA", "VAT", ("Vatican", "Vatican City", "Holy See"), ("梵蒂冈", "教廷")),
    ("PS", "PSE", ("Palestine",), ("巴勒斯坦",)),
    ("MK", "MKD", ("Macedonia", "North Macedonia"), ("马其顿", "北马其顿")),
    ("SZ", "SWZ", ("Swaziland", "Eswatini"), ("斯威士兰", "埃斯瓦蒂尼")),
)
# fmt: on


def name_key(text: str) -> str:
    """Accent-, case-, space- and punctuation-insensitive key: 'Panamá' → 'panama'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())


COUNTRY_BY_NAME: dict[str, str] = {}
for _code, _alpha3, _english, _chinese in _COUNTRIES:
    COUNTRY_BY_NAME[_alpha3.lower()] = _code
    for _name in (*_english, *_chinese):
        COUNTRY_BY_NAME[name_key(_name)] = _code

# Names that stand for more than one country, by ``name_key``: never read as either
# (pycountry calls CG "Congo" and its zh_CN catalogue "刚果", but people write both for
# the Democratic Republic too). parse_country gives None; the importer's warning names
# the candidates.
AMBIGUOUS_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    name_key(_name): _codes
    for _names, _codes in (
        (("Congo", "刚果", "剛果"), ("CG", "CD")),
        (("Virgin Islands", "维尔京群岛"), ("VG", "VI")),
        (("Saint Martin", "St Martin", "St. Martin", "圣马丁"), ("MF", "SX")),
    )
    for _name in _names
}

# fmt: off
CURRENCY_CODES = frozenset((
    "AED", "AFN", "ALL", "AMD", "ARS", "AUD", "BDT", "BGN", "BHD", "BRL", "BTN", "CAD", "CHF",
    "CLP", "CNY", "COP", "CZK", "DKK", "DZD", "EGP", "ETB", "EUR", "GBP", "HKD", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JPY", "KES", "KHR", "KRW", "KWD", "KZT", "LAK", "LKR",
    "MAD", "MMK", "MNT", "MOP", "MVR", "MXN", "MYR", "NGN", "NOK", "NPR", "NZD", "OMR", "PEN",
    "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD",
    "UAH", "USD", "UYU", "VES", "VND", "ZAR",
))
# fmt: on

# Symbols and words people write next to a price. "¥" is read as CNY (the desks are in
# China); "$" as USD. Ambiguous ones (Rs, kr) are deliberately absent.
# fmt: off
CURRENCY_BY_TOKEN: dict[str, str] = {
    "$": "USD", "us$": "USD", "usd$": "USD", "美元": "USD", "美金": "USD", "dollar": "USD",
    "dollars": "USD", "¥": "CNY", "rmb": "CNY", "元": "CNY", "块": "CNY", "人民币": "CNY",
    "人民币元": "CNY", "cny": "CNY", "yuan": "CNY", "€": "EUR", "欧元": "EUR", "euro": "EUR",
    "euros": "EUR", "£": "GBP", "英镑": "GBP", "円": "JPY", "日元": "JPY", "yen": "JPY",
    "hk$": "HKD", "港币": "HKD", "港元": "HKD", "a$": "AUD", "au$": "AUD", "澳元": "AUD",
    "c$": "CAD", "ca$": "CAD", "加元": "CAD", "s$": "SGD", "新加坡元": "SGD", "新币": "SGD",
    "nz$": "NZD", "₹": "INR", "₩": "KRW", "韩元": "KRW", "₽": "RUB", "卢布": "RUB", "₺": "TRY",
    "₫": "VND", "฿": "THB", "泰铢": "THB", "₱": "PHP", "₪": "ILS", "chf": "CHF",
    "瑞士法郎": "CHF", "圆": "CNY",  # 圆: how a cheque writes 元 (壹仟圆整)
}
# fmt: on
