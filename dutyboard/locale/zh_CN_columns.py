"""Simplified Chinese for the tables' layout at narrow widths: the header's short words."""

MESSAGES: dict[str, str] = {
    # The header's second line in short words, when the long ones do not fit (80 columns).
    "header, short\x04NEW": "新",
    "header, short\x04URG": "特急",
    "header, short\x04LATE": "逾期",
    "header, short\x04leads": "待回复",
    "header, short\x04failing": "故障",
    "header, short\x04landing": "将到",
    "header, short\x04missing": "未报",
}
