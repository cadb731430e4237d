"""Simplified Chinese for the handover screen and panel: draft, items, statuses.

Merged into ``zh_CN.MESSAGES``; each key appears in one catalog only (the states, "signed
{time}", "acknowledged {time} by {name}", "unowned", "    next: {step}"… are in
``zh_CN`` and ``zh_CN_night`` already). The words of the desk: 交接 (handover), 签字
(sign off), 接班人员 (the incoming officer), 事项 (items), 草稿 (draft), 补充说明
(amendment).
"""

MESSAGES: dict[str, str] = {
    # the head of the screen
    "Handover #{id} ": "交接 #{id} ",
    "drafted {time}": "{time} 起草",
    "signed {time} by {name}": "{time} 由 {name} 签字",
    "waiting for the incoming officer to acknowledge": "等待接班人员确认",
    "draft: only {name} can edit and sign it": "草稿：只有 {name} 可以编辑和签字",
    # the brief drawn from the record
    "No brief from the record (made before it was kept).": "没有来自记录的摘要（此交接早于摘要功能）。",
    "{start} – {end} · {events} events · open now: {requests} requests, {leads} leads": (
        "{start} – {end} · {events} 条记录 · 当前未办结：需求 {requests} 条，线索 {leads} 条"
    ),
    "Shifts": "班次",
    "New requests, most pressing first": "新需求（最紧急的在前）",
    "Request status changes, latest first": "需求状态变更（最新的在前）",
    "New leads": "新线索",
    "Leads advanced, latest first": "线索推进（最新的在前）",
    "Leads dropped, latest first": "已放弃的线索（最新的在前）",
    "Supplies received and distributed": "物资入库与发放",
    "Overdue now (requests past due, leads past their next action)": (
        "当前逾期（需求已过截止时间，线索已过下一步时间）"
    ),
    "Stale: open, untouched for {hours} h or more": "搁置：未办结且 {hours} 小时以上无变动",
    "Failing sources": "故障数据源",
    "Arriving in the next {hours} hours (and overdue)": "未来 {hours} 小时内到达（含逾期）",
    "Other changes (assignments, notes, links, contacts…)": "其他变更（指派、备注、关联、联系…）",
    "{priority} · {what} · now {status}, {owner}": "{priority} · {what} · 状态：{status}，{owner}",
    "{what} · now {status}": "{what} · 状态：{status}",
    "{what} · {status}, {owner} · {tail}": "{what} · {status}，{owner} · {tail}",
    "next action was due": "已过下一步时间",
    "last change": "最后变动",
    "received: {what}": "入库：{what}",
    "distributed: {what}": "发放：{what}",
    "from {name}": "来自 {name}",
    "to {name}": "发往 {name}",
    "{name} started shift #{id}": "{name} 开始值班（班次 #{id}）",
    "shift #{id} ended": "班次 #{id} 结束",
    "{name} took over (shift #{id} ended)": "{name} 接班（班次 #{id} 结束）",
    "Passed on": "已移交",
    "Amendments": "补充说明",
    # the items
    "Items: {count}, {done} acknowledged": "事项：{count} 项，已确认 {done} 项",
    "listed {requests} of {open_requests} open requests, {leads} of {open_leads} open leads": (
        "列出未办结需求 {open_requests} 条中的 {requests} 条、线索 {open_leads} 条中的 {leads} 条"
    ),
    "request #{id}": "需求 #{id}",
    "lead #{id}": "线索 #{id}",
    "handover item\x04note": "备注",
    "carried over once": "已跨班 1 次",
    "carried over {n} times": "已跨班 {n} 次",
    "passed to {name}": "已移交给 {name}",
    "the unowned pool": "无人负责池",
    "(removed: d restores)": "（已移除：按 d 恢复）",
    # adding, removing, refreshing a draft
    "Add an item to handover #{id}": "向交接 #{id} 添加事项",
    "Add an item to handover #{id}, after {item}": "向交接 #{id} 添加事项，放在 {item} 之后",
    "Request or lead (empty: a free-text item)": "需求或线索（留空：自由填写的事项）",
    "request 12 · lead 5 · r12 · l5": "需求 12 · 线索 5 · r12 · l5",
    "write it as 'request 12' or 'lead 5' (or r12, l5)": (
        "请写成“需求 12”或“线索 5”（或 r12、l5）"
    ),
    "Summary (a free-text item)": "摘要（自由填写的事项）",
    "Next step": "下一步",
    "{item} added": "已添加 {item}",
    "item added": "已添加事项",
    "{item} restored": "已恢复 {item}",
    "{item} removed": "已移除 {item}",
    "draft refreshed: {n} new open items": "草稿已刷新：新增 {n} 项未办结事项",
    "notes saved": "备注已保存",
    "{error}; the notes are not saved, still here as typed": "{error}；备注未保存，已按原样保留",
    "handover #{id} was signed meanwhile: your unsaved notes were not added; "
    "they are on the clipboard": "交接 #{id} 已在别处签字：你未保存的备注没有写入，已复制到剪贴板",
    # signing off
    "Sign handover #{id} ({count} items)? Once signed it is never edited; "
    "later additions are amendments.": (
        "签字确认交接 #{id}（{count} 项）？签字后不能再修改，之后的内容只能作为补充说明。"
    ),
    "Sign off now": "现在签字",
    "Not yet": "暂不",
    "handover #{id} signed": "交接 #{id} 已签字",
    # acknowledging, questions, amendments
    "{item} is already acknowledged": "{item} 已确认",
    "{item} acknowledged": "{item} 已确认",
    "; {n} record(s) passed to you": "；{n} 条记录已移交给你",
    "; handover #{id} acknowledged: you are on duty": "；交接 #{id} 已确认：现在由你值班",
    "Acknowledge the {n} remaining items of handover #{id}?": "确认交接 #{id} 剩余的 {n} 项？",
    "Yes: what {name} owns passes to me": "是：{name} 负责的移交给我",
    "Yes: what {name} owns goes to the unowned pool": "是：{name} 负责的放入无人负责池",
    "handover #{id} acknowledged ({items} items, {passed} records passed on): you are on duty": (
        "交接 #{id} 已确认（{items} 项，移交 {passed} 条记录）：现在由你值班"
    ),
    "Question on {item}": "就 {item} 提问",
    "question added to {item}": "已就 {item} 提问",
    "Amend handover #{id}": "补充说明交接 #{id}",
    "Amendment": "补充说明",
    "amendment added to handover #{id}": "已为交接 #{id} 添加补充说明",
    "handover #{id} copied as Markdown ({n} lines)": "交接 #{id} 已复制为 Markdown（{n} 行）",
    # an item across shifts
    "In {n} signed handover(s); {carried}": "出现在 {n} 次已签字的交接中；{carried}",
    "first handover\x04new": "首次交接",
    "(removed from the draft)": "（已从草稿移除）",
    "owner {name}": "负责人 {name}",
    # past handovers
    "{n} handover(s)": "{n} 次交接",
    " matching “{text}”": "，匹配“{text}”",
    "m shows older": "m 显示更早的",
    "not signed yet": "尚未签字",
    "{weekday} {day} {month} {time}": "{weekday} {month}{day}日 {time}",
    "Jan": "1月",
    "Feb": "2月",
    "Mar": "3月",
    "Apr": "4月",
    "May": "5月",
    "Jun": "6月",
    "Jul": "7月",
    "Aug": "8月",
    "Sep": "9月",
    "Oct": "10月",
    "Nov": "11月",
    "Dec": "12月",
    # The store's refusals shown in the dashboard.
    "{officer} is on duty: only they draft this shift's handover (take over the shift first to hand over yourself)": "{officer} 正在值班：只有本人可起草本班交接（如需由您交接，请先接班）",
    "nobody is on duty: start or take over a shift first": "无人值班：请先开始或接手一个班次",
}
