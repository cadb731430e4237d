"""Simplified Chinese for a PostgreSQL desk's roles (issue 21): ``dutyboard pg-roles`` and
dutyboard/store/pg_roles.py.

角色 is a role, 组角色 a group role, 登录角色 a login role, 超级用户 a superuser, 所有者
the owner, 权限 a privilege, 模式 the schema (PostgreSQL's word in Chinese docs), 序列 a
sequence. Officers are 值班员, leaders 领导, as everywhere else. SQL words (CREATEROLE,
SUPERUSER, CREATE ROLE … LOGIN) stay as they are.
"""

MESSAGES: dict[str, str] = {
    # dutyboard/store/pg_roles.py: the script's comments
    "the two group roles: nobody logs in as them (a person's role is a member)": "两个组角色：没有人以它们的身份登录（每个人的角色是它们的成员）",
    "a leader's sessions start read-only (each member gets the setting below too)": "领导的会话一开始就是只读的（每个成员也会在下面得到同样的设置）",
    "only the desk's roles and its owner may connect to its database": "只有值班台的角色及其所有者可以连接它的数据库",
    "nobody but the owner changes the schema; both groups may look into it": "除所有者外，谁也不能修改模式；两个组都可以访问它",
    "officers read and change rows, use the sequences and run the functions": "值班员可读写数据行、使用序列并执行函数",
    "leaders read, and run the functions the reads call": "领导只能读取，并执行读取时用到的函数",
    "what later schema steps add gets the same grants": "以后的模式升级步骤新增的对象获得同样的授权",
    "the people: each logs in as themselves": "人员：每人以自己的身份登录",
    "dutyboard: the roles of the desk in schema {schema} of database {database}": "dutyboard：数据库 {database} 中模式 {schema} 里的值班台的角色",
    "run as the desk's owner ({owner}) with CREATEROLE, or as a superuser; applying it twice changes nothing": "请以具有 CREATEROLE 的值班台所有者（{owner}）或超级用户身份运行；重复应用不会改变任何东西",
    # dutyboard/store/pg_roles.py: names
    "role name {name!r}: a desk's group role is lower-case letters, digits and _ (not first a digit), such as dutyboard_leader": "角色名 {name!r}：值班台的组角色名只能由小写字母、数字和 _ 组成（不能以数字开头），例如 dutyboard_leader",
    "role name {name!r}: a role name is not empty and holds no control characters": "角色名 {name!r}：角色名不能为空，也不能含控制字符",
    "role name {name!r} is longer than PostgreSQL's {limit} bytes": "角色名 {name!r} 超过了 PostgreSQL 的 {limit} 字节上限",
    "role name {name!r} is reserved by PostgreSQL (public, none, current_user, pg_…)": "角色名 {name!r} 是 PostgreSQL 保留的（public、none、current_user、pg_…）",
    "the officer and the leader role must be two roles, not both {name}": "值班员角色和领导角色必须是两个不同的角色，不能都是 {name}",
    "{name} cannot be both an officer and a leader: a leader only reads": "{name} 不能既是值班员又是领导：领导只能读取",
    "{name} is one of the desk's group roles, not a person's login": "{name} 是值班台的组角色，不是某个人的登录角色",
    # dutyboard/store/pg_roles.py: applying and checking
    "the roles were not set up (nothing changed): {reason}": "角色未能设置（什么都没有改变）：{reason}",
    "the roles can be set up only by the desk's owner ({owner}) with CREATEROLE, or by a superuser; this session is {user}": "只有具有 CREATEROLE 的值班台所有者（{owner}）或超级用户才能设置角色；当前会话是 {user}",
    "the role {name} exists and is more than a group role (it can log in or has attributes such as SUPERUSER): pick another name": "角色 {name} 已存在，且不只是组角色（它可以登录，或带有 SUPERUSER 等属性）：请换一个名字",
    "there is no role {name}: create the person's login first (CREATE ROLE … LOGIN)": "没有角色 {name}：请先为此人创建登录角色（CREATE ROLE … LOGIN）",
    "{name} is a superuser: a superuser passes every check, so it cannot be a leader": "{name} 是超级用户：超级用户不受任何权限检查，因此不能当领导",
    "{role} could still write {what} through another grant (a membership or a privilege given before): a leader must not; revoke it and apply again": "{role} 仍可通过其他授权（某个成员关系或以前给的权限）写入 {what}：领导不能有写权限；请撤销后重新应用",
    "{role} may create objects in the schema {schema}: only the owner may": "{role} 可以在模式 {schema} 中创建对象：只有所有者可以",
    "{role} lacks {privilege} on {table} after the grants: apply again as the owner": "授权后 {role} 仍缺少对 {table} 的 {privilege} 权限：请以所有者身份重新应用",
    # dutyboard/commands/pg_roles.py
    "Print the SQL that sets up a PostgreSQL desk's roles, or run it with --apply. Two group roles nobody logs in as: officers may read and change the desk's rows, leaders may only read them, and leaders' sessions start read-only. Nobody but the role that ran 'dutyboard init' may change the schema, and only the desk's roles may connect to its database. People log in as themselves and are made members with --add-officer and --add-leader (their login roles must exist). Applying twice changes nothing. Run it as the desk's owner with CREATEROLE, or as a superuser.": (
        "打印设置 PostgreSQL 值班台角色的 SQL，或加 --apply 直接执行。两个没有人登录的组角色："
        "值班员可读写值班台的数据行，领导只能读取，领导的会话一开始就是只读的。除运行 "
        "'dutyboard init' 的角色外，谁也不能修改模式；只有值班台的角色可以连接它的数据库。"
        "每人以自己的身份登录，用 --add-officer 和 --add-leader 加为成员（其登录角色必须已存在）。"
        "重复应用不会改变任何东西。请以具有 CREATEROLE 的值班台所有者或超级用户身份运行。"
    ),
    "examples:\n"
    "  dutyboard --db postgresql://owner@db1/desk pg-roles > roles.sql\n"
    "  dutyboard --db postgresql://owner@db1/desk pg-roles --apply --add-officer li_na --add-leader wang_fang": (
        "示例：\n"
        "  dutyboard --db postgresql://owner@db1/desk pg-roles > roles.sql\n"
        "  dutyboard --db postgresql://owner@db1/desk pg-roles --apply --add-officer li_na --add-leader wang_fang"
    ),
    "the officers' group role (default: %(default)s)": "值班员的组角色（默认：%(default)s）",
    "the leaders' group role (default: %(default)s)": "领导的组角色（默认：%(default)s）",
    "make this existing login role an officer (may be given more than once)": "把这个已有的登录角色设为值班员（可多次给出）",
    "make this existing login role a leader, its sessions read-only (may be given more than once)": "把这个已有的登录角色设为领导，其会话为只读（可多次给出）",
    "run the SQL in one transaction and check the result, instead of printing it": "在一个事务中执行这段 SQL 并检查结果，而不是打印出来",
    "{desk} is a SQLite desk: roles are PostgreSQL's (a SQLite desk's leaders are kept read-only by the file's permissions: docs/ssh.md)": "{desk} 是 SQLite 值班台：角色是 PostgreSQL 的功能（SQLite 值班台的领导靠文件权限保持只读：见 docs/ssh.md）",
    "a leader's session changes no roles: run --apply as the desk's owner": "领导的会话不能修改角色：请以值班台所有者身份运行 --apply",
    "{url}: {officer} may change the rows of the desk's {tables} tables, {leader} may only read them; only {owner} may change the schema": "{url}：{officer} 可以修改值班台 {tables} 张表的数据行，{leader} 只能读取；只有 {owner} 可以修改模式",
    "; officers: {names}": "；值班员：{names}",
    "; leaders, read-only: {names}": "；领导（只读）：{names}",
}
