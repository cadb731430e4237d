"""Simplified Chinese. Keys are the English strings passed to ``_()``.

A test checks that every literal ``_("…")`` in the code has an entry here, so a new
string cannot ship untranslated. Widths matter in tables: keep column labels short.
"""

MESSAGES: dict[str, str] = {
    # panels and columns
    "1 Requests": "1 物资需求",
    "2 Leads": "2 采购线索",
    "3 Contacts": "3 海外联系人",
    "New request": "新建需求",
    "New lead": "新建线索",
    "New contact": "新建联系人",
    "Pri": "级别",
    "Due": "截止",
    "Unit": "单位",
    "Item": "物资",
    "Qty": "数量",
    "Status": "状态",
    "Owner": "负责人",
    "Age": "已过",
    "Next": "下一步",
    "Supplier": "供应商",
    "Ctry": "国家",
    "Price": "单价",
    "Stage": "阶段",
    "Now": "现在",
    "Local": "当地时间",
    "Name": "姓名",
    "Next window": "下个工作时段",
    "UTC±": "时差",
    "Where / note": "地点/提示",
    # keys
    "Quit": "退出",
    "Requests": "需求",
    "Leads": "线索",
    "Contacts": "联系人",
    "Handover": "交接班",
    "Detail": "详情",
    "Filter": "筛选",
    "Quick filter": "快速筛选",
    "Sort": "排序",
    "Clear filter": "清除筛选",
    "Mine": "归我",
    "Assign": "指派",
    "Note": "备注",
    "New": "新建",
    "Ack": "确认",
    "Link request": "关联需求",
    "Contacted": "记录联系",
    "Pick": "选中",
    "Plan call": "约时间",
    "Cancel": "取消",
    "Save": "保存",
    "Close": "关闭",
    # quick filters and sorts
    "open": "未办结",
    "mine": "我的",
    "urgent": "特急",
    "overdue": "已逾期",
    "new": "新",
    "all": "全部",
    "by {sort}": "按{sort}",
    "most pressing": "紧急程度",
    "received": "已收到",
    "due": "截止时间",
    "unit": "单位",
    "item": "物资",
    "quantity": "数量",
    "status": "状态",
    "owner": "负责人",
    "next action": "下一步时间",
    "supplier": "供应商",
    "country": "国家",
    "stage": "阶段",
    "last update": "最近更新",
    "reachable first": "可联系优先",
    "name": "姓名",
    "organisation": "机构",
    "time zone": "时区",
    "last contacted": "最近联系",
    # statuses and priorities
    "acknowledged": "已确认",
    "in progress": "办理中",
    "partially fulfilled": "部分满足",
    "fulfilled": "已满足",
    "closed": "已关闭",
    "rejected": "已拒绝",
    "verifying": "核实中",
    "negotiating": "洽谈中",
    "ordered": "已下单",
    "in transit": "运输中",
    "customs": "清关中",
    "dropped": "已放弃",
    "URG": "特急",
    "HIGH": "急",
    "norm": "一般",
    "low": "低",
    "no stock": "无货",
    "price": "价格",
    "quality": "质量",
    "certification": "认证不符",
    "unreachable": "联系不上",
    "duplicate": "重复",
    "export ban": "出口限制",
    "other": "其他",
    # time
    "Mon": "周一",
    "Tue": "周二",
    "Wed": "周三",
    "Thu": "周四",
    "Fri": "周五",
    "Sat": "周六",
    "Sun": "周日",
    "now": "现在",
    "{m}m": "{m}分",
    "{h}h {m:02d}m": "{h}小时{m:02d}分",
    "{d}d {h}h": "{d}天{h}小时",
    # marks and header
    "LATE": "逾期",
    "in {time}": "{time}后",
    "NEW": "新",
    "URGENT": "特急",
    "leads waiting": "待回复线索",
    "feeds failing": "数据源故障",
    "READ-ONLY": "只读",
    "on duty: ": "值班：",
    "nobody on duty": "无人值班",
    "counting…": "统计中…",
    "CALL": "可打",
    "off": "下班",
    "wknd": "周末",
    "hol": "假日",
    "zzz": "睡眠",
    "until {time}": "至 {time}",
    "none in 3 weeks": "三周内无",
    "{n} picked · P plan": "已选 {n} 人 · P 约时间",
    # forms and dialogs
    "Requesting unit": "申请单位",
    "Jilin University": "吉林大学",
    "KN95 masks": "KN95 口罩",
    "Quantity": "数量",
    "1,200 or 5万": "1,200 或 5万",
    "pcs, boxes, pairs": "只、箱、双",
    "Priority": "优先级",
    "urgent / high / normal / low": "特急 / 急 / 一般 / 低",
    "Due by ({zone})": "截止时间（{zone}）",
    "Contact person": "联系人",
    "Phone": "电话",
    "Notes": "备注",
    "Country": "国家",
    "LK or Sri Lanka": "LK 或 斯里兰卡",
    "Unit price": "单价",
    "Currency": "币种",
    "Certification": "认证",
    "Contact": "联系人",
    "Next action at ({zone})": "下一步时间（{zone}）",
    "Organisation": "机构",
    "Role": "职务",
    "City": "城市",
    "Time zone": "时区",
    "Working hours": "工作时间",
    "E-mail": "邮箱",
    "WeChat": "微信",
    "WhatsApp": "WhatsApp",
    "Languages": "语言",
    "Channel": "渠道",
    "Outcome": "结果",
    "Reason": "原因",
    "Request #": "需求编号",
    "Quantity for that request (part of the lead)": "分配给该需求的数量（线索的一部分）",
    "is not a request number": "不是需求编号",
    "choose one of: {choices}": "请选择：{choices}",
    "{field} is required": "{field}为必填项",
    "enter choose · esc cancel": "回车选择 · esc 取消",
    "enter save · esc cancel": "回车保存 · esc 取消",
    "tab next field · enter on last field or ctrl+s save · esc cancel": (
        "tab 下一项 · 最后一项回车或 ctrl+s 保存 · esc 取消"
    ),
    "filter: type words (Chinese works) · enter keep · esc clear": (
        "筛选：输入关键词（支持中文）· 回车保留 · esc 清除"
    ),
    # messages
    "#{id} assigned to {name}": "#{id} 已指派给 {name}",
    "assigned to you": "已归你负责",
    "Assign #{id} to": "将 #{id} 指派给",
    "Note on #{id}": "#{id} 的备注",
    "note added to #{id}": "已为 #{id} 添加备注",
    "created": "已创建",
    "#{id} is {status}: a final state": "#{id} 已{status}：不能再变更",
    "#{id} → {status}: why?": "#{id} → {status}：原因？",
    "Request #{id} is {status}; move to": "需求 #{id} 当前为{status}，改为",
    "lead #{id} is {status}: a final stage": "线索 #{id} 已{status}：不能再变更",
    "Lead #{id} is {status}; move to": "线索 #{id} 当前为{status}，改为",
    "Why drop lead #{id}?": "为什么放弃线索 #{id}？",
    "Link lead #{id} ({supplier}, {item}) to a request": "将线索 #{id}（{supplier}，{item}）关联到需求",
    "lead #{lead} linked to request #{request}": "线索 #{lead} 已关联需求 #{request}",
    "contact with {name} recorded": "已记录与 {name} 的联系",
    "Contact attempt: {name}": "联系记录：{name}",
    "URGENT #{id}: {org} — {item}": "特急 #{id}：{org} — {item}",
    "now LATE #{id}: {org} — {item}": "已逾期 #{id}：{org} — {item}",
    # detail and planner
    "loading…": "加载中…",
    "Linked": "关联",
    "Other fields from the source": "来源中的其他字段",
    "Original payload (as received)": "原始数据（收到时）",
    "History ({n})": "历史（{n}）",
    "Common working windows, next 7 days": "未来 7 天共同工作时段",
    "Everyone at work: {names}": "都在工作时间：{names}",
    "Everyone at work: {names} and you": "都在工作时间：{names} 和你",
    "No common window in the next 7 days.": "未来 7 天没有共同的工作时段。",
    "Times are yours (desk time zone).": "时间为本值班室时区。",
    # handover
    "  (ctrl+s saves)": "  （ctrl+s 保存）",
    "5 Shift & handover": "5 值班与交接",
    "Acknowledge": "确认",
    "Acknowledge all": "全部确认",
    "Add item": "添加事项",
    "Amend": "补充",
    "Back": "返回",
    "Copy Markdown": "复制 Markdown",
    "Draft handover": "起草交接",
    "From the record": "来自记录",
    "Handover history": "交接历史",
    "History": "历史",
    "Items": "事项",
    "Older": "更早",
    "Open handover": "打开交接",
    "Question": "提问",
    "Quit without saving": "不保存退出",
    "Refresh": "刷新",
    "Remove/restore": "移除/恢复",
    "Save notes": "保存备注",
    "Save them and quit": "保存并退出",
    "Search": "搜索",
    "Sign off": "签字交班",
    "Stay": "留下",
    "Take over shift": "接班",
    "The handover notes are not saved.": "交接备注尚未保存。",
    "handover notes saved": "交接备注已保存",
    # arrivals, roll-call, corner tabs
    "Arrivals": "到达",
    "Supplies": "物资台账",
    "4 Arrivals": "4 到达",
    "5 Handover": "5 交接班",
    "Landed": "已落地",
    "Received/met": "已接收/已接到",
    "Delayed…": "延误…",
    "State": "状态",
    "Hold-up": "卡点",
    "Reported": "已报",
    "Reported…": "已报（附说明）…",
    "Roll-call": "点名",
    "next {hours}h": "未来 {hours} 小时",
    "{count} more": "另有 {count} 条",
    "in {span}": "{span}后",
    "landing in 3h": "3小时内到达",
    "units missing": "未报单位",
}

