"""Simplified Chinese for leads' next actions, contacts' roles, roll-call, the planner and edit conflicts."""

MESSAGES: dict[str, str] = {
    # Leads: the next action's text (issue 18).
    "To do": "待办",
    "What to do (empty: nothing)": "要做什么（留空：无）",
    "Next action: what to do": "下一步：要做什么",
}
