"""Simplified Chinese for "a real night at the desk" (issue 18): live times and the
handover screen's questions before closing. Merged into ``zh_CN.MESSAGES``; each key
appears in one catalog only."""

MESSAGES: dict[str, str] = {
    # the shift panel: when the shift began, and how long it has run
    "since {time} ({span})": "自 {time} 起（{span}）",
    # leaving or quitting the handover screen with unsaved notes (y/n)
    "The handover notes are not saved": "交接备注尚未保存",
    "Save them and leave? (n: stay and keep editing)": "保存并离开吗？（n：留下继续编辑）",
    "Save them and quit? (n: stay and keep editing)": "保存并退出吗？（n：留下继续编辑）",
    # handover states, read as words (status_label)
    "draft": "草稿",
    "signed": "已签署",
    # issue 18 #7 — the handover panel
    "On duty: ": "值班：",
    " (took over from {name})": "（接替 {name}）",
    "Nobody is on duty": "无人值班",
    "Handover due at {time}: H drafts it": "{time} 应交接：按 H 起草",
    "No handover yet · H drafts one": "尚无交接 · 按 H 起草",
    "Draft handover ": "交接草稿 ",
    "Handover to acknowledge ": "待确认交接 ",
    "Last handover ": "上次交接 ",
    "  signed {time}": "  {time} 签字",
    "  acknowledged {time} by {name}": "  {time} 由 {name} 确认",
    "Items ({count}):": "事项（{count}）：",
    "  … and {n} more (enter)": "  … 另有 {n} 条（回车查看）",
    "unowned": "无人负责",
    "    next: {step}": "    下一步：{step}",
    "Handover due at {time}: press H on the handover panel to draft it": (
        "{time} 应交接：在交接面板按 H 起草"
    ),
    "No handover yet: H drafts this shift's handover": "尚无交接：按 H 起草本班交接",
    "You are already on duty": "你已在值班",
    "Start your shift now, {name}?": "{name}，现在开始值班吗？",
    "Take over the shift from {name} now, without a handover? "
    "It is logged, and your next handover covers both shifts.": (
        "不经交接，现在接替 {name} 值班吗？此操作会记录，你的下一次交接将覆盖两个班次。"
    ),
    "Take the desk now": "立即接班",
    "You are on duty (shift #{id})": "你已上岗（班次 #{id}）",
    "; {name}'s shift ended (take-over logged)": "；{name} 的班次已结束（接班已记录）",
    # handover history
    "search handovers: a name, a unit, a word": "搜索交接：姓名、单位或关键词",
    "{done}/{count} items acknowledged": "已确认 {done}/{count} 项",
    "signed {time}": "{time} 签字",
    "acknowledged {time} by {name}": "{time} 由 {name} 确认",
    # list keys (help, palette)
    "Down": "下移",
    "Up": "上移",
    "Page down": "下一页",
    "Page up": "上一页",
    "Top": "顶部",
    "Bottom": "底部",
    # arrival detail and a unit's roll-call history
    "arrival #{id}": "到达 #{id}",
    "at origin {time}": "始发地 {time}",
    "Original record (as received)": "原始记录（收到时）",
    "streak {n}": "连续 {n} 天",
    "{n} on time": "按时 {n}",
    "{n} late": "迟报 {n}",
    "{n} missing": "未报 {n}",
    "gaps: ": "缺报：",
    # arrivals: columns ("In" here is the time until arrival; plain "In" is goods in)
    "ETA": "预计到达",
    "time until arrival\x04In": "还有",
    "Hold-ups": "卡点",
    "Origin time": "始发地时间",
    "Deadline": "截止",
    "goods": "物资",
    "person": "人员",
    # arrival states
    "expected": "预计",
    "delayed": "延误",
    "landed": "已落地",
    "met": "已接到",
    "cancelled": "已取消",
    # roll-call states ("due" here: not yet reported, deadline ahead; plain "due" is a
    # sort by deadline)
    "reported": "已报",
    "late": "迟报",
    "roll-call\x04due": "待报",
    "missing": "未报",
    # hold-ups
    "permit pending": "航权待批",
    "customs pending": "待清关",
    "permit, customs pending": "航权待批、待清关",
    "permit ok": "航权已批",
    "customs ok": "已清关",
    "flight permit pending": "航权待批",
    "flight permit granted": "航权已批",
    "no permit needed": "无需航权",
    "customs cleared": "已清关",
    "no customs hold": "无清关卡点",
    # arrival and roll-call actions, reminder toasts
    "#{id} landed": "#{id} 已落地",
    "#{id} delayed to {time}": "#{id} 已延误至 {time}",
    "#{id} {what}: delayed to": "#{id} {what}：延误至",
    "New ETA ({zone})": "新的预计到达时间（{zone}）",
    "Why (optional)": "原因（可选）",
    "permit not yet granted": "航权尚未批准",
    "#{id} {what} is {status}; move to": "#{id} {what} 当前为{status}，改为",
    "#{id} hold-ups updated": "#{id} 卡点已更新",
    "Hold-ups of #{id}": "#{id} 的卡点",
    "{unit}: reported": "{unit}：已报",
    "{unit} has reported": "{unit} 已报",
    "How (note)": "方式（备注）",
    "by phone": "电话报送",
    "{span} ago — LATE": "{span}前 — 逾期",
    "{what} arrives {time} ({when})": "{what} {time} 抵达（{when}）",
    "{what} lands {time} ({when})": "{what} {time} 落地（{when}）",
    "donation / purchase / transfer": "捐赠 / 采购 / 调拨",
    # roll-call, planner, conflicts (issue 18 should-works)
    # the daily report's roll-call section and summary line
    "Unit reports": "单位报送",
    "{done} of {total} reported ({late} late) · {missing} missing · {due} still due": (
        "{total} 个单位中已报 {done} 个（迟报 {late} 个）· 未报 {missing} 个 · 待报 {due} 个"
    ),
    "Reported at": "报送时间",
    "How": "方式",
    "marked by hand": "手工登记",
    "file (run #{id})": "文件（导入 #{id}）",
    "No reporting units.": "没有报送单位。",
    "No unit owed a report this day.": "当天没有单位需要报送。",
    "Not yet on the roll that day (listed later, owed nothing): {names}": (
        "当天尚未列入点名（之后才加入，无需报送）：{names}"
    ),
    "Owed no report this day: {names}": "当天无需报送：{names}",
    # dutyboard rollcall: units listed after the day asked for; what a sync replaced
    "not yet on the roll": "尚未列入点名",
    "listed {when}; first report due {day}": "{when} 加入；首次报送日 {day}",
    "replaced the demo's {count} units and their {reports} reports with the configured": (
        "已用配置中的单位替换演示数据的 {count} 个单位及其 {reports} 条报送"
    ),
    "deactivated, no longer configured (their history stays): {names}": (
        "已停用（配置中已无，历史记录保留）：{names}"
    ),
    # the call planner, when no window fits everyone
    "you": "你",
    "Best partial window, reaching {count} of {total}:": "最佳部分时段，可联系 {total} 人中的 {count} 人：",
    "with {names}": "参与：{names}",
    "left out: {names}": "无法参与：{names}",
    "{name} ({time} there)": "{name}（当地 {time}）",
    "Or two calls that together reach everyone:": "或分两次通话，覆盖所有人：",
    "No time zone known, not planned: {names}": "时区未知，未纳入安排：{names}",
    # an edit that met someone else's change: who did what, when (desk time)
    "{change}; reopen it to see the change": "{change}；请重新打开查看变更",
    "{change} ({count} changes since you opened it); reopen it to see them": (
        "{change}（自你打开后已有 {count} 处变更）；请重新打开查看"
    ),
    "{who} acknowledged this {what} at {time}": "{who} 已于 {time} 确认此{what}",
    "{who} moved this {what} to {status} at {time}": "{who} 已于 {time} 将此{what}改为「{status}」",
    "{who} assigned this {what} to {assignee} at {time}": (
        "{who} 已于 {time} 将此{what}指派给 {assignee}"
    ),
    "{who} took this {what} at {time}": "{who} 已于 {time} 认领此{what}",
    "{who} put this {what} back in the unowned pool at {time}": (
        "{who} 已于 {time} 将此{what}放回待认领"
    ),
    "{who} added a note to this {what} at {time}": "{who} 已于 {time} 为此{what}添加备注",
    "{who} set the next action of this {what} at {time}": (
        "{who} 已于 {time} 设定此{what}的下一步"
    ),
    "{who} changed when this {what} is expected at {time}": (
        "{who} 已于 {time} 更改此{what}的预计时间"
    ),
    "{who} changed the hold-ups of this {what} at {time}": ("{who} 已于 {time} 更改此{what}的卡点"),
    "{who} recorded a call to this {what} at {time}": "{who} 已于 {time} 记录了与此{what}的联系",
    "{who} added this {what} at {time}": "{who} 已于 {time} 新建此{what}",
    "{who} changed this {what} at {time}": "{who} 已于 {time} 修改此{what}",
    "someone": "有人",
    "conflict\x04request": "需求",
    "conflict\x04lead": "线索",
    "conflict\x04contact": "联系人",
    "conflict\x04arrival": "到达记录",
    "conflict\x04handover": "交接",
    "conflict\x04reporting_unit": "报送单位",
    # A form closed with esc after typing (widgets/common/dialogs.py).
    "Discard what you typed?": "放弃已输入的内容？",
}
