"""Simplified Chinese: help screen (?), marks legend, keys the user chooses, empty panels."""

MESSAGES: dict[str, str] = {
    # help screen
    "palette": "命令",
    "Open the command palette": "打开命令面板",
    "Help": "帮助",
    "This panel": "本面板",
    "Keys here: {panel}": "本面板按键：{panel}",
    "Keys everywhere": "全局按键",
    "Command palette: every action by name": "命令面板：按名称查找所有操作",
    "↑↓ scroll · esc close": "↑↓ 滚动 · esc 关闭",
    "{what} (not now)": "{what}（当前不可用）",
    # [keys]
    "[keys]: no binding has the id {ids}; left out (docs/keys.md lists every id)": (
        "[keys]：没有按键编号为 {ids}，已忽略（docs/keys.md 列出所有编号）"
    ),
    "[keys]: {key} is given to both {ids}; only one of them will run": (
        "[keys]：{key} 同时分配给了 {ids}，只有其中一个会生效"
    ),
    "display.theme: no theme is called {name} (known: {known})": (
        "display.theme：没有名为 {name} 的配色（可选：{known}）"
    ),
    # legend: header
    "Header": "顶栏",
    "requests nobody has looked at yet": "尚无人查看的需求",
    "open urgent requests": "未结的特急需求",
    "open requests past their due time": "已过截止时间的未结需求",
    "leads whose next action is due": "下一步已到时间的线索",
    "drop folders or feeds that fail: press ! to see why": "出错的投递文件夹或数据源：按 ! 查看原因",
    "units past their report deadline": "已过报送截止时间的单位",
    "day or night on that world clock": "该时区是白天还是夜里",
    "a count of zero is dimmed, never hidden": "数量为 0 时变暗显示，从不隐藏",
    # legend: requests
    "urgent: first in the list, counted in the header": "特急：排在最前，计入顶栏",
    "high priority": "高优先级",
    "normal priority": "普通优先级",
    "low priority": "低优先级",
    "Due: two hours past its due time": "截止：已超过截止时间两小时",
    "Age: no update for {hours} hours or more (stale); the row is dimmed": (
        "已过：{hours} 小时以上无更新（陈旧），整行变暗"
    ),
    # legend: leads
    "Next: the next action is two hours late": "下一步：下一步行动已晚两小时",
    # legend: contacts
    "inside their working hours now: call": "对方正在工作时间：可以打电话",
    "outside working hours (evening or early morning there)": "对方非工作时间（当地傍晚或清晨）",
    "weekend where they are": "对方当地是周末",
    "public holiday where they are": "对方当地是公共假日",
    "night where they are (asleep): only if it cannot wait": "对方当地是夜里（在睡觉）：非紧急勿扰",
    # legend: arrivals
    "on its way, on time as far as we know": "在途，目前按时",
    "a new, later ETA was given": "已告知新的、更晚的预计到达时间",
    "landed: to be received or met": "已落地：待接收或接机",
    "goods counted in (booked in the supplies ledger)": "货物已清点入库（已记入物资台账）",
    "traveller met on arrival": "人员已接到",
    "will not come": "不来了",
    "In: two hours past its ETA, not landed": "还有：已过预计到达时间两小时，尚未落地",
    "hold-up: {what}": "卡点：{what}",
    "Kind: a shipment of goods": "类别：一批货物",
    "Kind: a person travelling (a volunteer, a returning student)": (
        "类别：出行人员（志愿者、返校学生）"
    ),
    # legend: roll-call
    "has reported today": "今天已报送",
    "reported, but after the deadline": "已报送，但晚于截止时间",
    "not reported yet; the deadline is still ahead": "尚未报送，截止时间未到",
    "the deadline has passed with no report": "已过截止时间仍未报送",
    # empty panels
    "No open requests. Press N to add one, p to paste a chat message, or bring in a "
    "unit's file with `dutyboard ingest FILE`; drop folders that fill the desk by "
    "themselves: docs/ingest.md. Closed ones: press f until “all”.": (
        "没有未结需求。按 N 新建一条，按 p 粘贴一条聊天消息，或用 `dutyboard ingest 文件` 导入单位发来的文件；"
        "自动收件的投递文件夹见 docs/ingest.md。已结的：按 f 直到“全部”。"
    ),
    "No open requests on this desk. Closed ones: press f until “all”.": (
        "本值班台没有未结需求。已结的：按 f 直到“全部”。"
    ),
    "No open leads. Press N to add a supplier's offer, or import a list with "
    "`dutyboard ingest FILE --kind leads`. Closed ones: press f until “all”.": (
        "没有进行中的线索。按 N 录入供应商报价，或用 "
        "`dutyboard ingest 文件 --kind leads` 导入清单。已结的：按 f 直到“全部”。"
    ),
    "No open leads on this desk. Closed ones: press f until “all”.": (
        "本值班台没有进行中的线索。已结的：按 f 直到“全部”。"
    ),
    "No contacts yet. Press N to add one, or import a phone's or mail program's "
    "vCard file: `dutyboard ingest contacts.vcf --kind contacts`.": (
        "还没有联系人。按 N 新建，或导入手机或邮件程序导出的 vCard 文件："
        "`dutyboard ingest contacts.vcf --kind contacts`。"
    ),
    "No contacts on this desk yet.": "本值班台还没有联系人。",
    "Start the shift: press 5, then T; or `dutyboard shift start` in a terminal": (
        "开始值班：按 5，再按 T；或在终端运行 `dutyboard shift start`"
    ),
    "The officer starts the shift (read-only here)": "由值班员开始值班（此处只读）",
    "Nothing matches “{text}” · esc clears the filter": "没有符合“{text}”的记录 · esc 清除筛选",
    "Nothing in “{filter}” · f for the next quick filter": "“{filter}”下没有记录 · f 换下一个快速筛选",
    # config.toml errors (one line naming the key)
    "must be a string such as 'Asia/Shanghai'": "必须是字符串，例如 'Asia/Shanghai'",
    "must be a non-empty string": "必须是非空字符串",
    "must be a folder path such as '~/dutyboard-exports'": "必须是文件夹路径，例如 '~/dutyboard-exports'",
    "must be a list of IANA time zones": "必须是 IANA 时区名称的列表",
    "must be a theme name such as 'textual-dark'": "必须是配色名称，例如 'textual-dark'",
    "must be true or false": "必须是 true 或 false",
    'must be a list of times like ["08:00", "20:00"]': '必须是时间列表，例如 ["08:00", "20:00"]',
    "must be a number of minutes between 1 and 720": "必须是 1 到 720 之间的分钟数",
    'must be a two-letter country code like "CN" or "LK"': '必须是 "CN"、"LK" 这样的两字母国家代码',
    '{value} is not a time like "22:00"': '{value} 不是 "22:00" 这样的时间',
    "{value} is not a supported language (en, zh_CN)": "{value} 不是支持的语言（en、zh_CN）",
    "must be a number of hours between 0 and {most}": "必须是 0 到 {most} 之间的小时数",
    '{where}: [keys] must be a table of binding id = "keys"': '{where}：[keys] 必须是“按键编号 = "按键"”的表',
    "{value} is not a known IANA time zone (e.g. 'Asia/Shanghai')": (
        "{value} 不是已知的 IANA 时区（例如 'Asia/Shanghai'）"
    ),
    '{where}: keys.{id}: must be keys such as "n" or "ctrl+n,f2"': (
        '{where}：keys.{id}：必须是按键，例如 "n" 或 "ctrl+n,f2"'
    ),
    '{where}: keys.{id}: {key} is not a key name (examples: "n", "ctrl+n", "f2", "question_mark")': (
        '{where}：keys.{id}：{key} 不是按键名称（例如 "n"、"ctrl+n"、"f2"、"question_mark"）'
    ),
    "config file {path} does not exist": "配置文件 {path} 不存在",
    "{path}: not valid TOML: {error}": "{path}：不是有效的 TOML：{error}",
    "{path}: cannot read: {error}": "{path}：无法读取：{error}",
    "{where}: unknown section [{section}] (known: {known})": "{where}：未知的配置节 [{section}]（可用：{known}）",
    "{where}: [{section}] must be a table": "{where}：[{section}] 必须是表",
    "{where}: unknown key {section}.{key} (known: {known})": "{where}：未知的配置项 {section}.{key}（可用：{known}）",
    "completion needs the command line's parser": "completion 需要命令行的解析器",
}
