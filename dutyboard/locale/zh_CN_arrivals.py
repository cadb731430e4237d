"""Simplified Chinese for arrivals and the roll-call: the shipment form, states, reminders."""

MESSAGES: dict[str, str] = {
    # the arrivals list: columns with a context (plain "What", "Kind", "From" are the
    # supplies ledger's 项目, 方式, 来源: wrong for an arrival)
    "arrival\x04Ref": "航班/单号",
    "arrival\x04What": "内容",
    "arrival\x04From": "始发地",
    "arrival\x04Kind": "类别",
    # hold-up marks before "What" in a narrow panel
    "permit?": "航权?",
    "customs?": "清关?",
    # keys, the filter, landing
    "New arrival": "新建到达",
    "Edit": "编辑",
    "A shipment or traveller on its way: the arrivals form (key N there)": (
        "在途的物资或人员：到达登记表（到达面板按 N）"
    ),
    "filter arrivals: reference, contents, origin, state · esc clear": (
        "筛选到达：单号、内容、始发地、状态 · esc 清除"
    ),
    "“{text}”, any ETA": "“{text}”，不限到达时间",
    "Landed?": "已落地？",
    "#{id} {what} has landed (now)?": "#{id} {what} 已落地（现在）？",
    "#{id} is {status}: it cannot be marked landed": "#{id} 当前为{status}，不能标记为已落地",
    # the arrival form
    "Edit arrival #{id}": "编辑到达 #{id}",
    "Kind: goods or person": "类别：物资或人员",
    "goods / person": "物资 / 人员",
    "Reference (flight, waybill, container)": "航班号、运单号或集装箱号",
    "CZ8421": "CZ8421",  # example values, the same in both languages
    "Europe/Budapest": "Europe/Budapest",
    "Traveller's name (a person)": "旅客姓名（人员）",
    "Li Ming": "李明",
    "Contents (goods)": "内容（物资）",
    "medical masks": "医用口罩",
    "1,900,000 pcs or 5万": "1,900,000 只 或 5万",
    "Origin city": "始发城市",
    "Budapest": "布达佩斯",
    "Origin country": "始发国家",
    "HU, Hungary or 匈牙利": "HU、Hungary 或 匈牙利",
    "Origin time zone (blank: from the country and city)": "始发地时区（留空：按国家和城市推断）",
    "ETA ({zone})": "预计到达时间（{zone}）",
    "2020-02-06 01:00, +2h, tomorrow 09:00": "2020-02-06 01:00、+2h、明天 09:00",
    "Linked lead (its number or supplier; optional)": "关联线索（编号或供应商，可选）",
    "12 or Budapest Medical": "12 或 Budapest Medical",
    "Flight permit": "航权",
    "pending / granted / blank: none": "待批 / 已批 / 留空：无",
    "Customs": "清关",
    "pending / cleared / blank: none": "待清关 / 已清关 / 留空：无",
    "cannot be negative": "不能为负数",
    "is neither goods nor a person (goods / person)": "既不是物资也不是人员（物资 / 人员）",
    "is not a permit state (pending / granted / none)": "不是航权状态（待批 / 已批 / 无）",
    "is not a customs state (pending / cleared / none)": "不是清关状态（待清关 / 已清关 / 无）",
    "a person needs the traveller's name": "人员须填写旅客姓名",
    "goods need their contents or a reference (flight, waybill)": "物资须填写内容或单号（航班、运单）",
    "a {state} arrival keeps its kind": "{state}的到达不能更改类别",
    "no lead has the number or supplier “{text}”": "没有编号或供应商为“{text}”的线索",
    "Which lead is “{text}”?": "“{text}”是哪条线索？",
    "choose one of the leads": "请从线索中选择一条",
    "arrival added: {what}": "已登记到达：{what}",
    "no origin zone: give one to see its local time": "无始发地时区：填写后可显示当地时间",
    "#{id} updated": "#{id} 已更新",
    "#{id}: nothing changed": "#{id}：没有改动",
}
