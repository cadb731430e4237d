"""The words pasted messages are read by (``pastefields``): items, units, organisations,
titles, roles, cities, labels and the little words left out of a record's notes.

Plain tables, no behaviour. They were written from what desks received in 2020: 接龙
lists of units asking for masks, protective suits and disinfectant; suppliers in Sri
Lanka, Pakistan, India, Malaysia, Germany and the United States offering them; overseas
contacts of a federation, a county's working groups and a trade council's offices. A
word missing here is not lost: what no rule places stays in the record's notes.
"""

from __future__ import annotations

# fmt: off

# What desks asked for and were offered, Chinese first (longest spellings win where
# one contains another: 免洗洗手液 before 洗手液).
ITEMS_CN: tuple[str, ...] = (
    "口罩", "防护服", "隔离衣", "手术衣", "防护面罩", "防护面屏", "面屏", "面罩", "护目镜",
    "防护眼镜", "手套", "鞋套", "靴套", "帽子", "医用帽", "手术帽", "防护帽", "消毒液", "消毒水",
    "消毒片", "泡腾片", "消毒剂", "消毒粉", "酒精", "洗手液", "免洗洗手液", "手消", "额温枪",
    "体温枪", "体温计", "温度计", "测温仪", "测温枪", "呼吸机", "制氧机", "监护仪", "试剂盒",
    "检测试剂", "检测盒", "喷雾器", "雾化器", "担架", "帐篷", "被子", "棉被", "床单", "大米",
    "食用油", "方便面", "矿泉水", "药品", "连花清瘟", "中药", "输液器", "注射器", "棉签",
    "纱布", "垃圾袋", "医疗废物袋", "紫外线灯", "消毒灯", "防护鞋", "胶鞋", "雨衣", "防护用品",
    "蔬菜", "牛奶", "口罩机", "熔喷布", "无纺布", "核酸检测试剂", "抗原检测试剂", "病床",
)
# English items, singular and plural (lower case; matched whole words, case-insensitive).
ITEMS_EN: tuple[str, ...] = (
    "masks", "mask", "respirators", "respirator", "gloves", "glove", "gowns", "gown",
    "coveralls", "coverall", "protective suits", "protective suit", "protective clothing",
    "isolation gowns", "face shields", "face shield", "goggles", "safety glasses",
    "shoe covers", "boot covers", "caps", "bouffant caps", "thermometers", "thermometer",
    "thermometer guns", "disinfectant", "disinfectants", "sanitizer", "sanitiser",
    "sanitizers", "sanitisers", "hand sanitizer", "hand sanitiser", "hand wash", "alcohol",
    "ventilators", "ventilator", "oxygen concentrators", "oxygen concentrator",
    "test kits", "test kit", "testing kits", "swabs", "ppe", "wipes", "bleach",
    "patient monitors", "monitors", "stretchers", "body bags", "syringes", "rice",
    "infusion sets", "meltblown fabric", "melt-blown fabric", "non-woven fabric",
    "disinfection tablets", "chlorine tablets", "hand gel", "visors", "aprons",
    "surgical caps", "blankets", "oximeters", "pulse oximeters", "nebulizers",
)
# Words before an item that belong to it: grades, materials, kinds.
ITEM_MODIFIERS_CN: tuple[str, ...] = (
    "医用外科", "医用防护", "医用", "外科", "一次性", "防护", "丁腈", "乳胶", "橡胶", "无菌",
    "红外", "非接触式", "非接触", "额温", "电子", "隔离", "儿童", "成人", "普通", "民用",
    "工业", "n95", "kn95", "ffp2", "ffp3", "ffp1", "kf94", "84", "75%", "三层", "3层",
    "独立包装", "免洗", "含氯", "过氧乙酸", "无创", "有创", "全自动", "便携式", "医疗",
    "核酸", "抗原", "新冠", "手术", "检查", "连体", "分体", "加厚", "防雾",
)
ITEM_MODIFIERS_EN: frozenset[str] = frozenset((
    "surgical", "medical", "disposable", "nitrile", "latex", "vinyl", "examination", "exam",
    "protective", "isolation", "infrared", "non-contact", "noncontact", "forehead",
    "digital", "powder-free", "powder", "free", "sterile", "reusable", "pcr", "antigen",
    "rapid", "alcohol-based", "3-ply", "3ply", "ply", "level", "face", "hand", "n95",
    "kn95", "ffp1", "ffp2", "ffp3", "kf94", "hospital", "icu", "portable", "invasive",
    "non-invasive", "covid-19", "covid", "oxygen", "full", "body", "cotton", "safety",
    "industrial", "blue", "white", "adult", "kids", "children", "ear-loop", "earloop",
    "fluid-resistant", "anti-fog", "type", "iir", "ii", "i", "1", "2", "3", "iii",
))

