"""Fixed reference facts the demo college is built from.

Everything here is data about the fictional 望湖职业技术学院 (not a real school) or public
code lists it uses. Major codes are 2021 职业教育专业目录 专科 codes with their 2015-catalog
predecessors; the full catalog and crosswalk ship with the hub's standards (issue 4), and the
official 教育部 file is the authority where the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

COLLEGE_NAME = "望湖职业技术学院"
COLLEGE_NAME_EN = "Wanghu Vocational & Technical College"
# A 10-digit 国标学校代码 in the 41xxx (高职) range that no real school holds in our list.
COLLEGE_CODE = "4133019999"
EMAIL_DOMAIN = "whvtc.edu.cn"

# Surnames with rough frequency weights (per mille of the population, rounded).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤"
)
SURNAME_WEIGHTS = [
    72,
    72,
    68,
    55,
    47,
    31,
    24,
    23,
    21,
    19,
    18,
    15,
    13,
    12,
    12,
    11,
    11,
    11,
    10,
    9,
    9,
    9,
    8,
    8,
    8,
    7,
    7,
    7,
    7,
    7,
    7,
    7,
    6,
    6,
    6,
    6,
    5,
    5,
    5,
    5,
    5,
    5,
    5,
    5,
    5,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    4,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    3,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
    2,
]
# Given-name characters common in names of people born 1960–2008 (all GBK-encodable on purpose:
# the 学工 export is GBK and real names outside GBK are a later problem, not this demo's).
GIVEN_MALE = "伟强磊军洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国峰成博志文昊轩睿晨子豪天翔泽宏嘉康毅锋"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧琳颖洁倩莹晶欣怡佳悦雨婉萱妍琪涵梦瑶思诗梓菲晓蕾璐露月彤婧玥蓉薇琴"
GIVEN_NEUTRAL = "一子文雨佳思宇嘉晨欣诗梓可心安乐然语若浩俊雅"

# GB/T 3304 民族 codes with a realistic share in a Zhejiang college (per ten thousand).
ETHNICITY_WEIGHTS = {
    "01": 9700,
    "03": 40,
    "06": 35,
    "08": 35,
    "15": 30,
    "22": 40,
    "11": 25,
    "07": 20,
    "09": 20,
    "12": 15,
    "13": 10,
    "14": 10,
    "10": 8,
    "02": 6,
    "04": 3,
    "05": 3,
}
# GB/T 4762 政治面貌 shares for students and for staff.
POLITICAL_STUDENT = {"03": 0.78, "13": 0.19, "02": 0.02, "01": 0.01}
POLITICAL_STAFF = {"01": 0.58, "13": 0.33, "03": 0.04, "04": 0.01, "05": 0.01, "07": 0.01, "12": 0.02}

# Province shares of students' birthplaces (2-digit GB/T 2260 prefix): a Zhejiang college
# recruits mostly at home, with a tail from the provinces that send students east.
BIRTH_PROVINCE_WEIGHTS = {
    "33": 0.72,
    "34": 0.05,
    "36": 0.04,
    "41": 0.03,
    "52": 0.03,
    "51": 0.025,
    "53": 0.02,
    "42": 0.02,
    "43": 0.02,
    "35": 0.015,
    "45": 0.015,
    "62": 0.01,
    "32": 0.01,
}


@dataclass(frozen=True)
class Department:
    """A 二级学院 (teaching unit) or a functional office; ``code`` is the 单位号 (DWH)."""

    code: str
    name: str
    kind: str  # "teaching" or "office"
    heritage: str = ""


DEPARTMENTS: tuple[Department, ...] = (
    Department("101", "机械工程学院", "teaching", "原机械工业学校"),
    Department("102", "电子信息工程学院", "teaching", "原电子工业学校"),
    Department("103", "化工与材料学院", "teaching", "原化工学校"),
    Department("104", "纺织与服装学院", "teaching", "原纺织工业学校"),
    Department("105", "丝绸与时尚设计学院", "teaching", "原丝绸工业学校"),
    Department("106", "轻工与食品学院", "teaching", "原轻工业学校"),
    Department("107", "信息技术学院", "teaching"),
    Department("108", "商贸管理学院", "teaching"),
    Department("109", "艺术设计学院", "teaching"),
    Department("001", "党政办公室", "office"),
    Department("002", "教务处", "office"),
    Department("003", "学生工作处", "office"),
    Department("004", "人事处", "office"),
    Department("005", "财务处", "office"),
    Department("006", "资产管理处", "office"),
    Department("007", "科研与社会服务处", "office"),
    Department("008", "图书馆", "office"),
    Department("009", "信息与数据中心", "office"),
    Department("010", "招生就业处", "office"),
    Department("011", "质量管理办公室", "office"),
    Department("012", "后勤管理处", "office"),
)
TEACHING_DEPARTMENTS = tuple(d for d in DEPARTMENTS if d.kind == "teaching")
OFFICES = tuple(d for d in DEPARTMENTS if d.kind == "office")


@dataclass(frozen=True)
class Major:
    """A 专业 of the college: 2021 code, name, the 2015 code it replaced, its 学院 and intake weight."""

    code: str
    name: str
    code_2015: str
    department: str
    weight: float


MAJORS: tuple[Major, ...] = (
    Major("460101", "机械设计与制造", "560101", "101", 1.2),
    Major("460103", "数控技术", "560103", "101", 1.0),
    Major("460301", "机电一体化技术", "560301", "101", 1.4),
    Major("460305", "工业机器人技术", "560309", "101", 1.0),
    Major("460702", "新能源汽车技术", "560707", "101", 1.1),
    Major("510101", "电子信息工程技术", "610101", "102", 1.0),
    Major("510102", "物联网应用技术", "610307", "102", 1.0),
    Major("510103", "应用电子技术", "610102", "102", 0.8),
    Major("460306", "电气自动化技术", "560302", "102", 1.1),
    Major("470201", "应用化工技术", "570201", "103", 0.9),
    Major("470203", "精细化工技术", "570203", "103", 0.6),
    Major("430602", "高分子材料智能制造技术", "530602", "103", 0.6),
    Major("480401", "现代纺织技术", "580401", "104", 0.7),
    Major("480403", "数字化染整技术", "580403", "104", 0.6),
    Major("480410", "服装设计与工艺", "580410", "104", 1.0),
    Major("480404", "纺织品检验与贸易", "580404", "104", 0.6),
    Major("480402", "丝绸技术", "580402", "105", 0.5),
    Major("550105", "服装与服饰设计", "650113", "105", 0.9),
    Major("480405", "纺织品设计", "580405", "105", 0.6),
    Major("480201", "包装工程技术", "580201", "106", 0.6),
    Major("490101", "食品智能加工技术", "590101", "106", 0.8),
    Major("490104", "食品检验检测技术", "590104", "106", 0.8),
    Major("480301", "数字印刷技术", "580301", "106", 0.5),
    Major("510201", "计算机应用技术", "610201", "107", 1.5),
    Major("510202", "计算机网络技术", "610202", "107", 1.2),
    Major("510203", "软件技术", "610205", "107", 1.6),
    Major("510205", "大数据技术", "610215", "107", 1.2),
    Major("510206", "云计算技术应用", "610213", "107", 0.8),
    Major("510207", "信息安全技术应用", "610211", "107", 0.8),
    Major("510209", "人工智能技术应用", "610217", "107", 1.0),
    Major("530302", "大数据与会计", "630302", "108", 1.6),
    Major("530701", "电子商务", "630801", "108", 1.4),
    Major("530702", "跨境电子商务", "630805", "108", 1.0),
    Major("530802", "现代物流管理", "630903", "108", 1.0),
    Major("530605", "市场营销", "630701", "108", 1.0),
    Major("540106", "酒店管理与数字化运营", "640105", "108", 0.7),
    Major("550101", "艺术设计", "650101", "109", 0.8),
    Major("550102", "视觉传达设计", "650102", "109", 1.0),
    Major("550103", "数字媒体艺术设计", "650104", "109", 1.1),
    Major("550106", "环境艺术设计", "650111", "109", 0.9),
    Major("510204", "数字媒体技术", "610210", "109", 0.9),
)

# Staff 专业技术职务 (GB/T 8561 style codes) for teachers, with shares.
TEACHER_TITLES = {
    "011": ("教授", 0.06),
    "012": ("副教授", 0.27),
    "013": ("讲师", 0.45),
    "014": ("助教", 0.12),
    "062": ("高级实验师", 0.03),
    "063": ("实验师", 0.04),
    "000": ("未评", 0.03),
}
# GB/T 4658 学历 codes for staff (11 博士, 14 硕士: the standard lists 博士 first).
STAFF_EDUCATION = {
    "11": ("博士研究生毕业", 0.12),
    "14": ("硕士研究生毕业", 0.63),
    "21": ("大学本科毕业", 0.25),
}

# Common and professional course stems; course codes embed the major code (高职 habit).
COMMON_COURSES = (
    ("思想道德与法治", 3, "A", 48, 0),
    ("毛泽东思想和中国特色社会主义理论体系概论", 2, "A", 32, 0),
    ("习近平新时代中国特色社会主义思想概论", 3, "A", 48, 0),
    ("形势与政策", 1, "A", 16, 0),
    ("大学英语", 4, "A", 64, 0),
    ("高等数学", 4, "A", 64, 0),
    ("体育", 2, "C", 32, 0),
    ("信息技术", 3, "B", 48, 0),
    ("大学生心理健康教育", 2, "A", 32, 0),
    ("职业生涯规划", 1, "A", 16, 0),
    ("军事理论", 2, "A", 36, 0),
    ("劳动教育", 1, "C", 16, 0),
    ("创新创业教育", 2, "B", 32, 0),
)
PROFESSIONAL_COURSE_SUFFIXES = (
    "导论",
    "基础",
    "制图与识图",
    "原理",
    "技术应用",
    "综合实训",
    "项目实践",
    "工艺",
    "检测技术",
    "设计",
    "系统集成",
    "岗位实习",
    "专业英语",
    "新技术专题",
)

# 一卡通 merchant categories and merchants: (shop id, parent id, name, category, typical amount yuan).
MERCHANTS = (
    ("1101", "11", "第一食堂一楼", "canteen", 9.0),
    ("1102", "11", "第一食堂二楼", "canteen", 12.0),
    ("1201", "12", "第二食堂", "canteen", 10.0),
    ("1202", "12", "第二食堂清真窗口", "canteen", 11.0),
    ("1301", "13", "教工餐厅", "canteen", 14.0),
    ("1401", "14", "西区风味餐厅", "canteen", 15.0),
    ("2101", "21", "校园超市北区", "shop", 18.0),
    ("2102", "21", "校园超市南区", "shop", 16.0),
    ("2201", "22", "水果店", "shop", 12.0),
    ("2301", "23", "文印中心", "shop", 5.0),
    ("3101", "31", "北区浴室", "bath", 4.0),
    ("3102", "31", "南区浴室", "bath", 4.0),
    ("4101", "41", "开水房", "other", 0.5),
    ("4201", "42", "洗衣房", "other", 4.0),
    ("4301", "43", "图书馆打印", "other", 2.0),
)

# 毕业去向代码 (教育部 就业方案) with shares for a 高职 graduating class.
GRADUATE_DESTINATIONS = {
    "10": ("签就业协议形式就业", 0.28),
    "11": ("签劳动合同形式就业", 0.30),
    "12": ("其他录用形式就业", 0.07),
    "46": ("应征义务兵", 0.02),
    "51": ("地方基层项目", 0.01),
    "75": ("自主创业", 0.02),
    "76": ("自由职业", 0.06),
    "80": ("升学", 0.16),
    "85": ("出国、出境", 0.01),
    "70": ("待就业", 0.07),
}

# 生源类型 of 高职 admissions.
ADMISSION_TYPES = {
    "普通高考": 0.45,
    "高职提前招生": 0.25,
    "单独考试招生": 0.18,
    "中高职一体化": 0.10,
    "退役军人": 0.02,
}

# 中图法 top-level classes with loan shares (a vocational college reads T and I a lot).
CLC_CLASSES = {
    "T": ("工业技术", 0.30),
    "I": ("文学", 0.22),
    "F": ("经济", 0.10),
    "J": ("艺术", 0.08),
    "K": ("历史、地理", 0.06),
    "B": ("哲学、宗教", 0.05),
    "H": ("语言、文字", 0.06),
    "O": ("数理科学和化学", 0.04),
    "D": ("政治、法律", 0.03),
    "G": ("文化、科学、教育、体育", 0.04),
    "TS": ("轻工业、手工业", 0.02),
}
