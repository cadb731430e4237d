"""Simplified Chinese for ``dutyboard init``: the questions, their checks, what comes next.

The words of the desk: 值班台 (the desk), 值班 (on duty), 交接班 (shift change), 报送单位
(a unit that owes a report), 收件夹 (the drop folder). "config" and "database" are in
``zh_CN_files``.
"""

MESSAGES: dict[str, str] = {
    # the questions
    "Setting up a new desk. Enter takes the answer in [brackets]; Ctrl-C stops.": (
        "正在设置新的值班台。直接回车采用 [方括号] 中的答案；Ctrl-C 中止。"
    ),
    "{question} [{default}]: ": "{question} [{default}]：",
    "{question}: ": "{question}：",
    "Interface language (en or zh_CN)": "界面语言（en 或 zh_CN）",
    "Desk name (shown in the header)": "值班台名称（显示在顶栏）",
    "Desk time zone (IANA name)": "值班台时区（IANA 名称）",
    "Shift changes, desk time (- for none)": "交接班时间，按值班台时间（- 表示不设）",
    "Units that owe a report daily by 17:00, comma-separated (Enter: none)": (
        "每天 17:00 前须报送的单位，用逗号分隔（回车：无）"
    ),
    "Drop folder for incoming request files (Enter: none)": "需求文件收件夹（回车：无）",
    "that answer is not readable text; try again": "无法读取该回答，请重新输入",
    # the checks
    "the desk needs a name": "值班台需要一个名称",
    "the desk name is longer than {count} characters": "值班台名称超过 {count} 个字符",
    "“{zone}” is not a known IANA time zone; did you mean {suggestion}?": (
        "“{zone}”不是已知的 IANA 时区；是不是 {suggestion}？"
    ),
    "“{zone}” is not a known IANA time zone (e.g. Asia/Shanghai, Europe/Paris, UTC)": (
        "“{zone}”不是已知的 IANA 时区（例如 Asia/Shanghai、Europe/Paris、UTC）"
    ),
    "“{value}” is not a language dutyboard speaks ({choices})": (
        "“{value}”不是 dutyboard 支持的语言（{choices}）"
    ),
    "“{value}” is not a time of day like 08:00 or 20:30": "“{value}”不是 08:00 或 20:30 这样的时间",
    "the unit name “{name}…” is longer than {count} characters": (
        "单位名称“{name}…”超过 {count} 个字符"
    ),
    "the folder name “{path}” has characters the config cannot keep": (
        "文件夹名称“{path}”含有配置文件无法保存的字符"
    ),
    "the folder name “{path}” is not valid UTF-8": "文件夹名称“{path}”不是有效的 UTF-8",
    "{path} is not a folder": "{path} 不是文件夹",
    "{path} is a folder, not a config file": "{path} 是文件夹，不是配置文件",
    "the config and the database cannot be the same file ({path})": (
        "配置文件和数据库不能是同一个文件（{path}）"
    ),
    "the drop folder {path} holds the {what}: the collector would move it away; choose a "
    "folder of its own": "收件夹 {path} 里有{what}：采集程序会把它移走；请另选一个专用文件夹",
    "{path} already exists; pass --force to replace it (nothing was written)": (
        "{path} 已存在；如要替换请加 --force（未写入任何文件）"
    ),
    "a leader's session sets up no desk": "领导只读会话不能设置值班台",
    "init stopped; nothing was written": "init 已中止；未写入任何文件",
    # what was made, what comes next
    "Desk “{name}” is set up ({zone}; shift changes: {rota}; units: {count}).": (
        "值班台“{name}”已设置好（{zone}；交接班：{rota}；报送单位：{count} 个）。"
    ),
    "none": "无",
    "config file: {path}": "配置文件：{path}",
    "database:    {path}": "数据库：  {path}",
    "drop folder: {path}": "收件夹：  {path}",
    "Next:": "接下来：",
    "{step}:": "{step}：",
    "go on duty": "开始值班",
    "import a file of requests (CSV, xlsx, JSON…)": "导入一个需求文件（CSV、xlsx、JSON…）",
    "import what is dropped into {path} (keep it running)": ("导入放进 {path} 的文件（保持运行）"),
    "open the dashboard": "打开值班台界面",
    # --help of init
    "Set up a new desk: write a commented config file and create the database. It asks "
    "for the desk's name, its time zone (suggested from the system), the interface "
    "language, the shift rota, the units that owe a daily report and a drop folder for "
    "incoming request files; Enter takes the default shown in [brackets], Ctrl-C stops "
    "without writing anything. A flag answers its question instead; with --no-input (or "
    "when standard input is not a terminal) nothing is asked and the defaults fill in what "
    "no flag gives. An existing config or database is never replaced without --force.": (
        "设置新的值班台：写一份带注释的配置文件，并建立数据库。会依次询问值班台名称、时区"
        "（按系统设置给出建议）、界面语言、交接班时间、每天须报送的单位，以及需求文件的收件夹；"
        "直接回车采用 [方括号] 中的默认值，Ctrl-C 中止且不写入任何文件。给出某个选项即代替"
        "对应的问题；加 --no-input（或标准输入不是终端时）则什么都不问，没有给出的项一律用默认值。"
        "已有的配置文件或数据库，不加 --force 绝不替换。"
    ),
    "examples:\n"
    "  dutyboard init\n"
    "  dutyboard init --config ~/desk/config.toml --db ~/desk/duty.db\n"
    "  dutyboard --lang zh_CN init\n"
    "  dutyboard init --no-input --name 'Provincial duty desk' \\\n"
    "      --timezone Asia/Shanghai --rota '08:00, 20:00' \\\n"
    "      --unit 'Jilin University' --unit 'Changchun FAO' \\\n"
    "      --drop-folder /srv/duty/inbox/requests\n"
    "\n"
    "What it asks and writes, and the first commands after it: docs/first-night.md.": (
        "示例：\n"
        "  dutyboard init\n"
        "  dutyboard init --config ~/desk/config.toml --db ~/desk/duty.db\n"
        "  dutyboard --lang zh_CN init\n"
        "  dutyboard init --no-input --name '吉林省外办值班台' \\\n"
        "      --timezone Asia/Shanghai --rota '08:00, 20:00' \\\n"
        "      --unit '吉林大学' --unit '长春市外办' \\\n"
        "      --drop-folder /srv/duty/inbox/requests\n"
        "\n"
        "会问什么、写哪些文件、之后先运行哪些命令：见 docs/first-night.md。"
    ),
    "the database to create (default: $DUTYBOARD_DB or the user data dir)": (
        "要建立的数据库（默认：$DUTYBOARD_DB，否则为用户数据目录）"
    ),
    "the config file to write (default: $DUTYBOARD_CONFIG or the user config dir)": (
        "要写入的配置文件（默认：$DUTYBOARD_CONFIG，否则为用户配置目录）"
    ),
    "the desk's name, shown in the header": "值班台名称，显示在顶栏",
    "the desk's IANA time zone (default: the system's, else UTC)": (
        "值班台的 IANA 时区（默认：系统时区，否则为 UTC）"
    ),
    "language of the questions and messages (the global --lang), and the default of "
    "--desk-lang": "提问和提示所用的语言（即全局 --lang），也是 --desk-lang 的默认值",
    "the interface language written into the config as desk.lang (default: --lang, else "
    "the environment's)": "写入配置 desk.lang 的界面语言（默认：--lang，否则按运行环境）",
    'shift change times, desk time, e.g. "08:00, 20:00" (the default); "-" for none': (
        '交接班时间，按值班台时间，例如 "08:00, 20:00"（默认值）；"-" 表示不设'
    ),
    'a unit that owes a report "daily by 17:00" (repeat for more; --unit "" for none)': (
        '须“每天 17:00 前”报送的单位（可重复给出多个；--unit "" 表示无）'
    ),
    'a folder for incoming request files, made if missing (--drop-folder "" for none, '
    "the default)": '需求文件的收件夹，不存在则新建（--drop-folder "" 表示无，即默认）',
    "ask nothing: the flags, else the defaults": "什么都不问：用给出的选项，其余用默认值",
    "replace an existing config and database": "替换已有的配置文件和数据库",
    # --help of completion
    "Print a completion script for SHELL on standard output. Put it where the shell looks "
    "for completions, then open a new shell; run it again after upgrading dutyboard. No "
    "desk or config is needed.": (
        "在标准输出打印 SHELL 的命令补全脚本。把它放到该 shell 查找补全脚本的位置，"
        "再打开一个新的 shell；升级 dutyboard 后请重新生成。不需要值班台或配置文件。"
    ),
    "where each script goes:\n"
    "  bash  dutyboard completion bash > ~/.local/share/bash-completion/completions/dutyboard\n"
    "        (needs the bash-completion package; or, in ~/.bashrc:\n"
    '         eval "$(dutyboard completion bash)")\n'
    "  zsh   dutyboard completion zsh > ~/.zfunc/_dutyboard\n"
    "        (and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath))\n"
    "  fish  dutyboard completion fish > ~/.config/fish/completions/dutyboard.fish": (
        "各脚本放在哪里：\n"
        "  bash  dutyboard completion bash > ~/.local/share/bash-completion/completions/dutyboard\n"
        "        （需要安装 bash-completion；或者在 ~/.bashrc 中写：\n"
        '         eval "$(dutyboard completion bash)"）\n'
        "  zsh   dutyboard completion zsh > ~/.zfunc/_dutyboard\n"
        "        （并在 ~/.zshrc 的 compinit 之前写：fpath=(~/.zfunc $fpath)）\n"
        "  fish  dutyboard completion fish > ~/.config/fish/completions/dutyboard.fish"
    ),
    "the shell: bash, zsh or fish": "shell：bash、zsh 或 fish",
    "{url}: the config keeps this URL, so give it without its password and put the password in ~/.pgpass ($PGPASSFILE) or a service file": "{url}：配置文件会保存这个 URL，因此请给出不含密码的 URL，并把密码放到 ~/.pgpass（$PGPASSFILE）或服务文件（service file）中",
    "{url} already holds a desk; pass --force to write the config for it (the desk itself is kept as it is; nothing was written)": "{url} 中已有值班台；如要为它写入配置，请加 --force（值班台本身保持原样；未写入任何内容）",
    "{url}: schema {schema} holds another program's tables ({tables}); nothing was written: give a database or schema of the desk's own": "{url}：模式 {schema} 中有其他程序的表（{tables}）；未写入任何内容：请为值班台另给一个专用的数据库或模式",
}