# Feature catalogs kept beside this one (each key appears in one file only).
from dutyboard.locale.zh_CN_arrivals import MESSAGES as _ARRIVALS  # noqa: E402
from dutyboard.locale.zh_CN_cli import MESSAGES as _CLI  # noqa: E402
from dutyboard.locale.zh_CN_collector import MESSAGES as _COLLECTOR  # noqa: E402
from dutyboard.locale.zh_CN_columns import MESSAGES as _COLUMNS  # noqa: E402
from dutyboard.locale.zh_CN_core import MESSAGES as _CORE  # noqa: E402
from dutyboard.locale.zh_CN_desk import MESSAGES as _DESK  # noqa: E402
from dutyboard.locale.zh_CN_files import MESSAGES as _FILES  # noqa: E402
from dutyboard.locale.zh_CN_first_night import MESSAGES as _FIRST_NIGHT  # noqa: E402
from dutyboard.locale.zh_CN_handover import MESSAGES as _HANDOVER  # noqa: E402
from dutyboard.locale.zh_CN_init import MESSAGES as _INIT  # noqa: E402
from dutyboard.locale.zh_CN_leads import MESSAGES as _LEADS  # noqa: E402
from dutyboard.locale.zh_CN_night import MESSAGES as _NIGHT  # noqa: E402
from dutyboard.locale.zh_CN_postgres import MESSAGES as _POSTGRES  # noqa: E402
from dutyboard.locale.zh_CN_quarantine import MESSAGES as _QUARANTINE  # noqa: E402
from dutyboard.locale.zh_CN_spreadsheets import MESSAGES as _SPREADSHEETS  # noqa: E402
from dutyboard.locale.zh_CN_supplies import MESSAGES as _SUPPLIES  # noqa: E402
from dutyboard.locale.zh_CN_values import MESSAGES as _VALUES  # noqa: E402

