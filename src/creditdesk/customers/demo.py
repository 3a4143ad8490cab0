"""The demo portfolio: a realistic, deterministic credit portfolio and the users who work it.

`generate_portfolio` is pure Python driven by one `random.Random(seed)`, so a seed always yields the
same customers, groups, contacts and notes (only the notes' dates move with `today`). `load_demo_data`
writes it with `bulk_create` in one transaction, because a demo with 100,000 customers must load in
well under two minutes and per-row services would take hours.
"""

import datetime as dt
import random
import re
import unicodedata
from bisect import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Generic, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction

from creditdesk.audit.services import record_audit
from creditdesk.customers.models import Communication, Contact, Customer
from creditdesk.customers.uscc import ALPHABET, uscc_check_character

T = TypeVar("T")

DEMO_PASSWORD = "creditdesk"
BATCH_SIZE = 2000
CHINA_SHARE = 0.8
CHILD_SHARE = 0.05
JOIN_GROUP_SHARE = 0.5
MAX_GROUP_DEPTH = 2
NAME_TRIES = 8
USCC_REFORM = dt.date(2015, 10, 1)
LETTERS = "ABCDEFGHJKLMNPQRTUWXY"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once, since it is drawn millions of times."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items, weights = zip(*pairs, strict=True)
        self.items: tuple[T, ...] = items
        self.cum_weights = list(accumulate(weights))
        self.total = self.cum_weights[-1]

    def pick(self, rng: random.Random) -> T:
        """One item, as likely as its weight says."""
        return self.items[bisect(self.cum_weights, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class DemoUser:
    """One demo login per role, so every screen can be tried as the people who use it."""

    username: str
    role: str
    first_name: str
    last_name: str
    is_staff: bool = False


DEMO_USERS = (
    DemoUser("admin", "admin", "Hao", "Lin", is_staff=True),
    DemoUser("manager", "credit_manager", "Mei", "Chen"),
    DemoUser("analyst", "credit_analyst", "Jun", "Wang"),
    DemoUser("collector", "collector", "Na", "Li"),
    DemoUser("sales", "sales", "Tao", "Zhou"),
    DemoUser("sales2", "sales", "Emily", "Zhang"),
    DemoUser("cfo", "cfo", "Hong", "Liu"),
    DemoUser("auditor", "auditor", "Jing", "Xu"),
)
SALES_OWNERS = ("sales", "sales2")


@dataclass(frozen=True, slots=True)
class DemoContact:
    """A contact as generated, before it has a customer id."""

    name: str
    title: str
    role: str
    email: str
    phone: str
    language: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class DemoCommunication:
    """A note as generated; its author is a demo username and its contact an index into the customer's."""

    kind: str
    occurred_on: dt.date
    username: str
    contact_index: int
    summary: str
    follow_up_on: dt.date | None


@dataclass(frozen=True, slots=True)
class DemoCustomer:
    """A customer as generated: plain values, people by username and the parent by code, ready to compare."""

    code: str
    external_id: str
    name: str
    local_name: str
    uscc: str | None
    registration_number: str
    tax_number: str
    country: str
    industry: str
    size: str
    founded_on: dt.date
    address: str
    language: str
    currency: str
    payment_terms_days: int
    owner: str
    analyst: str
    collector: str | None
    status: str
    parent_code: str | None
    contacts: tuple[DemoContact, ...]
    communications: tuple[DemoCommunication, ...]


@dataclass(frozen=True, slots=True)
class City:
    """A Chinese city with the real administrative division codes (GB/T 2260) of some of its districts."""

    name: str
    local: str
    province: str
    division: str
    area_code: str
    districts: tuple[tuple[str, str], ...]


CHINESE_CITIES = Weighted([
    (City("Shanghai", "上海", "", "310000", "21", (
        ("310101", "黄浦区"), ("310104", "徐汇区"), ("310106", "静安区"), ("310112", "闵行区"),
        ("310114", "嘉定区"), ("310115", "浦东新区"), ("310117", "松江区"), ("310118", "青浦区"))), 12),
    (City("Beijing", "北京", "", "110000", "10", (
        ("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
        ("110108", "海淀区"), ("110113", "顺义区"), ("110115", "大兴区"))), 9),
    (City("Shenzhen", "深圳", "广东省", "440300", "755", (
        ("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区"), ("440306", "宝安区"),
        ("440307", "龙岗区"), ("440309", "龙华区"))), 9),
    (City("Guangzhou", "广州", "广东省", "440100", "20", (
        ("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"),
        ("440111", "白云区"), ("440112", "黄埔区"), ("440113", "番禺区"))), 7),
    (City("Hangzhou", "杭州", "浙江省", "330100", "571", (
        ("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区"), ("330108", "滨江区"),
        ("330109", "萧山区"), ("330110", "余杭区"))), 6),
    (City("Suzhou", "苏州", "江苏省", "320500", "512", (
        ("320505", "虎丘区"), ("320506", "吴中区"), ("320507", "相城区"), ("320508", "姑苏区"),
        ("320509", "吴江区"), ("320583", "昆山市"))), 6),
    (City("Chengdu", "成都", "四川省", "510100", "28", (
        ("510104", "锦江区"), ("510105", "青羊区"), ("510106", "金牛区"), ("510107", "武侯区"),
        ("510108", "成华区"), ("510116", "双流区"))), 4),
    (City("Wuhan", "武汉", "湖北省", "420100", "27", (
        ("420102", "江岸区"), ("420103", "江汉区"), ("420104", "硚口区"), ("420105", "汉阳区"),
        ("420106", "武昌区"), ("420111", "洪山区"))), 4),
    (City("Tianjin", "天津", "", "120000", "22", (
        ("120101", "和平区"), ("120103", "河西区"), ("120104", "南开区"), ("120116", "滨海新区"))), 4),
    (City("Ningbo", "宁波", "浙江省", "330200", "574", (
        ("330203", "海曙区"), ("330206", "北仑区"), ("330212", "鄞州区"), ("330282", "慈溪市"))), 3),
    (City("Nanjing", "南京", "江苏省", "320100", "25", (
        ("320102", "玄武区"), ("320104", "秦淮区"), ("320105", "建邺区"), ("320106", "鼓楼区"),
        ("320115", "江宁区"))), 4),
    (City("Chongqing", "重庆", "", "500000", "23", (
        ("500103", "渝中区"), ("500105", "江北区"), ("500106", "沙坪坝区"), ("500107", "九龙坡区"),
        ("500112", "渝北区"))), 3),
    (City("Xi'an", "西安", "陕西省", "610100", "29", (
        ("610102", "新城区"), ("610103", "碑林区"), ("610104", "莲湖区"), ("610113", "雁塔区"))), 2),
    (City("Qingdao", "青岛", "山东省", "370200", "532", (
        ("370202", "市南区"), ("370203", "市北区"), ("370211", "黄岛区"), ("370212", "崂山区"),
        ("370214", "城阳区"))), 3),
    (City("Xiamen", "厦门", "福建省", "350200", "592", (
        ("350203", "思明区"), ("350206", "湖里区"), ("350211", "集美区"))), 2),
    (City("Dongguan", "东莞", "广东省", "441900", "769", (
        ("441900", "长安镇"), ("441900", "虎门镇"), ("441900", "松山湖"))), 3),
    (City("Foshan", "佛山", "广东省", "440600", "757", (
        ("440604", "禅城区"), ("440605", "南海区"), ("440606", "顺德区"))), 3),
    (City("Wuxi", "无锡", "江苏省", "320200", "510", (
        ("320211", "滨湖区"), ("320213", "梁溪区"), ("320214", "新吴区"), ("320281", "江阴市"))), 3),
    (City("Changsha", "长沙", "湖南省", "430100", "731", (
        ("430102", "芙蓉区"), ("430103", "天心区"), ("430104", "岳麓区"), ("430105", "开福区"),
        ("430111", "雨花区"))), 2),
    (City("Hefei", "合肥", "安徽省", "340100", "551", (
        ("340102", "瑶海区"), ("340103", "庐阳区"), ("340104", "蜀山区"), ("340111", "包河区"))), 2),
    (City("Zhengzhou", "郑州", "河南省", "410100", "371", (
        ("410102", "中原区"), ("410103", "二七区"), ("410105", "金水区"))), 2),
    (City("Dalian", "大连", "辽宁省", "210200", "411", (
        ("210202", "中山区"), ("210203", "西岗区"), ("210204", "沙河口区"), ("210211", "甘井子区"))), 1.5),
    (City("Shenyang", "沈阳", "辽宁省", "210100", "24", (("210102", "和平区"), ("210103", "沈河区"))), 1),
    (City("Jinan", "济南", "山东省", "370100", "531", (
        ("370102", "历下区"), ("370103", "市中区"), ("370112", "历城区"))), 1.5),
])
BRAND_HEADS = (
    ("华", "Hua"), ("恒", "Heng"), ("宏", "Hong"), ("金", "Jin"), ("永", "Yong"), ("天", "Tian"),
    ("中", "Zhong"), ("博", "Bo"), ("新", "Xin"), ("鼎", "Ding"), ("海", "Hai"), ("嘉", "Jia"),
    ("聚", "Ju"), ("东", "Dong"), ("德", "De"), ("凯", "Kai"), ("汇", "Hui"), ("富", "Fu"),
    ("广", "Guang"), ("明", "Ming"), ("立", "Li"), ("佳", "Jia"), ("卓", "Zhuo"), ("正", "Zheng"),
    ("利", "Li"), ("昊", "Hao"), ("江", "Jiang"), ("国", "Guo"), ("万", "Wan"), ("乾", "Qian"),
)
BRAND_TAILS = (
    ("鑫", "xin"), ("通", "tong"), ("达", "da"), ("泰", "tai"), ("丰", "feng"), ("盛", "sheng"),
    ("成", "cheng"), ("联", "lian"), ("远", "yuan"), ("宇", "yu"), ("信", "xin"), ("川", "chuan"),
    ("禾", "he"), ("源", "yuan"), ("辉", "hui"), ("业", "ye"), ("润", "run"), ("祥", "xiang"),
    ("兴", "xing"), ("诚", "cheng"), ("峰", "feng"), ("瑞", "rui"), ("航", "hang"), ("创", "chuang"),
    ("邦", "bang"), ("科", "ke"), ("昌", "chang"), ("隆", "long"), ("锐", "rui"), ("威", "wei"),
)
INDUSTRY_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "C": (("精密机械", "Precision Machinery"), ("电子科技", "Electronic Technology"),
          ("塑胶制品", "Plastic Products"), ("五金制品", "Hardware Products"), ("汽车零部件", "Auto Parts"),
          ("化工", "Chemical"), ("新材料", "New Materials"), ("纺织", "Textile"), ("食品", "Food"),
          ("医疗器械", "Medical Devices"), ("光电科技", "Optoelectronic Technology"),
          ("包装材料", "Packaging Materials"), ("电气设备", "Electrical Equipment"),
          ("钢结构", "Steel Structure"), ("家具", "Furniture"), ("模具", "Mould"),
          ("环保设备", "Environmental Equipment"), ("照明电器", "Lighting")),
    "F": (("贸易", "Trading"), ("国际贸易", "International Trading"), ("商贸", "Commerce and Trade"),
          ("供应链管理", "Supply Chain Management"), ("进出口", "Import and Export"),
          ("建材", "Building Materials"), ("医药", "Pharmaceutical"), ("电子商务", "E-commerce")),
    "E": (("建设工程", "Construction Engineering"), ("建筑装饰工程", "Building Decoration Engineering"),
          ("市政工程", "Municipal Engineering"), ("机电安装工程", "Electromechanical Installation")),
    "G": (("物流", "Logistics"), ("国际货运代理", "International Freight Forwarding"),
          ("仓储", "Warehousing"), ("运输", "Transportation")),
    "I": (("信息技术", "Information Technology"), ("软件", "Software"), ("网络科技", "Network Technology"),
          ("数据科技", "Data Technology"), ("智能科技", "Intelligent Technology")),
    "A": (("农业发展", "Agricultural Development"),),
    "B": (("矿业", "Mining"),),
    "D": (("新能源", "New Energy"), ("电力", "Electric Power"), ("燃气", "Gas")),
    "H": (("餐饮管理", "Catering Management"), ("酒店管理", "Hotel Management")),
    "J": (("融资租赁", "Financial Leasing"),),
    "K": (("置业", "Real Estate"), ("房地产开发", "Real Estate Development")),
    "L": (("企业管理咨询", "Business Management Consulting"), ("人力资源", "Human Resources"),
          ("设备租赁", "Equipment Leasing")),
    "M": (("检测技术", "Testing Technology"), ("工程设计", "Engineering Design"), ("生物科技", "Biotechnology")),
    "N": (("环境工程", "Environmental Engineering"),),
    "O": (("设备维修", "Equipment Repair"),),
    "P": (("教育科技", "Education Technology"),),
    "Q": (("医院管理", "Hospital Management"),),
    "R": (("文化传媒", "Culture and Media"),),
}
INDUSTRY_WEIGHTS = {"C": 38, "F": 20, "E": 9, "G": 9, "I": 9, "A": 1, "B": 1, "D": 2, "H": 1, "J": 1,
                    "K": 2, "L": 3, "M": 2, "N": 1, "O": 0.5, "P": 0.5, "Q": 0.5, "R": 1}
CHINESE_TRADES = Weighted(
    ((industry, trade, trade_latin), weight / len(INDUSTRY_WORDS[industry]))
    for industry, weight in INDUSTRY_WEIGHTS.items()
    for trade, trade_latin in INDUSTRY_WORDS[industry]
)
CHINESE_SUFFIXES = Weighted([("有限公司", 85), ("股份有限公司", 15)])
ROADS = ("人民路", "建设路", "解放路", "中山路", "科技路", "工业大道", "长江路", "黄河路", "世纪大道",
         "创新路", "高新路", "滨江路", "新华路", "和平路", "兴业路", "金桥路")
SURNAMES = (("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
            ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
            ("罗", "luo"), ("高", "gao"), ("郑", "zheng"), ("梁", "liang"))
GIVEN_NAMES = (("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
               ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"),
               ("杰", "jie"), ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("霞", "xia"), ("平", "ping"),
               ("秀英", "xiuying"), ("建华", "jianhua"), ("晓东", "xiaodong"), ("海燕", "haiyan"),
               ("志强", "zhiqiang"), ("丽娟", "lijuan"), ("文博", "wenbo"), ("思远", "siyuan"),
               ("雨涵", "yuhan"), ("俊杰", "junjie"), ("婷婷", "tingting"), ("欣怡", "xinyi"))


@dataclass(frozen=True, slots=True)
class Country:
    """How companies abroad are named, registered, addressed and staffed, country by country.

    A brand is a stem put into one of the `forms`; a name is a brand and a sector put into one of the
    `formats`; each as (legal name, local-language name). Patterns write `#` for a digit, `%` for a
    digit other than 0 and `@` for a capital letter; `tax` may repeat the registration number as `{reg}`.
    `amount_scale` is roughly how many units of the currency buy one yuan.
    """

    code: str
    currency: str
    amount_scale: float
    stems: tuple[tuple[str, str], ...]
    forms: tuple[tuple[str, str], ...]
    sectors: tuple[tuple[str, str, str], ...]
    formats: tuple[tuple[str, str], ...]
    registration: str
    tax: str
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]
    address: str
    house_number: str
    phone: str
    given_names: tuple[str, ...]
    family_names: tuple[str, ...]


def same(*words: str) -> tuple[tuple[str, str], ...]:
    """Stems, forms and formats that read the same in the legal and the local name."""
    return tuple((word, word) for word in words)


def same_sectors(*pairs: tuple[str, str]) -> tuple[tuple[str, str, str], ...]:
    """Sector words that read the same in the legal and the local name."""
    return tuple((industry, word, word) for industry, word in pairs)


def syllables(heads: Sequence[tuple[str, str]], tails: Sequence[tuple[str, str]],
              separator: str) -> tuple[tuple[str, str], ...]:
    """Two-syllable stems, as Korean and Cantonese company names are built."""
    return tuple((head + separator + tail, head_local + tail_local)
                 for head_local, head in heads for tail_local, tail in tails)


COUNTRIES = Weighted([
    (Country(
        "US", "USD", 0.14,
        same("Summit", "Lakeside", "Pioneer", "Keystone", "Redwood", "Bluewater", "Ironbridge", "Granite",
             "Northstar", "Prairie", "Harborview", "Silver Creek", "Cedar", "Great Lakes"),
        same("{stem}", "{stem} Valley", "{stem} Ridge", "{stem} Bay", "{stem} Point", "{stem} Creek",
             "{stem} Global"),
        same_sectors(("C", "Manufacturing"), ("F", "Supply"), ("F", "Distribution"), ("G", "Logistics"),
                     ("I", "Technologies"), ("C", "Industries"), ("E", "Builders"), ("C", "Components")),
        same("{stem} {sector}, Inc.", "{stem} {sector} LLC"),
        "%######", "%#-#######",
        (("Chicago, IL", "606##"), ("Houston, TX", "770##"), ("Los Angeles, CA", "900##"),
         ("Columbus, OH", "432##"), ("Atlanta, GA", "303##")),
        ("Industrial Parkway", "Commerce Drive", "Main Street", "Enterprise Way", "Lakeview Avenue"),
        "{number} {street}, {city} {postcode}", "%###", "+1 312 555 01##",
        ("James", "Jennifer", "Michael", "Emily", "David", "Sarah"),
        ("Johnson", "Miller", "Davis", "Wilson", "Anderson", "Clark"),
    ), 4),
    (Country(
        "DE", "EUR", 0.13,
        same("Müller", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Schäfer", "Bauer", "Koch",
             "Richter", "Klein", "Wolf"),
        same("{stem}", "{stem} & Söhne", "{stem} & Partner", "{stem} & Schmidt", "{stem} & Wagner",
             "{stem} & Vogel", "{stem} & Lang", "{stem} & Braun"),
        same_sectors(("C", "Maschinenbau"), ("C", "Antriebstechnik"), ("F", "Handel"), ("G", "Logistik"),
                     ("C", "Kunststofftechnik"), ("I", "Software"), ("C", "Elektrotechnik")),
        same("{stem} {sector} GmbH", "{stem} {sector} GmbH & Co. KG"),
        "HRB %#####", "DE%########",
        (("Stuttgart", "705##"), ("München", "803##"), ("Hamburg", "200##"), ("Düsseldorf", "402##"),
         ("Frankfurt am Main", "603##")),
        ("Industriestraße", "Hauptstraße", "Bahnhofstraße", "Gewerbepark", "Daimlerstraße"),
        "{street} {number}, {postcode} {city}", "%#", "+49 711 %######",
        ("Thomas", "Andrea", "Michael", "Sabine", "Stefan", "Katrin"),
        ("Müller", "Schmidt", "Wagner", "Keller", "Braun", "Vogel"),
    ), 3),
    (Country(
        "JP", "JPY", 21.0,
        (("Sakura", "さくら"), ("Kaede", "かえで"), ("Tsubasa", "つばさ"), ("Minato", "みなと"),
         ("Aoba", "青葉"), ("Hoshino", "星野"), ("Kotobuki", "寿"), ("Hokuto", "北斗"), ("Towa", "東和"),
         ("Kyoei", "共栄"), ("Heiwa", "平和"), ("Yamabuki", "山吹"), ("Asuka", "飛鳥"), ("Wakaba", "若葉"),
         ("Hinode", "日の出"), ("Tachibana", "橘")),
        (("{stem}", "{stem}"), ("Kanto {stem}", "関東{stem}"), ("Kansai {stem}", "関西{stem}"),
         ("Chubu {stem}", "中部{stem}"), ("Kyushu {stem}", "九州{stem}"), ("Tohoku {stem}", "東北{stem}"),
         ("Hokuriku {stem}", "北陸{stem}")),
        (("C", "Precision", "精機"), ("C", "Electronics", "電子"), ("F", "Trading", "商事"),
         ("G", "Logistics", "物流"), ("C", "Chemical", "化学"), ("I", "Systems", "システム"),
         ("C", "Industries", "工業"), ("E", "Construction", "建設")),
        (("{stem} {sector} Co., Ltd.", "{stem}{sector}株式会社"),),
        "%############", "T{reg}",
        (("Minato-ku, Tokyo", "105-####"), ("Chuo-ku, Osaka", "541-####"), ("Nakamura-ku, Nagoya", "450-####"),
         ("Kohoku-ku, Yokohama", "222-####")),
        ("Honcho", "Sakaemachi", "Chuo", "Minami", "Higashi"),
        "{number} {street}, {city} {postcode}", "%-%#-%", "+81 3 %### ####",
        ("Hiroshi", "Yuki", "Kenji", "Akiko", "Takeshi", "Naomi"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"),
    ), 3),
    (Country(
        "KR", "KRW", 190.0,
        syllables((("한", "Han"), ("대", "Dae"), ("세", "Se"), ("동", "Dong"), ("새", "Sae"), ("신", "Shin"),
                   ("태", "Tae"), ("영", "Young"), ("금", "Geum"), ("삼", "Sam")),
                  (("진", "jin"), ("양", "yang"), ("원", "won"), ("일", "il"), ("명", "myung"), ("창", "chang"),
                   ("광", "kwang"), ("도", "do"), ("림", "rim"), ("경", "kyung")), ""),
        (("{stem}", "{stem}"), ("{stem} Global", "{stem}글로벌"), ("{stem} Tech", "{stem}테크")),
        (("C", "Electronics", "전자"), ("C", "Precision", "정밀"), ("F", "Trading", "상사"),
         ("G", "Logistics", "물류"), ("C", "Chemical", "화학"), ("I", "Information & Communication", "정보통신"),
         ("E", "Construction", "건설")),
        (("{stem} {sector} Co., Ltd.", "{stem}{sector} 주식회사"),),
        "%##-##-#####", "{reg}",
        (("Gangnam-gu, Seoul", "06###"), ("Yeongdeungpo-gu, Seoul", "07###"), ("Haeundae-gu, Busan", "48###"),
         ("Yeonsu-gu, Incheon", "21###")),
        ("Teheran-ro", "Gukjegeumyung-ro", "Centum-ro", "Sandan-ro"),
        "{number} {street}, {city} {postcode}", "%##", "+82 2 %### ####",
        ("Min-jun", "Ji-woo", "Seo-yeon", "Hyun-woo", "Eun-ji"),
        ("Kim", "Lee", "Park", "Choi", "Jung"),
    ), 2),
    (Country(
        "SG", "SGD", 0.19,
        same("Lion City", "Straits", "Orchard", "Marina", "Jurong", "Tanjong", "Kallang", "Serangoon", "Changi",
             "Bukit", "Sentosa", "Woodlands", "Pasir", "Bedok", "Tampines", "Clementi"),
        same("{stem}", "{stem} Asia", "{stem} Pacific", "{stem} Global", "{stem} Marine"),
        same_sectors(("F", "Trading"), ("G", "Logistics"), ("C", "Engineering"), ("C", "Electronics"),
                     ("I", "Technologies"), ("G", "Shipping")),
        same("{stem} {sector} Pte. Ltd."),
        "20%######@", "{reg}",
        (("Singapore", "%#####"),),
        ("Ubi Avenue 1", "Tuas South Avenue 2", "Ang Mo Kio Industrial Park 2", "Changi Business Park Central 1"),
        "{number} {street}, {city} {postcode}", "%#", "+65 6### ####",
        ("Wei Ming", "Hui Min", "Rajesh", "Siti", "Daniel"),
        ("Tan", "Lim", "Ng", "Wong", "Kumar"),
    ), 2),
    (Country(
        "GB", "GBP", 0.11,
        same("Thames", "Pennine", "Northgate", "Wessex", "Albion", "Harrow", "Kingsway", "Mersey", "Cotswold",
             "Severn", "Chiltern", "Humber", "Tyne", "Solent", "Avon", "Kestrel"),
        same("{stem}", "{stem} Valley", "{stem} Bridge", "{stem} Gate", "{stem} International"),
        same_sectors(("C", "Engineering"), ("F", "Trading"), ("G", "Logistics"), ("C", "Components"),
                     ("I", "Systems"), ("E", "Building Services")),
        same("{stem} {sector} Ltd", "{stem} {sector} plc"),
        "%#######", "GB%########",
        (("Birmingham", "B% %@@"), ("Manchester", "M%# %@@"), ("Leeds", "LS% %@@"), ("London", "EC%@ %@@"),
         ("Bristol", "BS%# %@@")),
        ("Station Road", "High Street", "Mill Lane", "Park Road", "Church Street"),
        "{number} {street}, {city} {postcode}", "%#", "+44 20 7946 0###",
        ("Oliver", "Charlotte", "Harry", "Emma", "George", "Sophie"),
        ("Smith", "Jones", "Taylor", "Brown", "Evans", "Walker"),
    ), 1.5),
    (Country(
        "FR", "EUR", 0.13,
        same("Atlantique", "Provence", "Lyonnaise", "Bellevue", "Garonne", "Normande", "Alsacienne", "Bretonne",
             "Méditerranée", "Rhône", "Loire", "Parisienne", "Savoie", "Picardie"),
        same("{stem}", "{stem} Sud", "{stem} Nord", "{stem} Ouest", "{stem} Est"),
        same_sectors(("C", "Industrie"), ("F", "Distribution"), ("G", "Logistique"), ("C", "Mécanique"),
                     ("I", "Informatique"), ("E", "Bâtiment")),
        same("{sector} {stem} SAS", "{sector} {stem} SARL"),
        "%########", "FR##{reg}",
        (("Paris", "750##"), ("Lyon", "6900%"), ("Toulouse", "310##"), ("Lille", "590##"), ("Bordeaux", "330##")),
        ("rue de la République", "avenue Jean Jaurès", "boulevard Voltaire", "rue Victor Hugo"),
        "{number} {street}, {postcode} {city}", "%#", "+33 1 99 00 ## ##",
        ("Pierre", "Camille", "Julien", "Claire", "Nicolas", "Sophie"),
        ("Martin", "Bernard", "Dubois", "Laurent", "Moreau", "Girard"),
    ), 1),
    (Country(
        "IT", "EUR", 0.13,
        same("Adriatica", "Lombarda", "Toscana", "Veneta", "Padana", "Ligure", "Emiliana", "Sabauda", "Friulana",
             "Romagnola", "Marchigiana", "Umbra", "Siciliana", "Pugliese"),
        same("{stem}", "{stem} Nord", "{stem} Sud", "{stem} Centro"),
        same_sectors(("C", "Meccanica"), ("F", "Distribuzione"), ("G", "Trasporti"), ("C", "Plastica"),
                     ("I", "Informatica"), ("E", "Costruzioni")),
        same("{sector} {stem} S.r.l.", "{sector} {stem} S.p.A."),
        "MI-%######", "IT###########",
        (("Milano", "201##"), ("Torino", "101##"), ("Bologna", "401##"), ("Verona", "371##"), ("Brescia", "251##")),
        ("Via Roma", "Via Garibaldi", "Via dell'Industria", "Corso Italia", "Via Mazzini"),
        "{street} {number}, {postcode} {city}", "%#", "+39 02 %#######",
        ("Marco", "Giulia", "Luca", "Francesca", "Andrea", "Chiara"),
        ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"),
    ), 1),
    (Country(
        "VN", "VND", 3500.0,
        (("Minh Phat", "Minh Phát"), ("Hoang Long", "Hoàng Long"), ("Thanh Cong", "Thành Công"),
         ("An Phu", "An Phú"), ("Sao Mai", "Sao Mai"), ("Phuong Dong", "Phương Đông"), ("Dai Viet", "Đại Việt"),
         ("Tan Phat", "Tấn Phát"), ("Hung Thinh", "Hưng Thịnh"), ("Thien An", "Thiên An"), ("Phu Gia", "Phú Gia"),
         ("Nam Viet", "Nam Việt"), ("Truong Thanh", "Trường Thành"), ("Hai Dang", "Hải Đăng")),
        (("{stem}", "{stem}"), ("Saigon {stem}", "Sài Gòn {stem}"), ("Ha Noi {stem}", "Hà Nội {stem}")),
        (("F", "Trading", "Thương mại"), ("C", "Manufacturing", "Sản xuất"), ("G", "Transport", "Vận tải"),
         ("E", "Construction", "Xây dựng"), ("C", "Garment", "May mặc"), ("C", "Electronics", "Điện tử")),
        (("{stem} {sector} Company Limited", "Công ty TNHH {sector} {stem}"),
         ("{stem} {sector} Joint Stock Company", "Công ty Cổ phần {sector} {stem}")),
        "0%########", "{reg}",
        (("Ho Chi Minh City", "700000"), ("Hanoi", "100000"), ("Hai Phong", "180000"), ("Binh Duong", "820000"),
         ("Da Nang", "550000")),
        ("Nguyen Hue Street", "Le Loi Street", "Tran Hung Dao Street", "VSIP Industrial Park"),
        "{number} {street}, {city} {postcode}", "%#", "+84 28 3### ####",
        ("Minh", "Lan", "Tuan", "Huong", "Duc", "Mai"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"),
    ), 1.5),
    (Country(
        "TH", "THB", 5.0,
        (("Siam", "สยาม"), ("Chao Phraya", "เจ้าพระยา"), ("Rattana", "รัตนา"), ("Sukhothai", "สุโขทัย"),
         ("Lanna", "ล้านนา"), ("Andaman", "อันดามัน"), ("Charoen", "เจริญ"), ("Rungrueang", "รุ่งเรือง"),
         ("Sombat", "สมบัติ"), ("Mongkol", "มงคล"), ("Sirichai", "ศิริชัย"), ("Thanakorn", "ธนากร"),
         ("Pattana", "พัฒนา"), ("Chaiya", "ไชยา")),
        (("{stem}", "{stem}"), ("Thai {stem}", "ไทย{stem}"), ("{stem} Inter", "{stem} อินเตอร์")),
        (("C", "Industry", "อุตสาหกรรม"), ("F", "Trading", "เทรดดิ้ง"), ("G", "Logistics", "โลจิสติกส์"),
         ("C", "Foods", "ฟู้ดส์"), ("C", "Auto Parts", "ออโต้พาร์ท")),
        (("{stem} {sector} Co., Ltd.", "บริษัท {stem} {sector} จำกัด"),
         ("{stem} {sector} Public Company Limited", "บริษัท {stem} {sector} จำกัด (มหาชน)")),
        "0105%########", "{reg}",
        (("Bangkok", "10###"), ("Chonburi", "20###"), ("Rayong", "21###"), ("Samut Prakan", "10###")),
        ("Sukhumvit Road", "Rama IV Road", "Bangna-Trad Road", "Amata City Industrial Estate"),
        "{number} {street}, {city} {postcode}", "%##", "+66 2 %## ####",
        ("Somchai", "Siriporn", "Anan", "Malee", "Chaiwat", "Nattaya"),
        ("Srisuk", "Wongsawat", "Chaiyaporn", "Rattanakul", "Boonmee"),
    ), 1),
    (Country(
        "AU", "AUD", 0.21,
        same("Southern Cross", "Coral Coast", "Outback", "Harbour", "Eucalypt", "Kookaburra", "Tasman", "Banksia",
             "Wattle", "Murray", "Pilbara", "Kimberley", "Hunter", "Gippsland"),
        same("{stem}", "{stem} West", "{stem} North", "{stem} Pacific"),
        same_sectors(("B", "Resources"), ("B", "Mining Services"), ("F", "Trading"), ("G", "Logistics"),
                     ("C", "Engineering"), ("E", "Construction")),
        same("{stem} {sector} Pty Ltd", "{stem} {sector} Limited"),
        "%## ### ###", "%# {reg}",
        (("Sydney NSW", "2###"), ("Melbourne VIC", "3###"), ("Brisbane QLD", "4###"), ("Perth WA", "6###")),
        ("George Street", "Collins Street", "Industrial Drive", "Queen Street"),
        "{number} {street}, {city} {postcode}", "%##", "+61 2 5550 ####",
        ("Jack", "Olivia", "Liam", "Chloe", "Lachlan", "Mia"),
        ("Smith", "Brown", "Wilson", "Taylor", "Martin", "White"),
    ), 1),
    (Country(
        "HK", "HKD", 1.1,
        syllables((("榮", "Wing"), ("泰", "Tai"), ("金", "Kam"), ("新", "Sun"), ("寶", "Po"), ("萬", "Man"),
                   ("德", "Tak"), ("美", "Mei")),
                  (("發", "Fat"), ("興", "Hing"), ("華", "Wah"), ("光", "Kwong"), ("豐", "Fung"), ("昌", "Cheong"),
                   ("成", "Shing"), ("記", "Kee"), ("隆", "Lung"), ("利", "Lee")), " "),
        (("{stem}", "{stem}"), ("{stem} (Asia)", "{stem}(亞洲)")),
        (("F", "Trading", "貿易"), ("G", "Logistics", "物流"), ("C", "Industrial", "實業"),
         ("F", "International", "國際"), ("I", "Technology", "科技")),
        (("{stem} {sector} Company Limited", "{stem}{sector}有限公司"),
         ("{stem} {sector} Limited", "{stem}{sector}有限公司")),
        "%######", "%#######",
        (("Kwun Tong, Kowloon", ""), ("Tsim Sha Tsui, Kowloon", ""), ("Central, Hong Kong", ""),
         ("Kwai Chung, New Territories", "")),
        ("How Ming Street", "Canton Road", "Queen's Road Central", "Kwai Fung Crescent"),
        "{number} {street}, {city}", "%#", "+852 %### ####",
        ("Ka Wai", "Mei Ling", "Chi Keung", "Wing Yan", "Siu Ming"),
        ("Chan", "Wong", "Leung", "Cheung", "Lau"),
    ), 2),
])
SIZES = Weighted([("micro", 15), ("small", 35), ("medium", 35), ("large", 15)])
STATUSES = Weighted([("active", 78), ("prospect", 8), ("on_hold", 6), ("blocked", 4), ("closed", 4)])
PAYMENT_TERMS = Weighted([(30, 40), (45, 15), (60, 30), (90, 15)])
FOUNDING_YEARS = Weighted((year, 1 + (year - 1985) * 0.15) for year in range(1985, 2024))
CONTACT_COUNTS = Weighted([(1, 40), (2, 40), (3, 20)])
CONTACT_ROLES = Weighted([("purchasing", 50), ("finance", 25), ("management", 15), ("legal", 5), ("other", 5)])
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "finance": (("财务经理", "Finance Manager"), ("财务总监", "Finance Director"),
                ("应付会计", "Accounts Payable Accountant"), ("出纳", "Cashier")),
    "purchasing": (("采购经理", "Purchasing Manager"), ("采购专员", "Buyer"),
                   ("供应链总监", "Supply Chain Director")),
    "management": (("总经理", "General Manager"), ("副总经理", "Deputy General Manager")),
    "legal": (("法务经理", "Legal Counsel"),),
    "other": (("商务助理", "Business Assistant"),),
}
COMMUNICATION_COUNTS = Weighted([(0, 20), (1, 30), (2, 25), (3, 15), (4, 10)])
COMMUNICATION_KINDS = Weighted([("call", 40), ("email", 30), ("visit", 15), ("meeting", 15)])


@dataclass(frozen=True, slots=True)
class Note:
    """A communication summary in both languages, and whether it leaves something to follow up."""

    zh: str
    en: str
    follows_up: bool


NOTES: dict[str, tuple[Note, ...]] = {
    "call": (
        Note("致电{contact}核对{month}月对账单，余额无异议。",
             "Called {contact} to go through the {month} statement; balance agreed.", False),
        Note("电话催收逾期发票，{contact}承诺于{date}前支付{amount}。",
             "Chased overdue invoices by phone; {contact} promised to pay {amount} by {date}.", True),
        Note("{contact}来电说明付款审批延迟，预计{date}安排付款。",
             "{contact} called: payment approval is delayed, payment expected on {date}.", True),
        Note("致电确认开票信息，{contact}要求更新开票地址。",
             "Called to confirm invoicing details; {contact} asked us to update the billing address.", False),
    ),
    "email": (
        Note("向{contact}发送{month}月对账单，请其确认余额。",
             "Sent the {month} statement of account to {contact} for balance confirmation.", True),
        Note("发送逾期提醒邮件给{contact}，列明逾期金额{amount}。",
             "Sent {contact} a reminder for overdue items totalling {amount}.", True),
        Note("{contact}邮件提供最新年度财务报表，已转信用分析。",
             "{contact} e-mailed the latest annual financial statements; passed on for credit analysis.", False),
        Note("邮件通知{contact}信用额度年度复审，需提供近三年财务报表。",
             "Told {contact} about the annual credit limit review; asked for three years of statements.", True),
    ),
    "visit": (
        Note("实地拜访客户，{contact}陪同参观，生产经营正常，订单较为饱满。",
             "Site visit with {contact}: operations normal, the order book looks healthy.", False),
        Note("拜访{contact}，了解到客户正在扩建厂房，资金需求上升。",
             "Visited {contact}; the customer is extending its plant and needs more working capital.", True),
        Note("上门对账，与{contact}逐笔核对未付发票。",
             "Visited {contact} to reconcile the open invoices line by line.", False),
    ),
    "meeting": (
        Note("与{contact}召开季度业务会议，讨论明年采购计划及付款条件。",
             "Quarterly business review with {contact}: next year's purchase plan and payment terms.", False),
        Note("与{contact}会谈信用额度调整申请，需补充担保材料。",
             "Meeting with {contact} on their request for a higher credit limit; guarantee documents needed.", True),
        Note("与{contact}协商分期付款方案，初步同意分三期支付{amount}。",
             "Negotiated a payment plan with {contact}: {amount} in three instalments agreed in principle.", True),
    ),
}


@dataclass(frozen=True, slots=True)
class Brand:
    """What the companies of one group share: their country and the distinctive part of their name."""

    country: str
    latin: str
    local: str


@dataclass(frozen=True, slots=True)
class Naming:
    """One try at naming a company: the brand it carries, its legal and local names and its industry."""

    brand: Brand
    name: str
    local_name: str
    industry: str


@dataclass(frozen=True, slots=True)
class Company:
    """The country-specific half of a customer: names, identifiers, address and how to reach its people."""

    naming: Naming
    uscc: str | None
    registration_number: str
    tax_number: str
    address: str
    domain: str
    area_code: str


COUNTRY_BY_CODE = {country.code: country for country in COUNTRIES.items}
AMOUNT_SCALES = {country.currency: country.amount_scale for country in COUNTRIES.items}
PATTERN_CHARACTERS = {"%": "123456789", "@": LETTERS}
WRITERS = {"call": "collector", "email": "collector", "visit": "owner", "meeting": "analyst"}


@cache
def placeholders(pattern: str) -> tuple[str, str]:
    """A pattern as a format string with one slot per `#`, `%` or `@`, and which of those each slot is."""
    template = pattern.replace("{", "{{").replace("}", "}}")
    for char in "#%@":
        template = template.replace(char, "{}")
    return template, "".join(char for char in pattern if char in "#%@")


def fill(rng: random.Random, pattern: str) -> str:
    """Fill a pattern's slots; the digits come from one draw because the portfolio needs millions."""
    template, kinds = placeholders(pattern)
    digits = iter(f"{rng.randrange(10 ** len(kinds)):0{len(kinds)}d}")
    return template.format(*(next(digits) if kind == "#" else rng.choice(PATTERN_CHARACTERS[kind])
                             for kind in kinds))


def ascii_slug(text: str) -> str:
    """E-mail addresses and domains need plain lower-case ASCII, even for Müller & Söhne or Hoàng."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def org_code_check(body: str) -> str:
    """The ninth character of an organisation code (GB 11714): 11 − Σ value × weight mod 11, X for 10."""
    total = sum((int(char) if char.isdigit() else ord(char) - 55) * weight
                for char, weight in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def plan_parents(rng: random.Random, count: int) -> list[int | None]:
    """Each customer's parent index: always an earlier customer, so groups can never form a circle."""
    parents: list[int | None] = []
    depth: list[int] = []
    members: list[int] = []
    heads: set[int] = set()
    for index in range(count):
        parent = pick_parent(rng, index, parents, depth, members) if index and rng.random() < CHILD_SHARE else None
        parents.append(parent)
        depth.append(0 if parent is None else depth[parent] + 1)
        if parent is not None:
            members.extend((index,) if parent in heads or depth[parent] else (parent, index))
            heads.add(parent)
    return parents


def pick_parent(rng: random.Random, index: int, parents: list[int | None], depth: list[int],
                members: list[int]) -> int:
    """Half join an existing group (which makes groups deep), half start one; never below the depth limit."""
    candidate = rng.choice(members) if members and rng.random() < JOIN_GROUP_SHARE else rng.randrange(index)
    while depth[candidate] >= MAX_GROUP_DEPTH:
        candidate = parents[candidate]  # type: ignore[assignment]
    return candidate


class PortfolioBuilder:
    """Draws one customer after the other from a single random stream, remembering what must stay unique."""

    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.used_names: set[str] = set()
        self.used_org_codes: set[str] = set()
        self.brands: list[Brand] = []
        self.cities: list[City | None] = []

    def build(self, count: int) -> list[DemoCustomer]:
        """The whole portfolio, parents always before their children."""
        parents = plan_parents(self.rng, count)
        heads = {parent for parent in parents if parent is not None}
        return [self.customer(index, parent, index in heads) for index, parent in enumerate(parents)]

    def customer(self, index: int, parent: int | None, is_group_head: bool) -> DemoCustomer:
        """One credit file: company, terms, the people in charge, contacts and recent notes."""
        rng = self.rng
        parent_brand = self.brands[parent] if parent is not None else None
        country = parent_brand.country if parent_brand else self.new_country()
        founded_on = dt.date(FOUNDING_YEARS.pick(rng), 1, 1) + dt.timedelta(days=rng.randrange(365))
        if country == "CN":
            company = self.chinese_company(parent, parent_brand, is_group_head and parent is None, founded_on)
        else:
            company = self.foreign_company(COUNTRY_BY_CODE[country], parent_brand)
        naming = company.naming
        self.brands.append(naming.brand)
        size = "large" if is_group_head else SIZES.pick(rng)
        status = STATUSES.pick(rng)
        language = "zh-hans" if country == "CN" else "en"
        currency = "CNY" if country == "CN" else COUNTRY_BY_CODE[country].currency
        owner = rng.choice(SALES_OWNERS)
        analyst = "manager" if size == "large" else "analyst"
        collector = None if status == "prospect" else "collector"
        contacts = self.contacts(country, company, language)
        people = {"owner": owner, "analyst": analyst, "collector": collector or owner}
        return DemoCustomer(
            code=f"C{index + 1:06d}", external_id=f"ERP-{index + 1:06d}", name=naming.name,
            local_name=naming.local_name, uscc=company.uscc, registration_number=company.registration_number,
            tax_number=company.tax_number, country=country, industry=naming.industry, size=size,
            founded_on=founded_on, address=company.address, language=language, currency=currency,
            payment_terms_days=PAYMENT_TERMS.pick(rng), owner=owner, analyst=analyst, collector=collector,
            status=status, parent_code=None if parent is None else f"C{parent + 1:06d}", contacts=contacts,
            communications=self.communications(contacts, people, language, currency),
        )

    def new_country(self) -> str:
        """China four times out of five, otherwise a trading partner as often as it buys from China."""
        return "CN" if self.rng.random() < CHINA_SHARE else COUNTRIES.pick(self.rng).code

    def unique_name(self, candidates: Iterable[Naming]) -> Naming:
        """The first legal name not yet taken; past that, a name shared like real ones in other registers."""
        for candidate in candidates:
            if candidate.name not in self.used_names:
                break
        self.used_names.add(candidate.name)
        return candidate

    def chinese_brand(self) -> Brand:
        """Two characters that sound like a company, with their pinyin."""
        (head, head_latin), (tail, tail_latin) = self.rng.choice(BRAND_HEADS), self.rng.choice(BRAND_TAILS)
        return Brand("CN", head_latin + tail_latin, head + tail)

    def chinese_company(self, parent: int | None, parent_brand: Brand | None, is_group_root: bool,
                        founded_on: dt.date) -> Company:
        """A company named city + brand + trade + suffix, with a valid unified social credit code."""
        rng = self.rng
        parent_city = self.cities[parent] if parent is not None else None
        city = parent_city if parent_city is not None and rng.random() < 0.5 else CHINESE_CITIES.pick(rng)
        self.cities.append(city)
        naming = self.unique_name(self.chinese_naming(city, parent_brand or self.chinese_brand(), is_group_root)
                                  for _ in range(NAME_TRIES))
        division, district = rng.choice(city.districts)
        uscc = self.uscc(city.division if rng.random() < 0.3 else division, founded_on)
        return Company(naming=naming, uscc=uscc, registration_number="", tax_number=uscc,
                       address=self.chinese_address(city, district), domain=ascii_slug(naming.brand.latin),
                       area_code=city.area_code)

    def chinese_naming(self, city: City, brand: Brand, is_group_root: bool) -> Naming:
        """Legal name in English, name in Chinese and industry; the root of a group is a 集团."""
        industry, trade, trade_latin = CHINESE_TRADES.pick(self.rng)
        if is_group_root:
            return Naming(brand, f"{city.name} {brand.latin} Group Co., Ltd.",
                          f"{city.local}{brand.local}集团有限公司", industry)
        suffix = CHINESE_SUFFIXES.pick(self.rng)
        return Naming(brand, f"{city.name} {brand.latin} {trade_latin} Co., Ltd.",
                      f"{city.local}{brand.local}{trade}{suffix}", industry)

    def chinese_address(self, city: City, district: str) -> str:
        """省 市 区 路 号, and often a building and room."""
        rng = self.rng
        room = f"{rng.randint(1, 12)}栋{rng.randint(1, 25)}{rng.randint(1, 20):02d}室" if rng.random() < 0.4 else ""
        return f"{city.province}{city.local}市{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号{room}"

    def uscc(self, division: str, founded_on: dt.date) -> str:
        """91 + division + a unique organisation code + check character (GB 32100-2015)."""
        org_code = self.org_code(founded_on)
        while org_code in self.used_org_codes:
            org_code = self.org_code(founded_on)
        self.used_org_codes.add(org_code)
        body = f"91{division}{org_code}"
        return body + uscc_check_character(body)

    def org_code(self, founded_on: dt.date) -> str:
        """Eight digits before the 2015 reform, MA + six letters or digits after it, then the check."""
        if founded_on >= USCC_REFORM:
            body = "MA" + "".join(self.rng.choices(ALPHABET, k=6))
        else:
            body = f"{self.rng.randrange(10**8):08d}"
        return body + org_code_check(body)

    def foreign_brand(self, country: Country) -> Brand:
        """One of the country's name stems, such as "Granite" or "さくら"."""
        stem, stem_local = self.rng.choice(country.stems)
        return Brand(country.code, stem, stem_local)

    def foreign_company(self, country: Country, parent_brand: Brand | None) -> Company:
        """A company abroad, named, numbered and addressed the way its country does it."""
        rng = self.rng
        self.cities.append(None)
        naming = self.unique_name(self.foreign_naming(country, parent_brand or self.foreign_brand(country))
                                  for _ in range(NAME_TRIES))
        registration = fill(rng, country.registration)
        city, postcode = rng.choice(country.cities)
        address = country.address.format(number=fill(rng, country.house_number), street=rng.choice(country.streets),
                                         city=city, postcode=fill(rng, postcode))
        return Company(naming=naming, uscc=None, registration_number=registration,
                       tax_number=fill(rng, country.tax).format(reg=registration), address=address,
                       domain=ascii_slug(naming.brand.latin), area_code="")

    def foreign_naming(self, country: Country, brand: Brand) -> Naming:
        """Legal name, local-language name and industry for one try; a group's companies vary the form."""
        rng = self.rng
        form, form_local = rng.choice(country.forms)
        industry, sector, sector_local = rng.choice(country.sectors)
        name_format, local_format = rng.choice(country.formats)
        return Naming(brand, name_format.format(stem=form.format(stem=brand.latin), sector=sector),
                      local_format.format(stem=form_local.format(stem=brand.local), sector=sector_local), industry)

    def contacts(self, country: str, company: Company, language: str) -> tuple[DemoContact, ...]:
        """One to three people; the first, in finance, is the one we call about payments."""
        roles = ["finance"] + [CONTACT_ROLES.pick(self.rng) for _ in range(CONTACT_COUNTS.pick(self.rng) - 1)]
        return tuple(self.contact(country, company, language, role, index == 0) for index, role in enumerate(roles))

    def contact(self, country: str, company: Company, language: str, role: str, is_primary: bool) -> DemoContact:
        """A person with a name, title, e-mail and phone that fit the country."""
        rng = self.rng
        title_zh, title_en = rng.choice(TITLES[role])
        if country == "CN":
            (surname, surname_latin), (given, given_latin) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            name, mailbox, title = surname + given, f"{given_latin}.{surname_latin}", title_zh
            phone = fill(rng, f"+86 1{rng.choice('3589')}# #### ####" if rng.random() < 0.6
                         else f"+86 {company.area_code} %### ####")
        else:
            profile = COUNTRY_BY_CODE[country]
            given, family = rng.choice(profile.given_names), rng.choice(profile.family_names)
            name, mailbox, title = f"{given} {family}", f"{ascii_slug(given)}.{ascii_slug(family)}", title_en
            phone = fill(rng, profile.phone)
        return DemoContact(name=name, title=title, role=role, email=f"{mailbox}@{company.domain}.example.com",
                           phone=phone, language=language, is_primary=is_primary)

    def communications(self, contacts: Sequence[DemoContact], people: dict[str, str], language: str,
                       currency: str) -> tuple[DemoCommunication, ...]:
        """Up to four calls, e-mails, visits and meetings of the last twelve months, oldest first."""
        notes = [self.communication(contacts, people, language, currency)
                 for _ in range(COMMUNICATION_COUNTS.pick(self.rng))]
        return tuple(sorted(notes, key=lambda note: note.occurred_on))

    def communication(self, contacts: Sequence[DemoContact], people: dict[str, str], language: str,
                      currency: str) -> DemoCommunication:
        """One note, written by whoever does that kind of contact: collectors call, sales visit."""
        rng = self.rng
        kind = COMMUNICATION_KINDS.pick(rng)
        note = rng.choice(NOTES[kind])
        occurred_on = self.today - dt.timedelta(days=rng.randrange(365))
        follow_up_on = occurred_on + dt.timedelta(days=rng.randint(3, 30)) if note.follows_up else None
        contact_index = rng.randrange(len(contacts))
        amount = f"{round(rng.uniform(5_000, 800_000) * AMOUNT_SCALES.get(currency, 1.0), -2):,.0f}"
        summary = write_note(note, language, contacts[contact_index].name, occurred_on,
                             follow_up_on or occurred_on, amount, currency)
        return DemoCommunication(kind=kind, occurred_on=occurred_on, username=people[WRITERS[kind]],
                                 contact_index=contact_index, summary=summary, follow_up_on=follow_up_on)


def write_note(note: Note, language: str, contact: str, occurred_on: dt.date, due_on: dt.date, amount: str,
               currency: str) -> str:
    """The note in the customer's language, naming the statement month, the date and the amount."""
    statement_month = (occurred_on.replace(day=1) - dt.timedelta(days=1)).month
    if language == "zh-hans":
        return note.zh.format(contact=contact, month=statement_month, date=f"{due_on.month}月{due_on.day}日",
                              amount=f"{amount}元")
    return note.en.format(contact=contact, month=EN_MONTHS[statement_month - 1],
                          date=f"{due_on.day} {EN_MONTHS[due_on.month - 1]}", amount=f"{currency} {amount}")


def generate_portfolio(count: int, seed: int, today: dt.date) -> list[DemoCustomer]:
    """The same seed always gives the same portfolio; `today` only anchors the notes' dates."""
    return PortfolioBuilder(seed, today).build(count)


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load wrote, for the command to report."""

    customers: int
    contacts: int
    communications: int
    users_created: int


def ensure_demo_users() -> tuple[dict[str, User], int]:
    """Create the demo users that are missing and put every one into its role's group."""
    existing = {user.username: user for user in User.objects.filter(username__in=[u.username for u in DEMO_USERS])}
    password = make_password(DEMO_PASSWORD)
    created = User.objects.bulk_create([
        User(username=u.username, email=f"{u.username}@creditdesk.example", first_name=u.first_name,
             last_name=u.last_name, is_staff=u.is_staff, password=password)
        for u in DEMO_USERS if u.username not in existing
    ])
    users = existing | {user.username: user for user in created}
    groups = Group.objects.in_bulk({u.role for u in DEMO_USERS}, field_name="name")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=users[u.username].pk, group_id=groups[u.role].pk) for u in DEMO_USERS],
        ignore_conflicts=True,
    )
    return users, len(created)


def group_levels(portfolio: Iterable[DemoCustomer]) -> list[list[DemoCustomer]]:
    """Customers by depth in their group, so each level's parents already have ids when it is inserted."""
    depth: dict[str, int] = {}
    levels: defaultdict[int, list[DemoCustomer]] = defaultdict(list)
    for customer in portfolio:
        depth[customer.code] = 0 if customer.parent_code is None else depth[customer.parent_code] + 1
        levels[depth[customer.code]].append(customer)
    return [levels[level] for level in sorted(levels)]


def customer_row(customer: DemoCustomer, user_ids: dict[str, int], customer_ids: dict[str, int]) -> Customer:
    """The model instance for one generated customer, its people and parent resolved to ids."""
    return Customer(
        code=customer.code, external_id=customer.external_id, name=customer.name, local_name=customer.local_name,
        uscc=customer.uscc, registration_number=customer.registration_number, tax_number=customer.tax_number,
        country=customer.country, industry=customer.industry, size=customer.size, founded_on=customer.founded_on,
        address=customer.address, language=customer.language, currency_id=customer.currency,
        payment_terms_days=customer.payment_terms_days, owner_id=user_ids[customer.owner],
        analyst_id=user_ids[customer.analyst],
        collector_id=user_ids[customer.collector] if customer.collector else None, status=customer.status,
        parent_id=customer_ids[customer.parent_code] if customer.parent_code else None,
    )


def insert_customers(portfolio: list[DemoCustomer], user_ids: dict[str, int]) -> dict[str, int]:
    """Insert level by level and return each customer's id by code."""
    customer_ids: dict[str, int] = {}
    for level in group_levels(portfolio):
        rows = Customer.objects.bulk_create([customer_row(c, user_ids, customer_ids) for c in level],
                                            batch_size=BATCH_SIZE)
        customer_ids.update((row.code, row.pk) for row in rows)
    return customer_ids


def insert_contacts(portfolio: list[DemoCustomer], customer_ids: dict[str, int]) -> list[list[int]]:
    """Insert every contact and return their ids, per customer in portfolio order."""
    rows = Contact.objects.bulk_create([
        Contact(customer_id=customer_ids[customer.code], name=c.name, title=c.title, role=c.role, email=c.email,
                phone=c.phone, language=c.language, is_primary=c.is_primary)
        for customer in portfolio for c in customer.contacts
    ], batch_size=BATCH_SIZE)
    ids = iter(row.pk for row in rows)
    return [[next(ids) for _ in customer.contacts] for customer in portfolio]


def insert_communications(portfolio: list[DemoCustomer], customer_ids: dict[str, int],
                          contact_ids: list[list[int]], user_ids: dict[str, int]) -> int:
    """Insert every note, linked to its customer, contact and author; return how many."""
    rows = Communication.objects.bulk_create([
        Communication(customer_id=customer_ids[customer.code], kind=n.kind, occurred_on=n.occurred_on,
                      user_id=user_ids[n.username], contact_id=contacts[n.contact_index], summary=n.summary,
                      follow_up_on=n.follow_up_on)
        for customer, contacts in zip(portfolio, contact_ids, strict=True) for n in customer.communications
    ], batch_size=BATCH_SIZE)
    return len(rows)


def load_demo_data(count: int, seed: int, today: dt.date) -> LoadResult:
    """Generate first, then write users and portfolio in one short transaction, recorded in the audit trail."""
    portfolio = generate_portfolio(count, seed, today)
    with transaction.atomic():
        users, users_created = ensure_demo_users()
        user_ids = {username: user.pk for username, user in users.items()}
        customer_ids = insert_customers(portfolio, user_ids)
        contact_ids = insert_contacts(portfolio, customer_ids)
        communications = insert_communications(portfolio, customer_ids, contact_ids, user_ids)
        record_audit(None, "demo_data.load", users["admin"], {"customers": [None, count], "seed": [None, seed]})
    return LoadResult(len(customer_ids), sum(map(len, contact_ids)), communications, users_created)
