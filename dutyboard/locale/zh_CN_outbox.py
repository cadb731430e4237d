"""Simplified Chinese for issue 23: the outbox, its sender and `dutyboard notify`."""

MESSAGES: dict[str, str] = {
    # -- the notifications' own words (dutyboard.store.handovers, dutyboard.notify.watch)
    "Handover #{id} signed by {name}": "交接 #{id} 已由 {name} 签字",
    "Handover #{id} acknowledged by {name}": "交接 #{id} 已由 {name} 接收",
    "Urgent request #{id} not acknowledged for {minutes} min": "特急需求 #{id} 已 {minutes} 分钟无人确认",
    "{org} asks for {what}; received {time}, still new.": "{org} 需要 {what}；{time} 收到，仍未处理。",
    "Nobody on duty for {minutes} min": "已 {minutes} 分钟无人值班",
    "The last shift ({officer}) ended at {time}; nobody has started one since.": (
        "上一班（{officer}）于 {time} 结束，此后无人接班。"
    ),
    "Feed {name} failing for {minutes} min": "数据源 {name} 已故障 {minutes} 分钟",
    "Failing since {time}. Last error: {error}": "自 {time} 起故障。最近的错误：{error}",
    "Arrival overdue: {what}": "到达逾期：{what}",
    "{kind} #{id} {what} was due at {eta} and is not marked arrived.": (
        "{kind} #{id} {what} 预计 {eta} 到达，尚未标记为已到。"
    ),
    "Traveller": "人员",
    "Shipment": "货物",
    # -- [notify_settings]
    '{value} is not a time like "20:00"': '{value} 不是 "20:00" 这样的时间',
    "must be a number from {low} to {high}": "必须是 {low} 到 {high} 之间的数字",
    # -- the sender's log lines and stored errors (dutyboard.notify.sender)
    "notify: {target}: sent {key}": "通知：{target}：已发送 {key}",
    "notify: {target}: {key} not sent ({error}); next try in {seconds} s": (
        "通知：{target}：{key} 未发出（{error}）；{seconds} 秒后重试"
    ),
    "notify: {target}: {key} refused ({error}); tried again when the target's configuration "
    "changes": "通知：{target}：{key} 被拒收（{error}）；该目标的配置更改后再试",
    "notify: {target}: {key} given up ({error})": "通知：{target}：{key} 已放弃（{error}）",
    "notify: could not record a delivery ({error})": "通知：无法记录发送结果（{error}）",
    "not sent within {hours} h": "{hours} 小时内未能发出",
    "not sent within {hours} h: no sender was running": "{hours} 小时内未能发出：没有发送程序在运行",
    # -- dutyboard notify
    "notification targets and the outbox: list, test a target, send now": (
        "通知目标与发件箱：列出、测试某个目标、立即发送"
    ),
    "Notifications go to the [[notify]] targets of the config file (chat webhooks, e-mail) "
    "through an outbox, sent by the collector or, with none running, by an officer's "
    "dashboard, with retries. List the targets and what is waiting, send a test to one "
    "target, or do one pass of sending now (for cron). See docs/notify.md.": (
        "通知经发件箱发往配置文件中的 [[notify]] 目标（聊天机器人 webhook、电子邮件），由采集程序"
        "发送；没有采集程序运行时，由一位值班员的看板发送，失败会重试。可列出目标及待发内容、"
        "向某个目标发送测试通知，或立即发送一轮（供 cron 使用）。见 docs/notify.md。"
    ),
    "the targets (URLs masked), what is pending or failed, who sends": (
        "目标（网址已遮蔽）、待发送或失败的通知、由谁发送"
    ),
    "One block per [[notify]] target: its kind, events and where it sends (a webhook's URL "
    "masked), then its pending and failed deliveries and last error; and who holds the "
    "sender lease. Read-only.": (
        "每个 [[notify]] 目标一段：类型、事件和发送地址（webhook 网址已遮蔽），以及待发送和失败"
        "的通知与最近的错误；并显示谁持有发送租约。只读。"
    ),
    "send a test notification to TARGET now; exit 2 if it fails": (
        "立即向 TARGET 发送一条测试通知；失败时退出码为 2"
    ),
    "Send one test notification to the named target at once, directly (the outbox is not "
    "used), and say whether the target took it. Exit 2 with the error when it did not.": (
        "立即直接向指定目标发送一条测试通知（不经发件箱），并说明目标是否接收。未接收时显示错误，"
        "退出码为 2。"
    ),
    "a [[notify]] target's name": "[[notify]] 目标的名称",
    "one pass: raise what is due, send what waits (for cron)": (
        "执行一轮：生成到期的通知，发送待发的通知（供 cron 使用）"
    ),
    "Look at the conditions (urgent requests not acknowledged, nobody on duty, failing "
    "feeds, overdue arrivals, the daily report) and send what the outbox holds, once, then "
    "exit: for cron on a desk where no collector runs. Sends nothing while the collector "
    "or a dashboard is the sender. Exit 1 when a delivery failed.": (
        "检查各项条件（无人确认的特急需求、无人值班、故障的数据源、逾期的到达、每日报告），发送"
        "发件箱中的通知，执行一次后退出：供没有采集程序运行的值班台用 cron 调用。采集程序或看板"
        "正在发送时不发送任何内容。有通知发送失败时退出码为 1。"
    ),
    "dutyboard test notification": "dutyboard 测试通知",
    "A test from {desk} at {time}: if you read this, the target {target} works.": (
        "来自 {desk} 的测试（{time}）：如果您看到这条消息，目标 {target} 工作正常。"
    ),
    "{target} ({where}): ok": "{target}（{where}）：成功",
    "{target} ({where}): failed: {error}": "{target}（{where}）：失败：{error}",
    "no notify target named {name} (known: {known})": "没有名为 {name} 的通知目标（已有：{known}）",
    "none: add [[notify]] to the config file": "无：请在配置文件中添加 [[notify]]",
    "no notify targets are configured: add [[notify]] to the config file": (
        "未配置通知目标：请在配置文件中添加 [[notify]]"
    ),
    "{to} via {host}:{port}": "{to}，经 {host}:{port}",
    "{name} ({kind}): {where}": "{name}（{kind}）：{where}",
    "{name} (no longer configured): {what}": "{name}（已不在配置中）：{what}",
    "events: {events}": "事件：{events}",
    "nothing pending": "没有待发送的通知",
    "last error: {error}": "最近的错误：{error}",
    "{n} pending (oldest {age})": "待发送 {n}（最早的已等 {age}）",
    "{n} failed": "失败 {n}",
    "{n} given up": "已放弃 {n}",
    "{n} notification(s) waiting for a sender, the oldest raised {time}": (
        "{n} 条通知等待发送程序，最早的生成于 {time}"
    ),
    "sender: {holder} (lease until {until})": "发送程序：{holder}（租约至 {until}）",
    "sender: none running (the collector sends; or 'dutyboard notify send')": (
        "发送程序：未运行（由采集程序发送；或运行 'dutyboard notify send'）"
    ),
    "the collector": "采集程序",
    "notify: {holder} is the sender; nothing sent from here": "通知：由 {holder} 发送；此处未发送",
    "notify: {raised} raised, {sent} sent, {failed} failed, {gave_up} given up": (
        "通知：生成 {raised}，已发送 {sent}，失败 {failed}，已放弃 {gave_up}"
    ),
    "notify: still sending to {targets} (sent again next time if cut short)": (
        "通知：仍在向 {targets} 发送（若被中断，下次会重发）"
    ),
    # -- dutyboard check
    "notify:    no targets configured ([[notify]] in the config file)": (
        "通知：     未配置目标（配置文件中的 [[notify]]）"
    ),
    "notify:    {n} target(s); {who}": "通知：     目标 {n} 个；{who}",
    "notify:    {name}: {what}": "通知：     {name}：{what}",
    "no sender running": "没有发送程序在运行",
    "sender {who}, lease until {until}": "发送程序 {who}，租约至 {until}",
    "warning:   [[notify]]: {error}": "警告：     [[notify]]：{error}",
    "warning:   notify target {name}: {n} pending, the oldest for {age}: {error}": (
        "警告：     通知目标 {name}：待发送 {n}，最早的已等 {age}：{error}"
    ),
    "warning:   notify target {name}: {n} failed, tried again once its config changes: "
    "{error} (dutyboard notify test {name})": (
        "警告：     通知目标 {name}：失败 {n}，配置更改后再试：{error}"
        "（dutyboard notify test {name}）"
    ),
    "warning:   notify target {name}: {n} given up (not sent within a day)": (
        "警告：     通知目标 {name}：已放弃 {n}（一天内未能发出）"
    ),
    "warning:   {n} notification(s) waiting for {age} and no sender runs: start the "
    "collector (docs/collector.md) or run 'dutyboard notify send'": (
        "警告：     {n} 条通知已等待 {age}，且没有发送程序在运行：请启动采集程序"
        "（docs/collector.md）或运行 'dutyboard notify send'"
    ),
    "notifications: could not look at the outbox ({error}); trying again": "通知：无法读取发件箱（{error}）；稍后重试",
}