MESSAGES.update(_SUPPLIES)
MESSAGES.update(_FILES)
MESSAGES.update(_FIRST_NIGHT)
MESSAGES.update(_NIGHT)
MESSAGES.update(_POSTGRES)
MESSAGES.update(_LEADS)
MESSAGES.update(_QUARANTINE)
MESSAGES.update(_ARRIVALS)
MESSAGES.update(_COLUMNS)
MESSAGES.update(_DESK)
MESSAGES.update(_HANDOVER)
MESSAGES.update(_INIT)
MESSAGES.update(_CLI)
MESSAGES.update(_COLLECTOR)
MESSAGES.update(_CORE)
MESSAGES.update(_SPREADSHEETS)
MESSAGES.update(_VALUES)
from dutyboard.locale.zh_CN_pgroles import MESSAGES as _PGROLES  # noqa: E402

MESSAGES.update(_PGROLES)
from dutyboard.locale.zh_CN_dbcopy import MESSAGES as _DBCOPY  # noqa: E402

MESSAGES.update(_DBCOPY)
from dutyboard.locale.zh_CN_paste import MESSAGES as _PASTE  # noqa: E402

MESSAGES.update(_PASTE)
from dutyboard.locale.zh_CN_web import MESSAGES as _WEB  # noqa: E402

MESSAGES.update(_WEB)
from dutyboard.locale.zh_CN_notify import MESSAGES as _NOTIFY  # noqa: E402

MESSAGES.update(_NOTIFY)
from dutyboard.locale.zh_CN_outbox import MESSAGES as _OUTBOX  # noqa: E402

MESSAGES.update(_OUTBOX)
