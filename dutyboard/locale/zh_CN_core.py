"""Simplified Chinese for the core's own words: what the store and the domain say when
they refuse something (a unit that is ambiguous, a row that does not exist, a change the
status machine does not allow, a version conflict), the handover as ``handover show`` and
``handover export`` print it, and the ingest summary lines.

Merged into ``zh_CN.MESSAGES``; each key appears in one catalog only (statuses, states,
"request #{id}", the brief's titles… are in ``zh_CN``, ``zh_CN_handover`` and
``zh_CN_night`` already). Only what is *shown* is translated: what the store writes
(quarantine reasons, notes, events, the brief frozen into a signed handover) stays in
English, and is said again in the interface language where it is shown. The words of the
desk: 物资需求, 采购线索, 海外联系人, 交接班, 隔离区, 点名, 报送.
"""

MESSAGES: dict[str, str] = {
    # -- status machines (domain/status.py) ---------------------------------------------
    "a request that is {current} cannot become {target}; allowed: {allowed}": (
        "需求当前为“{current}”，不能改为“{target}”；可改为：{allowed}"
    ),
    "a lead that is {current} cannot become {target}; allowed: {allowed}": (
        "线索当前为“{current}”，不能改为“{target}”；可改为：{allowed}"
    ),
    "dropping a lead needs a closure reason: {reasons}": "放弃线索须注明关闭原因：{reasons}",
    "unknown {what} status {value!r}; expected one of {choices}": (
        "未知的{what}状态 {value!r}；应为以下之一：{choices}"
    ),
    "none (final state)": "无（已是最终状态）",
    "closure reason": "关闭原因",
    # -- handover rules (domain/handover.py) --------------------------------------------
    "handover #{id} is {state}: a signed handover is never edited; add an amendment instead": (
        "交接 #{id} {state}：已签字的交接不能再修改，请改为添加补充说明"
    ),
    "only {name} can edit handover #{id}: it hands over their shift": (
        "只有 {name} 可以编辑交接 #{id}：交接的是其本人的班次"
    ),
    "only {name} can sign handover #{id}: it hands over their shift": (
        "只有 {name} 可以签字交接 #{id}：交接的是其本人的班次"
    ),
    "handover #{id} is still a draft: {name} has not signed it yet": (
        "交接 #{id} 仍是草稿：{name} 尚未签字"
    ),
    "handover #{id} is already acknowledged": "交接 #{id} 已确认",
    "{name} signed handover #{id}; the incoming officer acknowledges it": (
        "交接 #{id} 由 {name} 签字；应由接班人员确认"
    ),
    "handover #{id} is still a draft: questions come once it is signed": (
        "交接 #{id} 仍是草稿：签字后才能提问"
    ),
    "handover #{id} is acknowledged: add an amendment instead of a question": (
        "交接 #{id} 已确认：请改为添加补充说明，不能再提问"
    ),
    "handover #{id} is a draft: edit its notes instead of amending it": (
        "交接 #{id} 是草稿：请直接编辑备注，无需补充说明"
    ),
    # -- the handover as text (handover show / export) ----------------------------------
    "Handover #{id}: {from_officer} → {to_officer}": "交接 #{id}：{from_officer} → {to_officer}",
    "State: {state}": "状态：{state}",
    "Drafted: {time}": "起草：{time}",
    "Signed: {time} by {name}": "签字：{time}，{name}",
    "Acknowledged: {time} by {name}": "确认：{time}，{name}",
    "Covers {start} – {end}: {events} events in the log": (
        "涵盖 {start} – {end}：日志中 {events} 条记录"
    ),
    "(none)": "（无）",
    "Open items handed over ({count}, {done} acknowledged)": (
        "移交的未办结事项（{count} 项，已确认 {done} 项）"
    ),
    "{requests} of {open_requests} open requests and "
    "{leads} of {open_leads} open leads are listed here": (
        "此处列出未办结需求 {open_requests} 条中的 {requests} 条、"
        "未办结线索 {open_leads} 条中的 {leads} 条"
    ),
    "owner unowned": "无人负责",
    "next: {step}": "下一步：{step}",
    "Q: ": "问：",
    # -- the store: records that are not there, refusals ---------------------------------
    "{what} #{id} does not exist": "{what} #{id} 不存在",
    "request #{id} does not exist": "需求 #{id} 不存在",
    "lead #{id} does not exist": "线索 #{id} 不存在",
    "contact #{id} does not exist": "联系人 #{id} 不存在",
    "arrival #{id} does not exist": "到达记录 #{id} 不存在",
    "handover #{id} does not exist": "交接 #{id} 不存在",
    "handover item {item} does not exist": "交接事项 {item} 不存在",
    "shift #{id} does not exist": "班次 #{id} 不存在",
    "shift #{id} is not open": "班次 #{id} 未在进行中",
    "this session is read-only: nothing can be changed here": "本会话为只读：此处不能做任何修改",
    "{what} #{id} was changed by someone else (version {version}, you had {had}); "
    "reload and retry": "{what} #{id} 已被他人修改（当前版本 {version}，你打开的是 {had}）；请重新加载后再试",
    "{what} #{id} was changed by someone else: {change}": "{what} #{id} 已被他人修改：{change}",
    "{table} cannot be assigned": "{table} 不能指派",
    "a note cannot be empty": "备注不能为空",
    "a shift needs an officer name": "班次需要值班员姓名",
    "priority {value!r} is not one of {choices}": "优先级 {value!r} 无效，应为以下之一：{choices}",
    "say why the request is {status}": "请说明需求为何{status}",
    "the linked quantity must be positive": "关联数量必须大于零",
    "next action time {when!r} is not an ISO date and time": (
        "下一步时间 {when!r} 不是 ISO 格式的日期时间"
    ),
    "a contact attempt needs a channel and an outcome": "联系记录需要填写渠道和结果",
    # shifts
    "nobody is on duty: there is no shift to end": "无人值班：没有可结束的班次",
    "{officer} is on duty, not {name}; to take the desk use `dutyboard shift start`": (
        "正在值班的是 {officer}，不是 {name}；如需接手值班台，请用 `dutyboard shift start`"
    ),
    # handovers
    "handover #{id} of this shift is signed and waiting to be acknowledged; "
    "amend it instead of drafting another": (
        "本班的交接 #{id} 已签字，正等待确认；请为它添加补充说明，不要另起草稿"
    ),
    "say which {what} to add (its number)": "请说明要添加哪条{what}（编号）",
    "{what} #{id} is already in this handover": "{what} #{id} 已在本次交接中",
    "a handover item needs a summary": "交接事项需要填写摘要",
    "a handover item is a request, a lead or a note, not {entity!r}": (
        "交接事项只能是需求、线索或备注，不能是 {entity!r}"
    ),
    "an amendment cannot be empty": "补充说明不能为空",
    "item {item} was removed from handover #{id}": "事项 {item} 已从交接 #{id} 中移除",
    "item {item} was already acknowledged by {name}": "事项 {item} 已由 {name} 确认",
    "item {item} is not in handover #{id}": "事项 {item} 不在交接 #{id} 中",
    "a question cannot be empty": "问题不能为空",
    "pass items to {choices}, not {value!r}": "事项只能移交给 {choices}，不能是 {value!r}",
    # the roll-call
    "reporting unit #{id} does not exist": "报送单位 #{id} 不存在",
    "no reporting unit is called {name!r}": "没有名为 {name!r} 的报送单位",
    "{name!r} matches several units ({names}); be more specific": (
        "{name!r} 匹配到多个单位（{names}）；请写得更具体些"
    ),
    "{unit} is already {state} for {day}": "{unit} 在 {day} 已是“{state}”",
    # arrivals
    "no arrival from {source} has the id {external_id!r}": (
        "来自 {source} 的到达记录中没有编号为 {external_id!r} 的"
    ),
    "arrival: kind must be shipment or traveller": "到达记录：类型只能是货物或人员",
    "arrival: eta is required": "到达记录：必须填写预计到达时间",
    "traveller: the traveller's name is required": "人员：必须填写姓名",
    "shipment: an item or a flight/waybill reference is required": (
        "货物：必须填写物资名称或航班号/运单号"
    ),
    "change an arrival's state with set_arrival_state": (
        "到达记录的状态请用 set_arrival_state 修改"
    ),
    "a delay needs the new ETA": "延误需要填写新的预计到达时间",
    "arrival: {name} {value!r} is not an ISO date and time": (
        "到达记录：{name} {value!r} 不是 ISO 格式的日期时间"
    ),
    "arrival: unknown field(s) {names}": "到达记录：未知字段 {names}",
    "arrival: unknown state {state!r}": "到达记录：未知状态 {state!r}",
    "arrival: {name} {value!r} is not one of {choices}": (
        "到达记录：{name} {value!r} 无效，应为以下之一：{choices}"
    ),
    "arrival: lead {lead!r} is not a lead's number": "到达记录：{lead!r} 不是线索编号",
    "arrival: quantity {quantity!r} is not a number": "到达记录：数量 {quantity!r} 不是数字",
    "arrival: quantity cannot be negative": "到达记录：数量不能为负数",
    "arrival: lead #{id} does not exist": "到达记录：线索 #{id} 不存在",
    "a {kind} that is {current} cannot become {target}; allowed: {allowed}": (
        "{kind}当前为“{current}”，不能改为“{target}”；可改为：{allowed}"
    ),
    "unknown arrival kind {value!r}; expected shipment or traveller": (
        "未知的到达类型 {value!r}；应为 shipment（货物）或 traveller（人员）"
    ),
    "unknown arrival state {value!r}; expected one of {choices}": (
        "未知的到达状态 {value!r}；应为以下之一：{choices}"
    ),
    # the supplies ledger
    "a ledger entry needs {what}": "台账记录需要填写{what}",
    "{what} is longer than {limit} characters": "{what}超过 {limit} 个字符",
    "{what} must be a number": "{what}必须是数字",
    "{what} must be a positive number": "{what}必须是大于零的数字",
    "an item": "物资",
    "the unit": "单位",
    "the counterparty": "来源或去向",
    "the notes": "备注",
    "the quantity": "数量",
    "the amount": "金额",
    "a currency was given without an amount": "给了币种却没有金额",
    "the amount must be a number": "金额必须是数字",
    "the amount must be zero or more": "金额不能为负数",
    "an amount needs its currency as a 3-letter code (CNY, USD, EUR…): "
    "amounts in different currencies are never added together": (
        "金额需要注明币种的三字母代码（CNY、USD、EUR…）：不同币种的金额从不相加"
    ),
    "{at!r} is not an ISO date and time": "{at!r} 不是 ISO 格式的日期时间",
    "direction {direction!r} is not received or distributed": (
        "方向 {direction!r} 无效，应为 received（入库）或 distributed（发放）"
    ),
    "kind {kind!r} is not one of {choices}": "类型 {kind!r} 无效，应为以下之一：{choices}",
    "arrival #{id} is already in the supplies ledger": "到达记录 #{id} 已记入物资台账",
    "request #{id} is {status}: nothing more can be delivered against it": (
        "需求 #{id} {status}：不能再针对它发放物资"
    ),
    "lead #{id} is {status}: goods can be received only from a lead that was ordered": (
        "线索 #{id} 当前为“{status}”：只有已下单的线索才能入库"
    ),
    "lead #{id} has no quantity: say how many arrived": "线索 #{id} 没有数量：请说明到了多少",
    # the quarantine
    "quarantine row #{id} does not exist": "隔离区第 #{id} 行不存在",
    "quarantine row #{id}": "隔离区第 #{id} 行",
    "file {sha256}": "文件 {sha256}",
    "source {name!r}": "数据源 {name!r}",
    "{what}: no open quarantine rows to retry": "{what}：没有待处理的隔离行可重试",
    "quarantine row #{id} is {state} already (by {name} at {at})": (
        "隔离区第 #{id} 行已{state}（{name}，{at}）"
    ),
    "quarantine row #{id} is {state} already": "隔离区第 #{id} 行已{state}",
    "unknown quarantine state {state!r} (one of {choices})": (
        "未知的隔离状态 {state!r}（应为以下之一：{choices}）"
    ),
    "--file wants a file's SHA-256 (at least {digits} hex digits), as "
    "`dutyboard quarantine show ID` prints it": (
        "--file 需要文件的 SHA-256（至少 {digits} 位十六进制数字），"
        "即 `dutyboard quarantine show ID` 显示的值"
    ),
    "quarantine row #{id}: its file's bytes were not kept (too big to read, still "
    "changing, or from an import that keeps none), so there is nothing to read again; put "
    "the file back in the drop folder, or discard the row": (
        "隔离区第 #{id} 行：其文件的原始字节没有保留（文件太大、仍在变动，或来自不保留原件的"
        "导入），无法重新读取；请把文件放回投放文件夹，或舍弃该行"
    ),
    "say what to retry: a quarantine row, --file SHA or --source NAME": (
        "请说明要重试什么：一个隔离行、--file SHA 或 --source NAME"
    ),
    "quarantine row #{id}: what kind of record it was is not known": (
        "隔离区第 #{id} 行：不知道它原本是哪类记录"
    ),
    "the corrected record was refused: {error}": "更正后的记录被拒绝：{error}",
    "say why the row is discarded (--reason TEXT)": "请说明舍弃该行的原因（--reason TEXT）",
    "these quarantine rows were resolved by someone else meanwhile; nothing was retried": (
        "这些隔离行已被他人处理；没有重试任何内容"
    ),
    # the collector's lease
    "another collector is running: {holder} holds the lease until {until} ({seconds} s "
    "from now unless it renews it); stop that one first, or if it crashed, start again "
    "once the lease has expired": (
        "另一个采集程序正在运行：{holder} 持有租约，到 {until} 为止（除非续期，还有 {seconds} 秒）；"
        "请先停止那一个；如果它已崩溃，请等租约过期后再启动"
    ),
    # backup
    "database {path} does not exist; check the path": "数据库 {path} 不存在；请检查路径",
    "{path} is a folder; give a file name for the backup": "{path} 是文件夹；请给备份一个文件名",
    "cannot write backup: folder {folder} does not exist": "无法写入备份：文件夹 {folder} 不存在",
    "{path} holds no desk yet (no dutyboard tables): nothing to copy": (
        "{path} 里还没有值班台（没有 dutyboard 的表）：没有可复制的内容"
    ),
    "backup failed: {error}": "备份失败：{error}",
    "backup of {path} failed: {error}": "备份 {path} 失败：{error}",
    "backup of {path} failed verification ({detail}); {dest} was left as it was; the "
    "database may be damaged: run 'dutyboard check'": (
        "{path} 的备份未通过校验（{detail}）；{dest} 保持原样；数据库可能已损坏：请运行 "
        "'dutyboard check'"
    ),
    "{table}: {count} rows in the database, {copied} in the copy": (
        "{table}：数据库中 {count} 行，副本中 {copied} 行"
    ),
    "{table}: {count} rows in the database, no such table in the copy": (
        "{table}：数据库中 {count} 行，副本中没有此表"
    ),
    "application id {ours} in the database, {theirs}": "数据库的 application id 为 {ours}，副本为 {theirs}",
    "backup copy of {path} does not match it ({differences}); {dest} was left as it was: "
    "run 'dutyboard check'": (
        "{path} 的备份副本与原库不一致（{differences}）；{dest} 保持原样：请运行 'dutyboard check'"
    ),
    "; ": "；",
    # -- the domain: days, rules, limits, zones, the supplies config --------------------
    "{text!r} is not a day like 2020-02-03 (or 'today', 'yesterday', -1 for a day back)": (
        "{text!r} 不是日期，应写成 2020-02-03（或 'today'、'yesterday'，-1 表示前一天）"
    ),
    "is empty; write e.g. 'daily by 17:00' or 'weekly on Mon by 12:00'": (
        "为空；请写成例如 'daily by 17:00' 或 'weekly on Mon by 12:00'"
    ),
    "{rule!r} needs one deadline time such as 17:00 "
    "(e.g. 'daily by 17:00' or 'weekly on Mon by 12:00')": (
        "{rule!r} 需要一个截止时间，如 17:00（例如 'daily by 17:00' 或 'weekly on Mon by 12:00'）"
    ),
    "{rule!r} has an impossible time of day": "{rule!r} 的时刻不存在",
    "{rule!r} says weekly but not on which day (e.g. 'weekly on Mon by 12:00')": (
        "{rule!r} 写了每周，却没说是星期几（例如 'weekly on Mon by 12:00'）"
    ),
    "{rule!r} is not a rule I can read; write 'daily by 17:00', "
    "'weekdays by 12:00' or 'weekly on Mon by 12:00'": (
        "无法识别规则 {rule!r}；请写成 'daily by 17:00'、'weekdays by 12:00' 或 "
        "'weekly on Mon by 12:00'"
    ),
    "must be an IANA time zone such as 'Europe/Paris'": "必须是 IANA 时区名，如 'Europe/Paris'",
    "{zone!r} is not a known IANA time zone": "{zone!r} 不是已知的 IANA 时区",
    "{where} must be a table with name and rule": "{where} 必须是含 name 和 rule 的表",
    "{where}: unknown key {key} (known: {known})": "{where}：未知的键 {key}（可用：{known}）",
    "{where}: name must be a non-empty string": "{where}：name 必须是非空字符串",
    "{where} ({name})": "{where}（{name}）",
    "{where}: rule must be a string such as 'daily by 17:00'": (
        "{where}：rule 必须是字符串，如 'daily by 17:00'"
    ),
    "{where}: rule {error}": "{where}：规则 {error}",
    "{where}: kind {kind!r} is not one of {choices}": (
        "{where}：类型 {kind!r} 无效，应为以下之一：{choices}"
    ),
    "{where}: zone {error}": "{where}：时区 {error}",
    "{where}: also must be a list of names": "{where}：also 必须是名称列表",
    "must be a list of tables ([[rollcall.units]])": "必须是表的列表（[[rollcall.units]]）",
    "unit {n}": "第 {n} 个单位",
    "unit {name!r} is listed twice": "单位 {name!r} 列出了两次",
    "must be a whole number, not {value!r}": "必须是整数，不能是 {value!r}",
    "must be a number of seconds, not {value!r}": "必须是秒数，不能是 {value!r}",
    "must be a number of seconds above 0 and at most {most}": "必须是大于 0、不超过 {most} 的秒数",
    "{where}: [limits] must be a table": "{where}：[limits] 必须是表",
    "{where}: unknown key limits.{key} (known: {known})": (
        "{where}：未知的键 limits.{key}（可用：{known}）"
    ),
    "{where}: limits.{key}: {error}": "{where}：limits.{key}：{error}",
    "must be at least {least} {unit}, not {value!r}": "至少应为 {least} {unit}，不能是 {value!r}",
    '{value!r} is not a size such as 268435456 or "256 MiB"': (
        '{value!r} 不是大小，应写成 268435456 或 "256 MiB"'
    ),
    "{value!r} is not a whole number of bytes": "{value!r} 不是整数字节数",
    # the units of [limits] (limits.py _UNITS), in "at least {least} {unit}"
    "bytes": "字节",
    "times the packed size": "倍压缩前大小",
    "archive members": "个压缩包成员",
    "sheets": "个工作表",
    "shared strings": "个共享字符串",
    "rows": "行",
    "columns": "列",
    "cells": "个单元格",
    "fields per record": "个字段（每条记录）",
    "characters per line": "个字符（每行）",
    "seconds": "秒",
    "unknown time zone {name!r}: use an IANA name such as 'Asia/Colombo'": (
        "未知时区 {name!r}：请用 IANA 时区名，如 'Asia/Colombo'"
    ),
    '{where}: must be a string such as "50 pcs"': '{where}：必须是字符串，如 "50 pcs"',
    '{where}: {value!r} is not like "50 pcs"': '{where}：{value!r} 的格式应像 "50 pcs"',
    "{where}: the factor must be positive": "{where}：换算系数必须大于零",
    "{where}: category names are lower-case words with underscores (got {name!r})": (
        "{where}：类别名须为小写英文单词加下划线（实际为 {name!r}）"
    ),
    "{where}: unknown key supplies.{key} (known: categories, base_units, units)": (
        "{where}：未知的键 supplies.{key}（可用：categories、base_units、units）"
    ),
    "{where}: supplies.categories must be a table": "{where}：supplies.categories 必须是表",
    "{where}: must be a list of item words": "{where}：必须是物资关键词的列表",
    "{where}: supplies.base_units must be a table": "{where}：supplies.base_units 必须是表",
    '{where}: must be a unit such as "pcs"': '{where}：必须是单位，如 "pcs"',
    "{where}: supplies.units must be a table": "{where}：supplies.units 必须是表",
    "{path}: [supplies] must be a table": "{path}：[supplies] 必须是表",
    # what settled an origin's zone, or why none did (domain/arrivals.py zone_guess's
    # reasons, stored in English; said where they are shown)
    "several zones": "该国有多个时区",
    "unknown country": "未知国家",
    "no country": "没有国家",
    "offset unsettled": "时差无法确定时区",
    # value parsers (domain/values.py): predicates completing "quantity '12x' …". Raised
    # in English (ingest stores them in quarantine reasons); shown through _(str(error)).
    "is not a number": "不是数字",
    "is not a finite number": "不是有限的数字",
    "is negative": "是负数",
    "is too large (over 1,000,000,000,000)": "太大（超过 1,000,000,000,000）",
    "is empty": "为空",
    "is a range, not one number": "是一个范围，不是单个数字",
    "is not a price": "不是价格",
    "holds more than one number": "包含不止一个数字",
    "names two different currencies": "写了两种不同的币种",
    "is not a currency I know": "不是可识别的币种",
    "is not a priority I know (urgent, high, normal or low)": (
        "不是可识别的优先级（urgent、high、normal 或 low）"
    ),
    "is an offset with no matching zone; give an IANA zone name": (
        "是没有对应时区的时差；请给出 IANA 时区名"
    ),
    "is not a time zone I know (use an IANA name such as Asia/Shanghai)": (
        "不是可识别的时区（请用 IANA 时区名，如 Asia/Shanghai）"
    ),
    "is not a date": "不是日期",
    "has an offset I cannot read": "的时差无法识别",
    "has an impossible UTC offset": "的 UTC 时差不存在",
    "is not a date and time I can read": "不是可识别的日期时间",
    "has an impossible time of day": "的时刻不存在",
    "is not a real calendar date": "不是真实存在的日期",
    "is ambiguous (day/month or month/day?); write it as 2020-02-03": (
        "有歧义（日/月还是月/日？）；请写成 2020-02-03"
    ),
    "has no year": "没有年份",
    "has an implausible year": "的年份不合理",
    "is not a number of days": "不是天数",
    "is more than ten years": "超过十年",
    "is not a span of hours like 09:00-18:00": "不是时段，应写成 09:00-18:00",
    "is neither a person nor an organisation": "既不是个人也不是机构",
    # -- ingest: summary lines (ingest/store_sink.py, travellers.py, retry.py) -----------
    "not imported: {error}": "未导入：{error}",
    "{added} new, {updated} updated, {unchanged} unchanged, {quarantined} quarantined": (
        "新增 {added} 条，更新 {updated} 条，未变 {unchanged} 条，隔离 {quarantined} 条"
    ),
    ", {n} possible duplicate(s) flagged": "，标记疑似重复 {n} 条",
    " (already in quarantine from run #{run})": "（已在第 #{run} 次导入时隔离）",
    "file": "文件",
    ", column {name}": "，列 {name}",
    "{where}: {reason}": "{where}：{reason}",
    "{name} ({source}, {rows} open row)": "{name}（{source}，待处理 {rows} 行）",
    "{name} ({source}, {rows} open rows)": "{name}（{source}，待处理 {rows} 行）",
    "{head}: not retried: {problem}": "{head}：未重试：{problem}",
    "{head}: run #{run}: {counts}": "{head}：导入 #{run}：{counts}",
    "its original bytes were not kept (quarantined before dutyboard kept them); put the "
    "file back in the drop folder, or discard the rows": (
        "其原始字节没有保留（隔离时 dutyboard 还不保留原件）；请把文件放回投放文件夹，或舍弃这些行"
    ),
    "the whole file was refused; type the record in": "整个文件被拒收；请手动录入记录",
    "the file's bytes were not kept": "文件的原始字节没有保留",
    "the file is too big to read again for one row": "文件太大，不便为一行重新读取",
    "the row still cannot be read; type the record in": "这一行仍无法读取；请手动录入记录",
    # a PostgreSQL desk's server going away (dutyboard/store/store.py, the header)
    "the database {url} cannot be reached since {time} UTC; retrying": "自 {time} UTC 起无法连接数据库 {url}；正在重试",
    "the connection to {url} was lost before the change was saved: nothing was saved": "保存前与 {url} 的连接已断开：未保存任何内容",
    "the connection to {url} was lost while the change was being saved: it may or may not be saved; look before doing it again": "保存过程中与 {url} 的连接断开：修改可能已保存，也可能没有；再做一次之前请先查看",
    "database unreachable since {time}: retrying": "自 {time} 起数据库无法连接：正在重试",
    "the database cannot be reached; retrying": "无法连接数据库；正在重试",
    "the database is reachable again; the panels are read again": "数据库已恢复连接；各面板已重新读取",
}
