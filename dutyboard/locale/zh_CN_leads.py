"""Simplified Chinese for following up leads (issue 18 #5): the next action, picks and
moving several leads, goods received booked into the ledger. Merged into
``zh_CN.MESSAGES``; each key appears in one catalog only."""

MESSAGES: dict[str, str] = {
    # picks
    "{n} picked · s move all": "已选 {n} 条 · s 全部移动",
    # status changes
    "next action cleared (t sets one)": "已清除下一步（按 t 设置）",
    "Lead #{id} ({supplier}, {item}) received": "线索 #{id}（{supplier}，{item}）已到货",
    "Quantity received ({unit})": "到货数量（{unit}）",
    "lead #{id} not received, nothing booked: {error}": "线索 #{id} 未到货，未入账：{error}",
    "lead #{id} received; supply #{entry} booked in the ledger": (
        "线索 #{id} 已到货；物资 #{entry} 已记入台账"
    ),
    "no stage is legal for all {n} picked leads": "没有对所选 {n} 条线索都合法的阶段",
    "Why drop {n} leads?": "为何放弃这 {n} 条线索？",
    "Move {n} picked leads to": "将所选 {n} 条线索移至",
    "received books each lead's own quantity · esc cancel": "到货按各线索自身数量入账 · esc 取消",
    "{moved} of {n} leads → {status}": "{n} 条线索中 {moved} 条 → {status}",
    "refused as stale (changed meanwhile): {ids}": "已被他人修改，拒绝：{ids}",
    # the next-action form
    "lead #{id}: next action set": "线索 #{id}：已设置下一步",
    "lead #{id}: next action cleared": "线索 #{id}：已清除下一步",
    "Next action for lead #{id} ({supplier}, {item})": "线索 #{id}（{supplier}，{item}）的下一步",
    "When ({zone}; empty: none)": "时间（{zone}；留空：无）",
    "tomorrow 09:00, +2h or 2020-02-05 14:00": "tomorrow 09:00、+2h 或 2020-02-05 14:00",
    "call back about the price": "回电商谈价格",
    "is not a time of day": "不是有效的时刻",
}
