"""Simplified Chinese for moving a desk (issue 21): ``dutyboard db copy`` and a PostgreSQL
desk's ``backup`` (dutyboard/store/dbcopy.py, dutyboard/commands/db.py and backup.py).

值班台 is the desk, 源 the desk copied (SRC), 目标 where it goes (DEST), 副本 the copy,
表 a table, 行 its rows, 内容哈希 a content hash, 校验 verified. Table names
(requests, events…) stay as the schema spells them.
"""

MESSAGES: dict[str, str] = {
    # dutyboard/store/dbcopy.py
    "the desk's tables refer to each other in a circle ({tables}): cannot copy": "值班台的表之间的外键构成了环（{tables}）：无法复制",
    "{src} and {dest} are the same desk: a copy onto itself is refused; give another target": "{src} 与 {dest} 是同一个值班台：不能复制到自身；请换一个目标",
    "cannot open {url}: {error}": "无法打开 {url}：{error}",
    "the desk to copy, {path}, does not exist: check the path": "要复制的值班台 {path} 不存在：请检查路径",
    "{path} exists and is an empty file, not a desk; it was left untouched: remove it, or give a path where no file exists": "{path} 已存在，是个空文件而不是值班台；未作任何改动：请删除它，或给出一个尚无文件的路径",
    "{url} is not empty: schema {schema} holds another program's tables ({tables}); it was left untouched: copy into an empty database or a desk with no rows": "{url} 不是空的：模式 {schema} 中有其他程序的表（{tables}）；未作任何改动：请复制到空数据库，或没有任何行的值班台",
    "{dest} is not empty ({tables}); it was left untouched: copy into a new file, an empty database or a desk with no rows": "{dest} 不是空的（{tables}）；未作任何改动：请复制到新文件、空数据库，或没有任何行的值班台",
    "{table}: {rows} rows": "{table}：{rows} 行",
    "{table} only in {where}": "{table} 只在 {where} 中有",
    "{table} has other columns ({columns})": "{table} 的列不同（{columns}）",
    "{table} has another primary key ({columns})": "{table} 的主键不同（{columns}）",
    "{table} has no primary key": "{table} 没有主键",
    "{src} and {dest} do not have the same tables ({problems}): cannot copy": "{src} 与 {dest} 的表不一致（{problems}）：无法复制",
    "{table}: {count} rows in the source, {copied} in the copy": "{table}：源中 {count} 行，副本中 {copied} 行",
    "{table}: {count} rows each, but their contents differ": "{table}：两边都是 {count} 行，但内容不同",
    "the copy at {dest} does not match {src} ({differences}); nothing was kept": "{dest} 中的副本与 {src} 不一致（{differences}）；什么都没有保留",
    "copy to {dest} failed: {error}; {kept}": "复制到 {dest} 失败：{error}；{kept}",
    "the new file was removed": "新文件已删除",
    "the database was left empty": "数据库保持为空",
    "the target was left as it was": "目标保持原样",
    "the backup file of {src} failed its check ({detail}); nothing was kept": "{src} 的备份文件未通过检查（{detail}）；什么都没有保留",
    # dutyboard/commands/db.py
    "Move a desk between engines. 'db copy SRC DEST' copies every table of the desk at SRC (a SQLite file or a postgresql:// URL) to DEST, ids kept, and checks every table's rows and content before it says done.": "在两种数据库引擎之间迁移值班台。'db copy SRC DEST' 把 SRC（SQLite 文件或 postgresql:// URL）处值班台的每张表复制到 DEST，保留编号，并在报告完成之前逐表核对行数和内容。",
    "copy the whole desk at SRC to DEST, verified": "把 SRC 处的整个值班台复制到 DEST，并校验",
    "Copy the whole desk at SRC to DEST: records, events, shifts, handovers and their items, arrivals, the roll-call, supplies, sources, ingest runs, quarantine and the files it keeps, ids kept. SRC is read in one snapshot, read-only, while officers and the collector keep working; stop them before a move, or their later changes stay behind in SRC. DEST is a new SQLite file, an empty PostgreSQL database (the desk's schema is made) or a desk with no rows; anything else is refused and left untouched. The copy is one transaction, checked table by table (row counts and content hashes) before it is kept: a failure leaves nothing behind. Passwords go in ~/.pgpass, a service file or $PGPASSWORD, never on the command line. See docs/postgres.md.": (
        "把 SRC 处的整个值班台复制到 DEST：记录、事件、班次、交接及其条目、到达、点名、物资、"
        "数据源、导入记录、隔离区及其保存的文件，保留编号。SRC 以只读方式在一个快照中读取，"
        "值班员和采集程序可照常工作；迁移前请先让他们停下，否则之后的改动会留在 SRC 中。"
        "DEST 须是新的 SQLite 文件、空的 PostgreSQL 数据库（会建立值班台的数据库结构）或没有"
        "任何行的值班台；其他一律拒绝，且不作任何改动。复制在一个事务中完成，保留之前逐表核对"
        "（行数和内容哈希）：失败时什么都不会留下。密码请放在 ~/.pgpass、服务文件或 "
        "$PGPASSWORD 中，切勿写在命令行上。参见 docs/postgres.md。"
    ),
    "examples:\n"
    "  dutyboard db copy ~/duty/desk.db postgresql://officer@db1/desk\n"
    "  dutyboard db copy postgresql://officer@db1/desk ./desk-copy.db": (
        "示例：\n"
        "  dutyboard db copy ~/duty/desk.db postgresql://officer@db1/desk\n"
        "  dutyboard db copy postgresql://officer@db1/desk ./desk-copy.db"
    ),
    "the desk to copy: a file or a postgresql:// URL": "要复制的值班台：文件或 postgresql:// URL",
    "where to copy it: a new file, an empty database, a desk with no rows": "复制到哪里：新文件、空数据库，或没有任何行的值班台",
    "{table}: {done} / {total} rows": "{table}：{done} / {total} 行",
    "{count} text values held a zero byte, which PostgreSQL text cannot hold: they were stored with ␀ (U+2400) in its place ({tables}); the files' own bytes are kept exactly": "有 {count} 个文本值含零字节，PostgreSQL 的 text 无法存放：已改用 ␀（U+2400）代替（{tables}）；文件本身的字节原样保留",
    "copied {src} to {dest}: {tables} tables, {rows} rows, verified (row counts and content hashes match)": "已把 {src} 复制到 {dest}：{tables} 张表，{rows} 行，已校验（行数和内容哈希一致）",
    # dutyboard/commands/backup.py
    "Copy the desk while officers and the collector keep working, and check the copy before it replaces DEST. A SQLite desk is copied with SQLite's online backup and checked (integrity_check and row counts). A PostgreSQL desk is written to DEST as a SQLite file, from one snapshot, and checked table by table (row counts and content hashes): a portable snapshot that any machine can read and that 'dutyboard db copy' puts back into PostgreSQL (pg_dump remains the server's own backup). Restore a SQLite desk: stop dutyboard, copy the backup over the database file, delete any -wal/-shm files beside it, run 'dutyboard check'.": (
        "复制值班台，值班员和采集程序可照常工作；副本在替换 DEST 之前会经过检查。SQLite "
        "值班台用 SQLite 在线备份复制，并检查（integrity_check 和行数）。PostgreSQL 值班台从"
        "一个快照写成 DEST 处的 SQLite 文件，并逐表检查（行数和内容哈希）：这是任何机器都能"
        "读取的便携快照，可用 'dutyboard db copy' 放回 PostgreSQL（服务器自身的备份仍用 "
        "pg_dump）。恢复 SQLite 值班台：停止 dutyboard，用备份覆盖数据库文件，删除旁边的 "
        "-wal/-shm 文件，运行 'dutyboard check'。"
    ),
    "backup of {url} to {path}: a SQLite file of {bytes} bytes, {rows} rows ({requests} requests, {events} events), verified (row counts and content hashes match)": "已把 {url} 备份到 {path}：SQLite 文件 {bytes} 字节，{rows} 行（需求 {requests} 条，事件 {events} 条），已校验（行数和内容哈希一致）",
}