# Units of measure a quantity may carry, besides values.KNOWN_UNITS (longest first is
# worked out where they are used).
UNITS_EXTRA: tuple[str, ...] = (
    "pieces", "piece", "pcs.", "boxes", "pairs", "sets", "bottles", "cartons", "units",
    "kits", "tests", "rolls", "litres", "liters", "litre", "liter", "gallons", "drums",
    "packs", "bags", "sheets", "tons", "tonnes", "vials", "doses", "dozens", "each",
    "个", "只", "件", "箱", "盒", "包", "双", "副", "套", "瓶", "袋", "台", "把", "顶", "片",
    "支", "桶", "卷", "张", "吨", "公斤", "千克", "升", "毫升", "人份", "份", "条", "辆",
    "架", "枚", "对", "组", "批", "斤", "罐", "壶",
)

# The ends of Chinese organisation names: a chunk ending (or, for the longer ones,
# holding) one of these is a unit, a supplier or a contact's organisation.
ORG_ENDS_CN: tuple[str, ...] = (
    "医院", "卫生院", "卫生室", "卫生服务中心", "中学", "小学", "大学", "学院", "学校",
    "一中", "二中", "三中", "四中", "五中", "六中", "七中", "八中", "九中", "十中", "附中",
    "幼儿园", "社区", "街道", "居委会", "村委会", "村", "镇", "乡", "政府", "局", "委",
    "办", "办公室", "中心", "所", "站", "公司", "集团", "协会", "商会", "侨联", "分会",
    "总会", "联合会", "联谊会", "工作组", "志愿队", "服务队", "车队", "部", "处", "科",
    "馆", "领事馆", "使馆", "大使馆", "总领馆", "养老院", "敬老院", "福利院", "派出所",
    "监狱", "厂", "工厂", "企业", "超市", "药店", "药房", "酒店", "宾馆", "研究所", "研究院",
    "实验室", "检验所", "疾控中心", "卫健委", "红十字会", "基金会", "有限公司", "股份公司",
    "商行", "贸易", "实业", "药业", "科技", "医疗", "器械", "同乡会", "学生会", "留学生会",
    "联合总会", "服务中心", "指挥部", "工作站", "代表处", "办事处", "高速", "收费站",
)
# English organisation words (lower case): a capitalised phrase holding one is an org.
ORG_WORDS_EN: frozenset[str] = frozenset((
    "university", "school", "institute", "hospital", "clinic", "college", "center",
    "centre", "office", "association", "chamber", "council", "federation", "company",
    "co", "co.", "ltd", "ltd.", "limited", "inc", "inc.", "llc", "gmbh", "ag", "pvt",
    "pvt.", "private", "sdn", "bhd", "bhd.", "corp", "corp.", "corporation", "group",
    "trading", "traders", "enterprises", "enterprise", "industries", "industry", "pharma",
    "pharmaceuticals", "pharmaceutical", "healthcare", "health", "supplies", "supply",
    "suppliers", "imports", "exports", "import", "export", "embassy", "consulate",
    "foundation", "society", "union", "club", "department", "bureau", "ministry",
    "agency", "committee", "bank", "hotel", "factory", "manufacturing", "solutions",
    "technologies", "technology", "labs", "laboratories", "medical", "medicals", "surgical",
    "plc", "s.a.", "srl", "b.v.", "kg", "oy", "a/s", "ab", "lp", "llp", "sa", "spa",
    "distributors", "distribution", "logistics", "holdings", "mills", "rubber", "gloves",
    "textiles", "apparel", "garments", "lanka", "international", "global", "overseas",
    "students", "community", "church", "temple", "mosque", "network", "s.r.o.", "a.s.",
    "sas", "sarl", "fze", "fzco", "fz-llc", "pt", "tbk", "pte",
))
# Words that join the parts of an English organisation's name.
ORG_JOINERS_EN: frozenset[str] = frozenset(("of", "for", "and", "&", "the", "de", "in", "du"))

