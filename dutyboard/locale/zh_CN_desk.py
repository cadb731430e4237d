"""Simplified Chinese for leads' next actions, contacts' roles, roll-call, the planner edit conflicts and the session log."""

MESSAGES: dict[str, str] = {
    # Leads: the next action's text (issue 18).
    "To do": "待办",
    "What to do (empty: nothing)": "要做什么（留空：无）",
    "Next action: what to do": "下一步：要做什么",
    # The session's log and the one handler of worker failures (issue 19).
    "Log": "日志",
    "This session's log: what failed, with the details a notice leaves out": "本次会话的日志：出错的地方，以及提示里没写的细节",
    "Something went wrong ({what}: {error}). Details in the log: {where}": "出错了（{what}：{error}）。详情见日志：{where}",
    "Log: {where}": "日志：{where}",
    "memory only (a leader's session writes no file)": "仅在内存中（领导会话不写任何文件）",
    "nothing logged in this session": "本次会话没有记录",
}
