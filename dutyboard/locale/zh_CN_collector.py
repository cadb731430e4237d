"""Simplified Chinese for the collector as a service (issue 20): ``dutyboard collect``,
its log, and ``dutyboard check``. Merged into ``zh_CN.MESSAGES``; each key appears in
one catalog only ("{age} ago" is the quarantine view's).

The labels of ``check`` keep their column: each is 11 terminal cells wide with its
spaces (a CJK character and the full-width colon take two), like the English ones."""

MESSAGES: dict[str, str] = {
    # dutyboard collect
    "run the configured drop folders and HTTP feeds ([[sources]]) headless": "在后台运行已配置的投放文件夹和 HTTP 数据源（[[sources]]）",
    "Watch every drop folder and poll every HTTP feed configured as [[sources]] in the config file, importing what arrives; log one line per event to the collector's log file and to stderr. Only one collector runs per database. See docs/ingest.md and, to run it as a service, docs/collector.md.": "监视配置文件中 [[sources]] 所列的每个投放文件夹并轮询每个 HTTP 数据源，导入收到的内容；每个事件记一行日志，写入采集程序的日志文件和标准错误输出。每个数据库只运行一个采集程序。详见 docs/ingest.md；作为服务运行见 docs/collector.md。",
    "one pass over every source, then exit (for cron)": "把每个数据源处理一遍后退出（供 cron 使用）",
    "how long the collector lease lasts unless renewed (default: 60)": "采集程序租约不续期时的有效时长（默认：60）",
    "the log file, rotated at 1 MB, three old ones kept (default: collector.log in the folder of $DUTYBOARD_LOG, else in the user state folder, ~/.local/state/dutyboard); '-' writes no file, stderr only": "日志文件，满 1 MB 轮转，保留三个旧文件（默认：$DUTYBOARD_LOG 所在文件夹中的 collector.log，否则为用户状态文件夹 ~/.local/state/dutyboard 中的）；'-' 表示不写文件，只输出到标准错误",
    "--log-file needs a path, or - for no file": "--log-file 需要一个路径，或用 - 表示不写文件",
    "--lease-seconds must be between 1 and {most}": "--lease-seconds 必须在 1 到 {most} 之间",
    "the config file": "配置文件",
    "no sources or notification targets are configured: add [[sources]] (docs/ingest.md) or [[notify]] (docs/notify.md) to {where}": "既没有配置数据源，也没有配置通知目标：请在 {where} 中添加 [[sources]]（docs/ingest.md）或 [[notify]]（docs/notify.md）",
    "cannot write the collector's log {path}: {reason} (--log-file PATH puts it elsewhere, --log-file - writes none)": "无法写入采集程序的日志 {path}：{reason}（--log-file 路径 可换个位置，--log-file - 则不写日志文件）",
    "dutyboard {version} collecting into {db}: {n} source(s); log: {where}": "dutyboard {version} 正在采集到 {db}：{n} 个数据源；日志：{where}",
    "stderr only": "仅标准错误输出",
    "stopped: {error}": "已停止：{error}",
    "stopped by an unexpected error: {error}": "因意外错误停止：{error}",
    "done: {files} file(s), {pages} page(s); {added} new, {updated} updated, {unchanged} unchanged, {quarantined} quarantined, {unreadable} unreadable, {incomplete} incomplete, {failures} failure(s)": "完成：{files} 个文件，{pages} 个页面；新增 {added}，更新 {updated}，未变 {unchanged}，隔离 {quarantined}，无法读取 {unreadable}，不完整 {incomplete}，失败 {failures} 次",
    # the log itself
    "cannot write the log {path}: {reason}": "无法写入日志 {path}：{reason}",
    # dutyboard check
    "check the database (integrity, schema, WAL, collector lease); upgrade its schema": "检查数据库（完整性、模式版本、WAL、采集程序租约）；升级其模式",
    "Open the database read-write (applying pending schema migrations), run PRAGMA integrity_check, and report the schema version, the WAL size, who holds the collector lease and when the collector last ran; warn about a collector that is overdue, failing sources and open quarantine rows. Exits 1 if the integrity check fails (a warning does not).": "以读写方式打开数据库（执行待完成的模式迁移），运行 PRAGMA integrity_check，报告模式版本、WAL 大小、采集程序租约的持有者以及采集程序上次运行的时间；对超时未运行的采集程序、故障数据源和待处理的隔离行给出警告。完整性检查失败时退出码为 1（警告不影响退出码）。",
    "database:  {path}": "数据库：   {path}",
    "schema:    {versions}": "模式版本： {versions}",
    "integrity: {result}": "完整性：   {result}",
    "wal:       {size} bytes": "WAL：      {size} 字节",
    "collector: no lease; never ran on this desk": "采集程序： 无租约；本值班台从未运行过采集程序",
    "collector: no lease; last ran {ago} ({who}), stopped": "采集程序： 无租约；上次运行于 {ago}（{who}），已停止",
    "collector: last ran {ago} ({who}), holding the lease until {until}": "采集程序： 上次运行于 {ago}（{who}），持有租约至 {until}",
    "collector: last ran {ago} ({who}); its lease expired at {until} without being released: crashed or killed?": "采集程序： 上次运行于 {ago}（{who}）；其租约已于 {until} 过期而未释放：是否崩溃或被终止？",
    "collector: held by {who} until {until}": "采集程序： 由 {who} 持有租约至 {until}",
    "collector: lease of {who} expired at {until}, never released": "采集程序： {who} 的租约已于 {until} 过期，未释放",
    "host not recorded": "未记录主机",
    "{host}, pid {pid}": "{host}，进程 {pid}",
    "{n} s": "{n} 秒",
    "{n} min": "{n} 分钟",
    "{n} h": "{n} 小时",
    "{n} days": "{n} 天",
    "warning:   the collector last ran {ago} — not running? ({expect}; docs/collector.md)": "警告：     采集程序上次运行于 {ago}——是否没有在运行？（{expect}；docs/collector.md）",
    "its sources expect a pass every {every}": "其数据源要求每 {every} 处理一遍",
    "overdue after {after}": "超过 {after} 即为超时",
    "warning:   source {name} failing since {since}: {error}": "警告：     数据源 {name} 自 {since} 起故障：{error}",
    "warning:   source {name} failing since {since}, 1 open quarantine row: {error}": "警告：     数据源 {name} 自 {since} 起故障，1 行隔离待处理：{error}",
    "warning:   source {name} failing since {since}, {rows} open quarantine rows: {error}": "警告：     数据源 {name} 自 {since} 起故障，{rows} 行隔离待处理：{error}",
    "warning:   … and more failing sources (dutyboard status)": "警告：     … 另有更多故障数据源（dutyboard status）",
    "warning:   1 quarantine row open (dutyboard quarantine list)": "警告：     1 行隔离待处理（dutyboard quarantine list）",
    "warning:   {count} quarantine rows open (dutyboard quarantine list)": "警告：     {count} 行隔离待处理（dutyboard quarantine list）",
}
