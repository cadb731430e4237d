"""Simplified Chinese for "a real night at the desk" (issue 18): live times and the
handover screen's questions before closing. Merged into ``zh_CN.MESSAGES``; each key
appears in one catalog only."""

MESSAGES: dict[str, str] = {
    # the shift panel: when the shift began, and how long it has run
    "since {time} ({span})": "自 {time} 起（{span}）",
    # leaving or quitting the handover screen with unsaved notes (y/n)
    "The handover notes are not saved": "交接备注尚未保存",
    "Save them and leave? (n: stay and keep editing)": "保存并离开吗？（n：留下继续编辑）",
    "Save them and quit? (n: stay and keep editing)": "保存并退出吗？（n：留下继续编辑）",
    # handover states, read as words (status_label)
    "draft": "草稿",
    "signed": "已签署",
}