# Titles after a Chinese surname ("王老师", "李主任"): that is a person.
TITLES_CN: tuple[str, ...] = (
    "老师", "主任", "医生", "大夫", "经理", "先生", "女士", "小姐", "院长", "副院长", "科长",
    "处长", "书记", "部长", "校长", "护士长", "会长", "副会长", "秘书长", "主席", "总监",
    "教授", "博士", "同学", "站长", "所长", "局长", "馆长", "领事", "参赞", "干事", "队长",
    "组长", "总", "工", "姐", "哥", "阿姨", "师傅",
)
# Common Chinese surnames (two-character ones first).
SURNAMES_CN: tuple[str, ...] = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒",
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹"
    "申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管"
    "柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑"
    "迟邝楼寿宣郦屠斯",
    # Japanese surnames as Chinese desks write them (a sister city's contacts).
    "佐藤", "铃木", "高桥", "田中", "渡边", "伊藤", "山本", "中村", "小林", "加藤", "吉田",
    "山田", "佐佐木", "松本", "井上", "木村",
)
# English honorifics kept with the name they go with ("Mr. Ahmed Khan").
HONORIFICS_EN: frozenset[str] = frozenset(
    ("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mr.", "mrs.", "ms.", "dr.",
     "prof.")
)

# Roles a contact holds (contacts' role field), Chinese and English.
ROLES_CN: tuple[str, ...] = (
    "副秘书长", "秘书长", "副会长", "常务副会长", "执行会长", "会长", "副主席", "主席",
    "总经理", "副总经理", "经理", "董事长", "总领事", "副总领事", "领事", "参赞", "秘书",
    "志愿者", "负责人", "学生会主席", "留学生代表", "学生代表", "联络员", "协调员",
    "采购负责人", "采购", "主任", "副主任", "处长", "科长", "教授", "医生", "护士长",
    "翻译", "司机", "理事", "常务理事", "代表", "首席代表", "干事", "管理员", "群主",
    "联络人", "召集人", "顾问",
)
ROLES_EN: tuple[str, ...] = (
    "secretary general", "secretary-general", "deputy secretary general", "president",
    "vice president", "vice-president", "chairman", "chairwoman", "chair", "director",
    "deputy director", "managing director", "general manager", "sales manager",
    "procurement manager", "export manager", "manager", "ceo", "coo", "cfo", "founder",
    "owner", "consul general", "consul-general", "consul", "counsellor", "attaché",
    "secretary", "coordinator", "volunteer", "student representative", "student",
    "professor", "representative", "chief representative", "head of procurement",
    "officer", "liaison officer", "liaison", "admin", "group admin", "doctor", "nurse",
    "pharmacist", "translator", "driver", "treasurer", "partner", "agent", "sales",
)

