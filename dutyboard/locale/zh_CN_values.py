"""Simplified Chinese for intake (issue 22): Chinese numerals, phone numbers and countries."""

MESSAGES: dict[str, str] = {
    # value parsers (domain/values.py): predicates completing "quantity '十几箱' …", raised
    # in English (ingest stores them in quarantine reasons); shown through _(str(error)).
    "is an estimate (such as 十几, 几千 or 上万), not one number": (
        "是约数（如十几、几千、上万），不是确切的数"
    ),
    # phone numbers (domain/phones.py, Phone.problem): predicates completing
    # "phone '12x' …", stored in English; said in the interface language where shown.
    "is too long for a phone number": "作为电话号码太长",
    "is too short for a phone number": "作为电话号码太短",
    "has a country code I do not know": "的国家代码无法识别",
    "has no country code (+…) and no country to read it in": (
        "没有国家代码（+…），也没有可据以识别的国家"
    ),
    "is not a phone number I can read": "不是可识别的电话号码",
    "has too few or too many digits for its country": "的位数不符合其国家的号码规则",
    "is not a number in use in its country's numbering plan": "不在其国家已分配的号段内",
    "holds more than one phone number": "包含不止一个电话号码",
    "has letters where digits should be": "在应为数字的位置有字母",
    # a stored number in the record's detail (widgets/common/detail.py, phone_text)
    "typed: {typed}": "原样：{typed}",
    "not a number I can read": "无法识别的号码",
}
