"""Simplified Chinese for PostgreSQL desks (issue 21): locations, URLs, the driver.

"URL" stays URL; 数据库 is the database, 驱动 the driver, 主机 a host, 端口 a port,
参数 a query parameter. "database" alone is in ``zh_CN_files``.
"""

MESSAGES: dict[str, str] = {
    # dutyboard/store/dburl.py
    "PostgreSQL needs the driver: pip install 'dutyboard[postgres]'": "使用 PostgreSQL 需要安装驱动：pip install 'dutyboard[postgres]'",
    "the database location is empty: give a file path (SQLite) or a postgresql:// URL (PostgreSQL)": "数据库位置为空：请给出文件路径（SQLite）或 postgresql:// URL（PostgreSQL）",
    "a PostgreSQL URL starts with postgresql:// or postgres:// (two slashes); for a file of that name, start the path with ./": "PostgreSQL URL 以 postgresql:// 或 postgres:// 开头（两个斜杠）；若指的是同名文件，请在路径前加 ./",
    "unsupported database URL {scheme}://…: give a file path (SQLite) or a postgresql:// or postgres:// URL (PostgreSQL)": "不支持的数据库 URL {scheme}://…：请给出文件路径（SQLite）或 postgresql://、postgres:// URL（PostgreSQL）",
    "the database URL contains a password: it is used and shown only as ***, but a command line or a config file is a poor place for it: put it in ~/.pgpass ($PGPASSFILE) or a service file instead": "数据库 URL 中含有密码：会照常使用，显示时只显示为 ***；但命令行和配置文件不适合存放密码，请改放到 ~/.pgpass（$PGPASSFILE）或服务文件（service file）中",
    "the database URL has more than one @ before its host: write an @ in the user name or password as %40": "数据库 URL 在主机前有不止一个 @：用户名或密码中的 @ 请写成 %40",
    "the database URL has a [ with no matching ] in its host (an IPv6 address is written [::1]:5432)": "数据库 URL 的主机部分有 [ 却没有对应的 ]（IPv6 地址写作 [::1]:5432）",
    "the database URL has an empty IPv6 address [] in its host": "数据库 URL 的主机部分有空的 IPv6 地址 []",
    "the database URL has text right after an IPv6 address: a port follows as ]:5432": "数据库 URL 中 IPv6 地址后紧跟了其他文字：端口应写作 ]:5432",
    "a port in the database URL is not a number from 1 to 65535": "数据库 URL 中的端口不是 1 到 65535 之间的数字",
    "the database URL names {hosts} hosts but {ports} ports: give one port for all of them, or one per host": "数据库 URL 列出了 {hosts} 个主机，却有 {ports} 个端口：请给出一个通用端口，或每个主机各一个端口",
    "a parameter in the database URL has no =: write each as name=value, joined by &": "数据库 URL 中有参数缺少 =：每个参数写作 名称=值，用 & 连接",
    "a parameter in the database URL has a second =: write an = in a value as %3D": "数据库 URL 中有参数含第二个 =：值里的 = 请写成 %3D",
    "a parameter in the database URL has no name before its =": "数据库 URL 中有参数在 = 前没有名称",
    "the database URL has a malformed %-escape: write a % itself as %25": "数据库 URL 中有格式错误的 % 转义：% 本身请写成 %25",
    "the database URL is not UTF-8 text (as written or in its %-escapes)": "数据库 URL 不是 UTF-8 文本（原文或 % 转义中）",
    "the database URL holds a zero byte (%00), which libpq cannot pass on": "数据库 URL 中含有零字节（%00），libpq 无法传递",
    # dutyboard/store/pg_engine.py
    "{url} holds no dutyboard desk: make one with `dutyboard init --db {url}`": "{url} 中没有 dutyboard 值班台：请用 `dutyboard init --db {url}` 创建",
    "{url} needs a schema upgrade; open it once as officer (dutyboard check --db …) before read-only use": "{url} 需要升级数据库结构；只读使用前，请先以值班员身份打开一次（dutyboard check --db …）",
    "{url} needs a schema upgrade, which only the desk's owner may make: the role that ran `dutyboard init` runs `dutyboard check --db {url}`": "{url} 需要升级数据库结构，只有值班台的所有者可以升级：请由运行过 `dutyboard init` 的角色执行 `dutyboard check --db {url}`",
}