# Cities people name in messages → ISO country. (zone_guess knows the zones; a city of
# tzdata's own names is also found through it.)
CITIES: dict[str, str] = {
    "colombo": "LK", "科伦坡": "LK", "kandy": "LK", "康提": "LK", "galle": "LK",
    "negombo": "LK", "katunayake": "LK", "gampaha": "LK",
    "karachi": "PK", "卡拉奇": "PK", "lahore": "PK", "拉合尔": "PK", "islamabad": "PK",
    "伊斯兰堡": "PK", "rawalpindi": "PK", "faisalabad": "PK", "sialkot": "PK", "锡亚尔科特": "PK",
    "peshawar": "PK", "白沙瓦": "PK",
    "thimphu": "BT", "廷布": "BT", "paro": "BT", "phuentsholing": "BT",
    "mumbai": "IN", "孟买": "IN", "new delhi": "IN", "新德里": "IN", "delhi": "IN",
    "chennai": "IN", "金奈": "IN", "bangalore": "IN", "bengaluru": "IN", "班加罗尔": "IN",
    "kolkata": "IN", "加尔各答": "IN", "hyderabad": "IN", "ahmedabad": "IN", "pune": "IN",
    "kuala lumpur": "MY", "吉隆坡": "MY", "penang": "MY", "槟城": "MY", "johor bahru": "MY",
    "新山": "MY", "ipoh": "MY", "怡保": "MY", "klang": "MY", "巴生": "MY", "shah alam": "MY",
    "selangor": "MY", "雪兰莪": "MY", "kuching": "MY", "古晋": "MY",
    "hamburg": "DE", "汉堡": "DE", "frankfurt": "DE", "法兰克福": "DE", "munich": "DE",
    "münchen": "DE", "慕尼黑": "DE", "berlin": "DE", "柏林": "DE", "düsseldorf": "DE",
    "dusseldorf": "DE", "杜塞尔多夫": "DE", "cologne": "DE", "köln": "DE", "科隆": "DE",
    "stuttgart": "DE", "斯图加特": "DE",
    "new york": "US", "纽约": "US", "los angeles": "US", "洛杉矶": "US", "chicago": "US",
    "芝加哥": "US", "houston": "US", "休斯顿": "US", "seattle": "US", "西雅图": "US",
    "san francisco": "US", "旧金山": "US", "boston": "US", "波士顿": "US", "atlanta": "US",
    "miami": "US", "dallas": "US", "new jersey": "US", "新泽西": "US",
    "london": "GB", "伦敦": "GB", "manchester": "GB", "曼彻斯特": "GB", "birmingham": "GB",
    "paris": "FR", "巴黎": "FR", "lyon": "FR", "里昂": "FR", "marseille": "FR",
    "milan": "IT", "milano": "IT", "米兰": "IT", "rome": "IT", "罗马": "IT", "prato": "IT",
    "普拉托": "IT", "madrid": "ES", "马德里": "ES", "barcelona": "ES", "巴塞罗那": "ES",
    "warsaw": "PL", "华沙": "PL", "prague": "CZ", "布拉格": "CZ", "helsinki": "FI",
    "赫尔辛基": "FI", "tel aviv": "IL", "特拉维夫": "IL", "jerusalem": "IL",
    "bangkok": "TH", "曼谷": "TH", "johannesburg": "ZA", "约翰内斯堡": "ZA", "cape town": "ZA",
    "开普敦": "ZA", "bogotá": "CO", "bogota": "CO", "波哥大": "CO",
    "tokyo": "JP", "东京": "JP", "osaka": "JP", "大阪": "JP", "mito": "JP", "水户": "JP",
    "seoul": "KR", "首尔": "KR", "dhaka": "BD", "达卡": "BD", "kathmandu": "NP",
    "加德满都": "NP", "istanbul": "TR", "伊斯坦布尔": "TR", "dubai": "AE", "迪拜": "AE",
    "moscow": "RU", "莫斯科": "RU", "sydney": "AU", "悉尼": "AU", "melbourne": "AU",
    "墨尔本": "AU", "toronto": "CA", "多伦多": "CA", "vancouver": "CA", "温哥华": "CA",
    "singapore": "SG", "jakarta": "ID", "雅加达": "ID", "manila": "PH", "马尼拉": "PH",
    "hanoi": "VN", "河内": "VN", "ho chi minh city": "VN", "胡志明市": "VN",
    "budapest": "HU", "布达佩斯": "HU", "vienna": "AT", "维也纳": "AT", "amsterdam": "NL",
    "阿姆斯特丹": "NL", "rotterdam": "NL", "鹿特丹": "NL", "brussels": "BE", "布鲁塞尔": "BE",
    "zurich": "CH", "zürich": "CH", "苏黎世": "CH", "geneva": "CH", "日内瓦": "CH",
    "lisbon": "PT", "里斯本": "PT", "athens": "GR", "雅典": "GR", "stockholm": "SE",
    "斯德哥尔摩": "SE", "oslo": "NO", "奥斯陆": "NO", "copenhagen": "DK", "哥本哈根": "DK",
    "dublin": "IE", "都柏林": "IE", "são paulo": "BR", "sao paulo": "BR", "圣保罗": "BR",
    "mexico city": "MX", "墨西哥城": "MX", "lima": "PE", "利马": "PE", "santiago": "CL",
    "buenos aires": "AR", "布宜诺斯艾利斯": "AR", "nairobi": "KE", "内罗毕": "KE",
    "lagos": "NG", "拉各斯": "NG", "cairo": "EG", "开罗": "EG", "riyadh": "SA",
    "利雅得": "SA", "tehran": "IR", "德黑兰": "IR", "tashkent": "UZ", "塔什干": "UZ",
    "almaty": "KZ", "阿拉木图": "KZ", "ulaanbaatar": "MN", "乌兰巴托": "MN",
    "yangon": "MM", "仰光": "MM", "phnom penh": "KH", "金边": "KH", "vientiane": "LA",
    "万象": "LA", "male": "MV", "马累": "MV", "auckland": "NZ", "奥克兰": "NZ",
    "valencia": "ES", "瓦伦西亚": "ES", "florence": "IT", "佛罗伦萨": "IT", "turin": "IT",
    "都灵": "IT", "venice": "IT", "威尼斯": "IT", "naples": "IT", "那不勒斯": "IT",
    "bologna": "IT", "博洛尼亚": "IT", "padua": "IT", "帕多瓦": "IT", "porto": "PT",
    "波尔图": "PT", "hamilton": "CA", "montreal": "CA", "蒙特利尔": "CA", "perth": "AU",
    "珀斯": "AU", "brisbane": "AU", "布里斯班": "AU",
    # Chinese cities, for contacts and arrivals at home.
    "beijing": "CN", "北京": "CN", "shanghai": "CN", "上海": "CN", "changsha": "CN",
    "长沙": "CN", "chengdu": "CN", "成都": "CN", "chongqing": "CN", "重庆": "CN",
    "changchun": "CN", "长春": "CN", "wuhan": "CN", "武汉": "CN", "guangzhou": "CN",
    "广州": "CN", "shenzhen": "CN", "深圳": "CN", "hangzhou": "CN", "杭州": "CN",
    "zhuji": "CN", "诸暨": "CN", "yueyang": "CN", "岳阳": "CN", "zhuzhou": "CN",
    "株洲": "CN", "xiangtan": "CN", "湘潭": "CN", "hong kong": "HK", "香港": "HK",
}
# Peoples' and countries' adjectives: a lead's "Finnish supplier", "German company".
# Weaker than a country or a city named: read only when neither is.
DEMONYMS: dict[str, str] = {
    "sri lankan": "LK", "pakistani": "PK", "indian": "IN", "bhutanese": "BT",
    "malaysian": "MY", "german": "DE", "american": "US", "finnish": "FI", "french": "FR",
    "polish": "PL", "czech": "CZ", "israeli": "IL", "thai": "TH", "colombian": "CO",
    "south african": "ZA", "japanese": "JP", "korean": "KR", "italian": "IT",
    "spanish": "ES", "british": "GB", "hungarian": "HU", "dutch": "NL", "turkish": "TR",
    "indonesian": "ID", "vietnamese": "VN", "singaporean": "SG", "nepalese": "NP",
    "bangladeshi": "BD", "canadian": "CA", "australian": "AU", "swiss": "CH",
}

