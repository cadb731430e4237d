"""Simplified Chinese for intake (issue 22): pasted chat messages (``dutyboard ingest
--text``; the paste box in the dashboard)."""

MESSAGES: dict[str, str] = {
    "read FILE as a pasted chat message (WeChat, WhatsApp): one record, or a numbered list of many; '-' reads standard input (may be given more than once)": (
        "把 FILE 当作粘贴来的聊天消息（微信、WhatsApp）读入：一条记录，或带编号的多条（接龙）；'-' 读标准输入（可多次给出）"
    ),
    "paste the message, then press Ctrl-D on a line of its own": "请粘贴消息，然后在单独一行按 Ctrl-D",
    "standard input": "标准输入",
    "--text -: standard input can be read only once": "--text -：标准输入只能读一次",
    "give a FILE to import, or --text FILE (- for standard input)": "请给出要导入的 FILE，或 --text FILE（- 表示标准输入）",
    # The paste box (widgets/paste/box.py, widgets/common/table_panel.py), as its strings
    # read when this catalogue was written.
    "Paste": "粘贴",
    "Read": "读取",
    "line": "行",
    "paste one message (a 接龙 list or one record) · ctrl+s read it · esc cancel · nothing is saved before you confirm each record": (
        "粘贴一条消息（接龙列表或单条记录）· ctrl+s 读取 · esc 取消 · 每条记录经您确认后才保存"
    ),
    "Paste a message first": "请先粘贴一条消息",
    "No record found in the pasted text": "粘贴的文字中没有找到记录",
    "Pasted record {n} of {total} (line {line})": "粘贴的第 {n} 条，共 {total} 条（第 {line} 行）",
    "ctrl+s save · esc skip this record": "ctrl+s 保存 · esc 跳过这条",
    "⚠ settle the marked fields": "⚠ 请确定标出的字段",
    "unclear: “{text}” {reason}; settle it": "不明确：“{text}” {reason}；请确定",
    "not found: {fields}": "未找到：{fields}",
    "{n} could not be read": "{n} 条无法读取",
    "pasted record {n} saved": "粘贴的第 {n} 条已保存",
    "Pasted: {saved} saved, {skipped} skipped": "粘贴：已保存 {saved} 条，跳过 {skipped} 条",
    "Discard what you pasted?": "放弃已粘贴的内容？",
    "no item or quantity in it: not read as a record": "其中没有物资或数量：未作为记录读入",
}