# Labels written before a value with a colon ("电话：", "Tel:"), by the field they name
# when the aliases of ``aliases.ALIASES`` do not already say it. (Most labels are read
# through ``aliases.target_for_header``.)
EXTRA_LABELS: dict[str, str] = {
    "supplier lead": "supplier", "供应线索": "supplier",
    "货源": "supplier", "from": "org", "来自": "org", "需求": "item", "物资需求": "item",
    "需要": "item", "需": "item", "规格": "item", "产品": "item", "型号": "item",
    "contact": "person", "联系人": "person", "whatsapp": "whatsapp", "wa": "whatsapp",
    "wechat": "wechat", "微信": "wechat", "mob": "phone", "mobile": "phone", "tel": "phone",
    "product": "item", "item": "item", "items": "item",
    "ph": "phone", "phone": "phone", "电话": "phone", "手机": "phone", "email": "email",
    "邮箱": "email", "location": "city", "所在地": "city", "地点": "city", "地址": "address",
    "address": "address", "moq": "moq", "起订量": "moq",
}

# Little words left out of a record's notes when nothing else is left around them.
FILLER: frozenset[str] = frozenset((
    "需要", "急需", "需", "要", "申请", "求购", "提供", "供应", "可供", "可提供", "可供应",
    "有", "现有", "我们", "我司", "本公司", "谢谢", "感谢", "麻烦", "请", "各位", "大家",
    "好", "您好", "你好", "的", "和", "及", "与", "共", "共计", "一共", "约", "左右", "以上",
    "接龙", "登记", "报", "上报", "目前", "现在", "可以", "能", "可", "另", "另外", "还有",
    "hi", "hello", "dear", "all", "pls", "please", "can", "could", "we", "have", "has",
    "offer", "offers", "offering", "supply", "supplies", "available", "need", "needs",
    "needed", "is", "are", "the", "a", "an", "of", "for", "in", "at", "to", "with", "and",
    "from", "by", "on", "our", "us", "i", "am", "will", "be", "also", "qty", "quantity",
    "price", "unit", "thanks", "thank", "you", "regards", "best", "team", "hey", "ok",
    "sir", "madam", "friends", "kindly", "as", "per", "it", "this", "that", "these",
    "those", "or", "get", "do", "does", "we're", "we've", "it's", "lead", "supplier",
    "contact", "details", "info", "new", "request", "requests", "requesting", "required",
    "require", "requires", "want", "wants", "looking", "urgent", "now", "up", "any",
    "some", "there", "here", "via", "within", "than", "more", "less", "about", "around",
    "ready", "days", "day", "approx", "per", "each", "only", "sell", "selling", "sale",
))
# fmt: on
