"""The demo organization: a small design and software studio in Ho Chi Minh City.

`build_demo` replaces any earlier demo organization with a fresh one holding about 40
clients in Vietnam, Iran, Thailand, the UK, the US and Germany, about 25 contracts with
payment schedules and late-payment terms, and about 400 invoices in every state, dated
relative to `today`. The data is made up but realistic (names in each language's own
script, tax ids with valid check digits, local phone formats, amounts that look like real
prices in each currency) and is the same for the same `seed` and `today`.

E-mail addresses use the reserved `.example` top-level domain and UK and US phone numbers
the ranges kept for fiction, so nothing in the demo can reach a real person.

Everything is written with `bulk_create` in one transaction: the whole build takes a few
dozen queries and well under five seconds on SQLite.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from stdnum.gb import vat as gb_vat
from stdnum.iso7064 import mod_11_10
from stdnum.th import pin as th_pin
from stdnum.us import ein as us_ein
from stdnum.vn import mst as vn_mst

from owed.core import invoicing
from owed.core.identifiers import normalize_tax_id
from owed.core.money import percent_of, quantum
from owed.ledger import presenters, selectors, services
from owed.ledger.models import (
    Allocation,
    ChangeOrder,
    Client,
    Contact,
    Contract,
    Invoice,
    InvoiceLine,
    Membership,
    Milestone,
    Organization,
    Payment,
    PaymentAccount,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "owed-demo-2026"
DEMO_SLUG = "demo"

ORG_NAME = "Saigon Kite Studio Co., Ltd."
TARGET_INVOICES = 400
STEPS = 8

Progress = Callable[[int, int], None]


# --- Countries --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Country:
    code: str
    language: str
    currency: str
    price_factor: Decimal
    """Local currency per US dollar of the studio's base price list, price level included."""
    vat: Decimal
    """VAT the studio charges: 10 % at home, none on exported services."""
    terms: tuple[int, ...]
    """Payment terms in days, most common first."""
    billing_mailbox: str
    legal_mailbox: str
    channels: tuple[str, ...]


_COUNTRIES = {
    "VN": _Country(
        "VN",
        "vi",
        "VND",
        Decimal(11700),
        Decimal(10),
        (30, 15, 30),
        "ketoan",
        "phapche",
        ("chat", "chat", "phone", "email"),
    ),
    "IR": _Country(
        "IR",
        "fa",
        "IRR",
        Decimal(350000),
        Decimal(0),
        (30, 30, 45),
        "mali",
        "hoghoghi",
        ("chat", "phone", "email"),
    ),
    "TH": _Country(
        "TH",
        "th",
        "THB",
        Decimal("20.4"),
        Decimal(0),
        (30, 30, 15),
        "account",
        "legal",
        ("chat", "chat", "email"),
    ),
    "GB": _Country(
        "GB",
        "en",
        "GBP",
        Decimal("0.78"),
        Decimal(0),
        (30, 30, 14),
        "accounts",
        "legal",
        ("email", "email", "phone"),
    ),
    "US": _Country(
        "US",
        "en",
        "USD",
        Decimal("1.1"),
        Decimal(0),
        (30, 30, 15),
        "ap",
        "legal",
        ("email", "email", "phone"),
    ),
    "DE": _Country(
        "DE",
        "en",
        "EUR",
        Decimal("0.874"),
        Decimal(0),
        (14, 30, 30),
        "buchhaltung",
        "recht",
        ("email", "email", "letter"),
    ),
}


@dataclass(frozen=True, slots=True)
class _ClientRow:
    country: str
    kind: str
    name: str
    key: str
    """A Latin short name: the client id and the e-mail domain."""
    area: str
    """The telephone area code of the client's city."""
    tax_prefix: str
    """Leading digits of the tax id (province or register), "" to leave it blank."""
    jurisdiction: str
    address: str


_B, _P = Client.Kind.BUSINESS, Client.Kind.INDIVIDUAL

# fmt: off
_CLIENTS: tuple[_ClientRow, ...] = (
    # Vietnam: MST prefixes are the province tax offices (01 Ha Noi, 03 HCMC, 04 Da Nang,
    # 18 Can Tho, 42 Khanh Hoa, 60 Dak Lak); 8 is a personal tax code.
    _ClientRow("VN", _B, "Công ty TNHH Thương mại Hoàng Long", "hoanglong", "028", "03", "VN",
               "56 Nguyễn Trãi, Phường Bến Thành, TP. Hồ Chí Minh"),
    _ClientRow("VN", _B, "Công ty Cổ phần Du lịch Biển Xanh", "bienxanh", "0258", "42", "VN",
               "12 Trần Phú, Phường Nha Trang, Tỉnh Khánh Hòa"),
    _ClientRow("VN", _B, "Công ty TNHH Cà phê Đất Việt", "datvietcoffee", "0262", "60", "VN",
               "88 Lê Duẩn, Phường Buôn Ma Thuột, Tỉnh Đắk Lắk"),
    _ClientRow("VN", _B, "Công ty TNHH Thời trang Mây Trắng", "maytrang", "028", "03", "VN",
               "210 Hai Bà Trưng, Phường Tân Định, TP. Hồ Chí Minh"),
    _ClientRow("VN", _B, "Công ty Cổ phần Giáo dục Ánh Dương", "anhduong", "024", "01", "VN",
               "35 Cầu Giấy, Phường Cầu Giấy, TP. Hà Nội"),
    _ClientRow("VN", _B, "Công ty TNHH Nội thất Gỗ Việt", "goviet", "0274", "03", "VN",
               "Lô B2, KCN Sóng Thần, Phường Dĩ An, TP. Hồ Chí Minh"),
    _ClientRow("VN", _B, "Công ty TNHH Phần mềm Sao Mai", "saomai", "0236", "04", "VN",
               "18 Bạch Đằng, Phường Hải Châu, TP. Đà Nẵng"),
    _ClientRow("VN", _B, "Công ty Cổ phần Thực phẩm Sạch Miền Tây", "mientayfood", "0292", "18",
               "VN", "102 Trần Hưng Đạo, Phường Ninh Kiều, TP. Cần Thơ"),
    _ClientRow("VN", _B, "Công ty TNHH Mỹ phẩm Hoa Sen", "hoasen", "028", "03", "VN",
               "7 Phạm Ngọc Thạch, Phường Xuân Hòa, TP. Hồ Chí Minh"),
    _ClientRow("VN", _B, "Công ty TNHH Kiến trúc Không Gian Xanh", "khonggianxanh", "024", "01",
               "VN", "41 Lý Thường Kiệt, Phường Cửa Nam, TP. Hà Nội"),
    _ClientRow("VN", _B, "Hộ kinh doanh Bếp Nhà Lan", "bepnhalan", "028", "8", "VN",
               "23 Cao Thắng, Phường Bàn Cờ, TP. Hồ Chí Minh"),
    _ClientRow("VN", _P, "Nguyễn Thị Minh Anh", "", "028", "8", "VN",
               "15/4 Nguyễn Đình Chiểu, Phường Xuân Hòa, TP. Hồ Chí Minh"),
    _ClientRow("VN", _P, "Trần Quốc Bảo", "", "024", "8", "VN",
               "Số 9 ngõ 102 Trường Chinh, Phường Kim Liên, TP. Hà Nội"),
    _ClientRow("VN", _P, "Lê Hoàng Phúc", "", "0236", "8", "VN",
               "64 Hoàng Diệu, Phường Hải Châu, TP. Đà Nẵng"),
    # Iran: python-stdnum checks no Iranian number, so tax ids are left blank.
    _ClientRow("IR", _B, "شرکت نرم‌افزاری پارس آفرین", "parsafarin", "021", "", "IR",
               "تهران، خیابان ولیعصر، بالاتر از میدان ونک، پلاک ۲۱۴، ایران"),
    _ClientRow("IR", _B, "شرکت بازرگانی سپهر تجارت کیش", "sepehrtejarat", "076", "", "IR",
               "کیش، بلوار ایران، مجتمع تجاری پردیس ۲، واحد ۱۸، ایران"),
    _ClientRow("IR", _B, "گروه صنعتی نقش جهان", "naghshejahan", "031", "", "IR",
               "اصفهان، خیابان چهارباغ بالا، پلاک ۸۸، ایران"),
    _ClientRow("IR", _B, "شرکت فرش دستباف مهرآذین", "mehrazin", "041", "", "IR",
               "تبریز، خیابان امام خمینی، پلاک ۴۵، ایران"),
    _ClientRow("IR", _P, "مریم احمدی", "", "071", "", "IR",
               "شیراز، بلوار زند، کوچه ۱۲، پلاک ۷، ایران"),
    _ClientRow("IR", _P, "امیر حسین‌زاده", "", "021", "", "IR",
               "تهران، سعادت‌آباد، خیابان سرو غربی، پلاک ۳۰، ایران"),
    # Thailand: 13-digit tax ids; 0-105/0-505/0-405 are companies registered in Bangkok,
    # Chiang Mai and Khon Kaen, 0-833 a limited partnership in Phuket, 3 a citizen.
    _ClientRow("TH", _B, "บริษัท สยามดิจิทัล โซลูชั่นส์ จำกัด", "siamdigital", "02", "0105", "TH",
               "99/1 ถนนสุขุมวิท แขวงคลองเตยเหนือ เขตวัฒนา กรุงเทพมหานคร 10110"),
    _ClientRow("TH", _B, "บริษัท เชียงใหม่ คราฟท์ แอนด์ ดีไซน์ จำกัด", "chiangmaicraft", "053", "0505",
               "TH", "88 ถนนนิมมานเหมินท์ ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200"),
    _ClientRow("TH", _B, "ห้างหุ้นส่วนจำกัด ภูเก็ต ซีวิว รีสอร์ท", "phuketseaview", "076", "0833",
               "TH", "12 ถนนราษฎร์อุทิศ 200 ปี ตำบลป่าตอง อำเภอกะทู้ จังหวัดภูเก็ต 83150"),
    _ClientRow("TH", _B, "บริษัท กรุงเทพ ฟู้ด เซอร์วิส จำกัด", "bkkfoodservice", "02", "0105", "TH",
               "456 ถนนพระราม 4 แขวงมหาพฤฒาราม เขตบางรัก กรุงเทพมหานคร 10500"),
    _ClientRow("TH", _B, "บริษัท ขอนแก่น อะโกร เทค จำกัด", "khonkaenagro", "043", "0405", "TH",
               "9 ถนนมิตรภาพ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"),
    _ClientRow("TH", _P, "กนกวรรณ ศรีสุข", "", "02", "3", "TH",
               "77/5 ซอยอารีย์ 4 แขวงพญาไท เขตพญาไท กรุงเทพมหานคร 10400"),
    # United Kingdom: phone numbers from Ofcom's ranges for drama.
    _ClientRow("GB", _B, "Thistle & Finch Ltd", "thistlefinch", "0114", "gb", "GB",
               "14 Carver Street, Sheffield S1 4FS, United Kingdom"),
    _ClientRow("GB", _B, "Harbourside Analytics Ltd", "harbourside", "0117", "gb", "GB",
               "Unit 3, Wapping Wharf, Bristol BS1 6WP, United Kingdom"),
    _ClientRow("GB", _B, "Kestrel Brewing Company Ltd", "kestrelbrewing", "0161", "gb", "GB",
               "22 Jersey Street, Ancoats, Manchester M4 6JG, United Kingdom"),
    _ClientRow("GB", _B, "Northgate Property Partners LLP", "northgate", "0113", "gb", "GB",
               "5 Park Row, Leeds LS1 5HD, United Kingdom"),
    _ClientRow("GB", _P, "Oliver Bennett", "", "020", "", "GB",
               "Flat 2, 18 Marchmont Street, London WC1N 1AB, United Kingdom"),
    # United States: 555-01xx numbers are reserved for fiction.
    _ClientRow("US", _B, "Bluebird Outdoor Gear, Inc.", "bluebirdgear", "(415)", "us", "US-CA",
               "1200 Market Street, Suite 400, San Francisco, CA 94102, USA"),
    _ClientRow("US", _B, "Redwood Health Partners LLC", "redwoodhealth", "(916)", "us", "US-CA",
               "455 Capitol Mall, Suite 210, Sacramento, CA 95814, USA"),
    _ClientRow("US", _B, "Hudson & Pine Media LLC", "hudsonpine", "(718)", "us", "US-NY",
               "87 Greenpoint Avenue, Brooklyn, NY 11222, USA"),
    _ClientRow("US", _B, "Empire Bagel Co.", "empirebagel", "(212)", "us", "US-NY",
               "301 West 57th Street, New York, NY 10019, USA"),
    _ClientRow("US", _P, "Sarah Kim", "", "(212)", "", "US-NY",
               "22 Orchard Street, Apt 5B, New York, NY 10002, USA"),
    # Germany.
    _ClientRow("DE", _B, "Nordlicht Medien GmbH", "nordlicht", "030", "de", "DE",
               "Torstraße 140, 10119 Berlin, Deutschland"),
    _ClientRow("DE", _B, "Bäckerei Sonnenschein GmbH", "sonnenschein", "089", "de", "DE",
               "Schillerstraße 12, 80336 München, Deutschland"),
    _ClientRow("DE", _B, "Rheinblick Robotik AG", "rheinblick", "0211", "de", "DE",
               "Rheinuferstraße 8, 40221 Düsseldorf, Deutschland"),
    _ClientRow("DE", _P, "Lena Hoffmann", "", "040", "", "DE",
               "Schanzenstraße 41, 20357 Hamburg, Deutschland"),
)

# People's names per country: (as written, Latin spelling for e-mail addresses).
_GIVEN: dict[str, tuple[tuple[str, str], ...]] = {
    "VN": tuple((n, "") for n in (
        "Anh", "Bảo", "Châu", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Linh", "Long", "Mai",
        "Nam", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến",
    )),
    "IR": (
        ("مریم", "maryam"), ("علی", "ali"), ("زهرا", "zahra"), ("رضا", "reza"),
        ("سارا", "sara"), ("حسین", "hossein"), ("نگار", "negar"), ("امیر", "amir"),
        ("فاطمه", "fatemeh"), ("مهدی", "mahdi"), ("پریسا", "parisa"), ("کاوه", "kaveh"),
    ),
    "TH": (
        ("สมชาย", "somchai"), ("กนกวรรณ", "kanokwan"), ("ณัฐพล", "nattaphon"),
        ("พิมพ์ชนก", "pimchanok"), ("ธนากร", "thanakorn"), ("วรรณา", "wanna"),
        ("อนุชา", "anucha"), ("สุภาพร", "supaporn"), ("ปิยะ", "piya"), ("ศิริพร", "siriporn"),
    ),
    "GB": tuple((n, n.lower()) for n in (
        "Oliver", "Amelia", "Harry", "Isla", "George", "Sophie", "Jack", "Grace", "Thomas",
        "Emily", "Priya", "Callum",
    )),
    "US": tuple((n, n.lower()) for n in (
        "Emily", "Michael", "Jessica", "David", "Ashley", "Chris", "Megan", "Jason",
        "Lauren", "Daniel", "Maria", "Tyler",
    )),
    "DE": (
        ("Lena", "lena"), ("Jonas", "jonas"), ("Anna", "anna"), ("Felix", "felix"),
        ("Marie", "marie"), ("Lukas", "lukas"), ("Sophie", "sophie"), ("Jürgen", "juergen"),
        ("Katrin", "katrin"), ("Tobias", "tobias"),
    ),
}
_FAMILY: dict[str, tuple[tuple[str, str], ...]] = {
    "VN": tuple((n, "") for n in (
        "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ",
    )),
    "IR": (
        ("احمدی", "ahmadi"), ("رضایی", "rezaei"), ("محمدی", "mohammadi"),
        ("حسینی", "hosseini"), ("کریمی", "karimi"), ("موسوی", "mousavi"),
        ("جعفری", "jafari"), ("صادقی", "sadeghi"), ("نوری", "nouri"), ("تهرانی", "tehrani"),
    ),
    "TH": (
        ("ใจดี", "jaidee"), ("ศรีสุข", "srisuk"), ("วงศ์ไทย", "wongthai"), ("บุญมา", "boonma"),
        ("แสงทอง", "saengthong"), ("ทองดี", "thongdee"), ("รัตนพันธ์", "rattanaphan"),
        ("สุขสวัสดิ์", "suksawat"),
    ),
    "GB": tuple((n, n.lower()) for n in (
        "Bennett", "Clarke", "Walsh", "Morgan", "Patel", "Turner", "Hughes", "Shaw", "Khan",
        "Fletcher",
    )),
    "US": tuple((n, n.lower()) for n in (
        "Johnson", "Garcia", "Lee", "Nguyen", "Brown", "Martinez", "Robinson", "Walker",
        "Kim", "Rivera",
    )),
    "DE": (
        ("Müller", "mueller"), ("Becker", "becker"), ("Schulz", "schulz"),
        ("Wagner", "wagner"), ("Fischer", "fischer"), ("Weber", "weber"),
        ("Schäfer", "schaefer"), ("Köhler", "koehler"), ("Hoffmann", "hoffmann"),
    ),
}
_VN_MIDDLE = ("Thị", "Văn", "Minh", "Ngọc", "Quốc", "Thanh", "Đức", "Gia", "Hữu", "Thu")

_NOTES_BY_COUNTRY = {
    "VN": (
        "Needs the VAT e-invoice (hóa đơn điện tử) before the accountant will pay.",
        "Prefers reminders on Zalo; the director reads e-mail rarely.",
        "Send the signed acceptance record (biên bản nghiệm thu) with the final invoice.",
    ),
    "IR": (
        "Payments arrive through an exchange house; allow 3 to 5 extra days.",
        "Invoices in English with the amount also written out in Persian words.",
        "Prefers a WhatsApp message before an e-mail reminder.",
    ),
    "TH": (
        "Prefers reminders on LINE.",
        "Accounts payable runs every Thursday; invoices received by Monday are paid that week.",
        "Invoices must show the client's tax id and head office (สำนักงานใหญ่).",
    ),
    "GB": (
        "PO number required on every invoice.",
        "Invoices go to the accounts mailbox only; the main contact cannot approve them.",
        "Reverse charge: invoices must say the customer accounts for the VAT.",
    ),
    "US": (
        "Sent a W-8BEN-E with the first invoice; keep it on file.",
        "Pays by ACH; card payments add a 3% fee.",
        "Net 30 from receipt of invoice per the MSA.",
    ),
    "DE": (
        "Invoices must carry the reverse-charge note (Steuerschuldnerschaft des Leistungsempfängers).",
        "Prefers letters for anything formal; e-mail for everything else.",
        "Skonto: 2% if paid within 10 days was agreed once, not as a standing term.",
    ),
}
# fmt: on

_PERSON_NOTES = {
    "VN": (
        "Prefers reminders on Zalo.",
        "Pays from a personal account; the name on the transfer may differ.",
    ),
    "IR": (
        "Prefers a WhatsApp message to an e-mail.",
        "Pays through a relative's account abroad; match payments by amount.",
    ),
    "TH": ("Prefers reminders on LINE.", "Pays by PromptPay QR; send the QR with each invoice."),
    "GB": (
        "Prefers a phone call to e-mail.",
        "Asked for invoices in his own name, not his company's.",
    ),
    "US": ("Pays by card; send the payment link with the invoice.", "Prefers text messages."),
    "DE": (
        "Prefers e-mail; never call before 10:00.",
        "Pays by SEPA transfer from her freelance business account.",
    ),
}

_PROFILE_NOTES = {
    "slow": "Often pays one to two months late; call the billing contact after the first reminder.",
    "late": "Usually pays a couple of weeks after the due date.",
    "prompt": "Reliable payer.",
}


# --- Price list --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Item:
    en: str
    vi: str
    unit: str
    """hour, day or item: decides the quantities."""
    base: int
    """Price in US dollars before the country's price factor."""
    quantities: tuple[str, ...] = ("1",)
    at_cost: bool = False
    """Resold at cost: the price keeps its cents (12.99), as the supplier charged it."""
    vn_vat: int = 10


_HOURS = ("2", "3", "4", "5", "6", "7.5", "8", "10", "12", "12.5", "16", "20", "24", "32", "40")

_CATALOGUE: tuple[_Item, ...] = (
    _Item("UI/UX design", "Thiết kế giao diện UI/UX", "hour", 70, _HOURS),
    _Item("Front-end development", "Lập trình front-end", "hour", 75, _HOURS),
    _Item("Back-end development", "Lập trình back-end", "hour", 80, _HOURS),
    _Item("Bug fixing and support", "Sửa lỗi và hỗ trợ kỹ thuật", "hour", 65, _HOURS[:8]),
    _Item("Copywriting", "Viết nội dung", "hour", 50, _HOURS[:9]),
    _Item(
        "Logo and brand identity package",
        "Gói thiết kế logo và nhận diện thương hiệu",
        "item",
        2400,
    ),
    _Item("Landing page, design and build", "Thiết kế và lập trình landing page", "item", 1800),
    _Item(
        "Packaging design, per SKU",
        "Thiết kế bao bì, mỗi mã sản phẩm",
        "item",
        450,
        ("2", "3", "4", "6", "8"),
    ),
    _Item(
        "Social media creative set (12 posts)",
        "Bộ thiết kế mạng xã hội (12 bài)",
        "item",
        600,
        ("1", "2", "3"),
    ),
    _Item("Product photography, half day", "Chụp ảnh sản phẩm, nửa ngày", "item", 700, ("1", "2")),
    _Item(
        "Workshop facilitation, per day", "Tổ chức workshop, mỗi ngày", "day", 900, ("1", "2", "3")
    ),
    _Item(
        "Hosting and monitoring, 12 months", "Lưu trữ và giám sát website, 12 tháng", "item", 480
    ),
    _Item(
        "Domain renewal, 1 year",
        "Gia hạn tên miền, 1 năm",
        "item",
        25,
        ("1", "2", "3"),
        at_cost=True,
    ),
    _Item(
        "Stock image licences",
        "Bản quyền hình ảnh",
        "item",
        15,
        ("5", "8", "10", "20", "30"),
        at_cost=True,
    ),
    _Item(
        "Printing: brochures, 1,000 copies",
        "In ấn brochure, 1.000 tờ",
        "item",
        350,
        ("1", "2"),
        vn_vat=8,
    ),
)


@dataclass(frozen=True, slots=True)
class _ProjectTemplate:
    en: str
    vi: str
    low: int
    high: int


_PROJECTS = (
    _ProjectTemplate("Brand identity redesign", "Thiết kế lại bộ nhận diện thương hiệu", 6, 15),
    _ProjectTemplate("E-commerce website", "Website thương mại điện tử", 12, 40),
    _ProjectTemplate("Mobile app for iOS and Android", "Ứng dụng di động iOS và Android", 25, 60),
    _ProjectTemplate("Booking system and website", "Hệ thống đặt chỗ và website", 15, 35),
    _ProjectTemplate(
        "Packaging design for a new product line", "Thiết kế bao bì dòng sản phẩm mới", 4, 10
    ),
    _ProjectTemplate("Customer portal", "Cổng thông tin khách hàng", 20, 45),
    _ProjectTemplate("Sales data dashboard", "Bảng điều khiển dữ liệu bán hàng", 8, 20),
    _ProjectTemplate(
        "UX audit and clickable prototype", "Đánh giá trải nghiệm người dùng và bản mẫu", 4, 9
    ),
    _ProjectTemplate("Corporate website relaunch", "Làm mới website doanh nghiệp", 8, 20),
    _ProjectTemplate("Online learning platform (MVP)", "Nền tảng học trực tuyến (MVP)", 18, 40),
)
_PERSONAL_PROJECTS = (
    _ProjectTemplate("Portfolio website", "Website hồ sơ cá nhân", 2, 4),
    _ProjectTemplate("Book cover and illustrations", "Thiết kế bìa sách và minh họa", 2, 5),
)
_RETAINERS = (
    ("Website care plan", "Gói bảo trì website", "hour", 60, 90),
    ("Design retainer", "Thiết kế theo tháng", "day", 450, 650),
    ("Development support retainer", "Hỗ trợ phát triển phần mềm theo tháng", "hour", 70, 95),
)

# (description en, description vi, percent or None, amount share or None, due rule,
# fraction of the project at which it is invoiced, due days)
_D = Milestone.DueRule
_SCHEDULES = (
    (
        ("Deposit on signing", "Tạm ứng khi ký hợp đồng", 50, None, _D.ON_SIGNING, 0, None),
        ("Final delivery", "Bàn giao và nghiệm thu", 50, None, _D.ON_COMPLETION, 1, None),
    ),
    (
        ("Deposit on signing", "Tạm ứng khi ký hợp đồng", 30, None, _D.ON_SIGNING, 0, None),
        ("Final delivery", "Bàn giao và nghiệm thu", 70, None, _D.DAYS_AFTER_INVOICE, 1, 30),
    ),
    (
        ("Deposit on signing", "Tạm ứng khi ký hợp đồng", 30, None, _D.ON_SIGNING, 0, None),
        ("Design approval", "Nghiệm thu thiết kế", 40, None, _D.ON_COMPLETION, 0.45, None),
        ("Launch", "Ra mắt chính thức", 30, None, _D.DAYS_AFTER_INVOICE, 1, 14),
    ),
    (
        ("Deposit on signing", "Tạm ứng khi ký hợp đồng", 40, None, _D.ON_SIGNING, 0, None),
        ("Beta release", "Bàn giao bản beta", 30, None, _D.ON_DATE, 0.6, None),
        ("Launch", "Ra mắt chính thức", 30, None, _D.DAYS_AFTER_INVOICE, 1, 30),
    ),
    (
        ("Discovery workshop", "Workshop khảo sát", None, 15, _D.ON_SIGNING, 0, None),
        ("Build phase", "Giai đoạn phát triển", None, 50, _D.ON_DATE, 0.5, None),
        ("Launch", "Ra mắt chính thức", None, 35, _D.DAYS_AFTER_INVOICE, 1, 30),
    ),
)
_SINGLE_PAYMENT = (
    ("Payment on completion", "Thanh toán khi hoàn thành", 100, None, _D.ON_COMPLETION, 1, None),
)

# (en, vi, price change in % of the price, days the end date moves)
_CHANGE_ORDERS = (
    (
        "Additional English-language version of all deliverables.",
        "Bổ sung phiên bản tiếng Anh cho tất cả hạng mục.",
        12,
        0,
    ),
    (
        "One extra round of revisions on the main deliverables.",
        "Thêm một vòng chỉnh sửa cho các hạng mục chính.",
        8,
        0,
    ),
    (
        "Part of the scope dropped at the client's request.",
        "Giảm bớt phạm vi công việc theo yêu cầu của khách hàng.",
        -10,
        0,
    ),
    (
        "Deadline moved three weeks later at the client's request.",
        "Lùi thời hạn ba tuần theo yêu cầu của khách hàng.",
        0,
        21,
    ),
    (
        "Integration with the client's accounting system.",
        "Tích hợp với phần mềm kế toán của khách hàng.",
        10,
        14,
    ),
)

_PAYMENT_METHODS = {
    "VND": "Bank transfer (VietQR) to Vietcombank",
    "IRR": "Bank transfer through the client's exchange house",
    "THB": "Bank transfer or PromptPay",
    "GBP": "Bank transfer (Faster Payments) or card",
    "USD": "ACH or wire transfer, card",
    "EUR": "SEPA transfer",
}
_BANK_FEE = {"GBP": Decimal(10), "USD": Decimal(25), "EUR": Decimal(15)}


# --- Plans: the demo as plain Python, before anything is written ---------------------------


@dataclass(eq=False)
class _ClientPlan:
    row: _ClientRow
    country: _Country
    code: str
    tax_id: str
    notes: str
    terms: int
    profile: str
    pay_day: int | None
    since: date
    weight: float
    rate: Decimal
    """The client's negotiated rates against the price list."""
    contacts: list[dict] = field(default_factory=list)
    obj: Client | None = None


@dataclass(eq=False)
class _MilestonePlan:
    position: int
    description: str
    percent: Decimal | None
    amount: Decimal | None
    net: Decimal
    due_rule: str
    fraction: float
    due_on: date | None = None
    due_days: int | None = None
    obj: Milestone | None = None


@dataclass(eq=False)
class _ContractPlan:
    client: _ClientPlan
    title: str
    scope: str
    signed_on: date
    starts_on: date
    ends_on: date | None
    price: Decimal
    price_basis: str
    retainer: bool
    interest_rate: Decimal | None
    late_fee: Decimal | None
    grace_days: int
    work_stop_grace_days: int | None
    jurisdiction: str
    code: str = ""
    delivered_on: date | None = None
    """When the work is actually delivered: the end date, moved by change orders."""
    milestones: list[_MilestonePlan] = field(default_factory=list)
    change_orders: list[dict] = field(default_factory=list)
    obj: Contract | None = None


@dataclass(eq=False)
class _InvoicePlan:
    client: _ClientPlan
    issue: date
    due: date
    lines: list[invoicing.Line]
    contract: _ContractPlan | None = None
    milestone: _MilestonePlan | None = None
    forced: str = ""
    """A state the invoice must end in ("open", "partly_paid", "written_off"), or ""."""
    number: str = ""
    total: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    written_off_on: date | None = None
    obj: Invoice | None = None


@dataclass(eq=False)
class _PaymentPlan:
    client: _ClientPlan
    date: date
    amount: Decimal
    allocations: list[tuple[_InvoicePlan, Decimal]]
    mergeable: bool = True


# --- Helpers -----------------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


def _ascii(text: str) -> str:
    """Vietnamese (or any Latin) text without diacritics, lower case: `Đỗ` -> `do`."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _step(currency: str, value: Decimal) -> Decimal:
    """The granularity real prices in `currency` are quoted in, at about `value`."""
    if currency == "VND":
        return Decimal(50000) if value >= 1_000_000 else Decimal(10000)
    if currency == "IRR":
        if value >= 100_000_000:
            return Decimal(5_000_000)
        return Decimal(1_000_000) if value >= 10_000_000 else Decimal(100_000)
    if currency == "THB":
        return Decimal(50) if value >= 1000 else Decimal(5)
    return Decimal(5) if value >= 100 else Decimal("0.5")


def _round_to(value: Decimal, step: Decimal, currency: str, rounding: str = ROUND_HALF_UP):
    units = (value / step).quantize(Decimal(1), rounding=rounding)
    return (max(units, Decimal(1)) * step).quantize(quantum(currency))


def _local_price(base: Decimal | int, country: _Country, at_cost: bool = False) -> Decimal:
    value = Decimal(base) * country.price_factor
    if at_cost and quantum(country.currency) < 1:
        # Resold at the supplier's price, which ends in .99 or .49.
        whole = value.quantize(Decimal(1), rounding=ROUND_DOWN)
        return whole + Decimal("0.99") if whole % 2 else whole + Decimal("0.49")
    return _round_to(value, _step(country.currency, value), country.currency)


def _friendly_part(amount: Decimal, share: float, currency: str) -> Decimal:
    """About `share` of `amount`, rounded down to a round figure, never all of it."""
    part = amount * Decimal(str(share))
    rounded = _round_to(part, _step(currency, part) * 2, currency, ROUND_DOWN)
    if rounded >= amount:
        rounded = (amount / 2).quantize(quantum(currency), rounding=ROUND_DOWN)
    return rounded


def _next_day_of_month(day: date, dom: int) -> date:
    if day.day <= dom:
        return day.replace(day=dom)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, dom)


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _person(rng: random.Random, country: str) -> tuple[str, str, str]:
    """A name as written, and Latin given and family names for an e-mail address."""
    given, given_latin = rng.choice(_GIVEN[country])
    family, family_latin = rng.choice(_FAMILY[country])
    if country == "VN":
        return f"{family} {rng.choice(_VN_MIDDLE)} {given}", _ascii(given), _ascii(family)
    return f"{given} {family}", given_latin, family_latin


def _split_name(name: str, country: str) -> tuple[str, str]:
    """Latin given and family names of a client who is a person, for an e-mail address."""
    words = name.split()
    if country == "VN":
        return _ascii(words[-1]), _ascii(words[0])
    for given, latin in _GIVEN[country]:
        if words[0] == given:
            family = " ".join(words[1:])
            family_latin = dict(_FAMILY[country]).get(family) or _ascii(family)
            return latin, family_latin.replace(" ", "")
    return _ascii(words[0]), _ascii(words[-1])


_LATIN_PERSONS = {
    "مریم احمدی": ("maryam", "ahmadi"),
    "امیر حسین‌زاده": ("amir", "hosseinzadeh"),
    "กนกวรรณ ศรีสุข": ("kanokwan", "srisuk"),
}


def _landline(rng: random.Random, country: str, area: str) -> str:
    if country == "VN":
        first = rng.choice("2356") if len(area) == 3 else "3"
        if len(area) == 3:
            return f"{area} {first}{_digits(rng, 3)} {_digits(rng, 4)}"
        return f"{area} {first}{_digits(rng, 2)} {_digits(rng, 4)}"
    if country == "IR":
        return f"{area} {rng.randint(2, 8)}{_digits(rng, 3)} {_digits(rng, 4)}"
    if country == "TH":
        if area == "02":
            return f"02 {rng.randint(1, 9)}{_digits(rng, 2)} {_digits(rng, 4)}"
        return f"{area} {rng.randint(2, 9)}{_digits(rng, 2)} {_digits(rng, 3)}"
    if country == "GB":
        if area == "020":
            return f"020 7946 0{_digits(rng, 3)}"
        return f"{area} 496 0{_digits(rng, 3)}"
    if country == "US":
        return f"{area} 555-01{_digits(rng, 2)}"
    return f"{area} {rng.randint(2, 9)}{_digits(rng, 6)}"


def _mobile(rng: random.Random, country: str, area: str) -> str:
    if country == "VN":
        prefix = rng.choice(("0903", "0908", "0912", "0938", "0977", "0988", "0862", "0704"))
        return f"{prefix} {_digits(rng, 3)} {_digits(rng, 3)}"
    if country == "IR":
        prefix = rng.choice(("0912", "0919", "0935", "0901", "0921", "0937"))
        return f"{prefix} {_digits(rng, 3)} {_digits(rng, 4)}"
    if country == "TH":
        prefix = rng.choice(("081", "086", "089", "092", "095", "061"))
        return f"{prefix} {_digits(rng, 3)} {_digits(rng, 4)}"
    if country == "GB":
        return f"07700 900{_digits(rng, 3)}"
    if country == "US":
        return f"{area} 555-01{_digits(rng, 2)}"
    return f"01{rng.choice(('51', '60', '70', '76'))} {_digits(rng, 8)}"


def _tax_id(rng: random.Random, row: _ClientRow) -> str:
    """A tax id with a valid check digit, compact as owed stores it, or ""."""
    prefix = row.tax_prefix
    if not prefix:
        return ""
    if row.country == "VN":
        while True:
            body = prefix + _digits(rng, 9 - len(prefix))
            check = vn_mst.calc_check_digit(body)
            if len(check) == 1 and body[2:9] != "0000000":
                number = body + check
                break
    elif row.country == "TH":
        body = prefix + _digits(rng, 12 - len(prefix))
        number = body + th_pin.calc_check_digit(body)
    elif row.country == "GB":
        body = str(rng.randint(1, 9)) + _digits(rng, 6)
        weighted = sum(w * int(d) for w, d in zip((8, 7, 6, 5, 4, 3, 2), body, strict=True))
        number = f"GB{body}{(-weighted) % 97:02d}"
        assert gb_vat.checksum(number[2:]) == 0
    elif row.country == "DE":
        body = str(rng.randint(1, 9)) + _digits(rng, 7)
        number = "DE" + body + mod_11_10.calc_check_digit(body)
    elif row.country == "US":
        while True:
            number = f"{rng.randint(10, 99)}-{_digits(rng, 7)}"
            if us_ein.is_valid(number):
                break
    else:
        return ""
    return normalize_tax_id(number, row.country)


def _late_terms(rng: random.Random, jurisdiction: str, currency: str):
    """Interest (% a year), fixed late fee, grace days and work-stop grace days."""
    fee = {
        "GBP": Decimal(70),
        "EUR": Decimal(40),
        "USD": Decimal(50),
        "VND": Decimal(500000),
        "THB": Decimal(500),
    }.get(currency)
    if jurisdiction == "GB":
        interest = rng.choice((Decimal("12"), None, None))  # None: the statutory 8 % + base
        return interest, rng.choice((fee, fee, None)), 0, rng.choice((14, 30, None))
    if jurisdiction.startswith("US"):
        interest = rng.choice((Decimal("18"), Decimal("12"), None))
        return interest, rng.choice((fee, None)), rng.choice((5, 10)), rng.choice((15, None))
    if jurisdiction == "DE":
        interest = rng.choice((None, None, Decimal("9.5")))  # None: base rate + 9 points
        return interest, fee, 0, rng.choice((14, None))
    if jurisdiction == "TH":
        return rng.choice((Decimal("7.5"), Decimal("5"))), rng.choice((fee, None)), 7, None
    if jurisdiction == "IR":
        return None, None, 10, rng.choice((30, None))
    # Vietnam: the contract may set interest; without it the Commercial Law applies.
    interest = rng.choice((Decimal("10"), Decimal("12"), None))
    vnd_fee = fee if currency == "VND" else None
    return interest, rng.choice((vnd_fee, None)), rng.choice((3, 5, 7)), rng.choice((7, 15, None))


# --- Generation --------------------------------------------------------------------------


class _Generator:
    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.clients: list[_ClientPlan] = []
        self.contracts: list[_ContractPlan] = []
        self.invoices: list[_InvoicePlan] = []
        self.payments: list[_PaymentPlan] = []
        self.overpaid = 0

    def run(self) -> None:
        self._clients()
        self._contracts()
        self._contract_invoices()
        self._recent_invoices()
        self._adhoc_invoices()
        self._number_invoices()
        self._force_write_offs()
        self._settle()

    # Clients and contacts.

    def _clients(self) -> None:
        rng = self.rng
        profiles = ("prompt", "late", "slow")
        for i, row in enumerate(_CLIENTS):
            country = _COUNTRIES[row.country]
            business = row.kind == Client.Kind.BUSINESS
            profile = rng.choices(profiles, weights=(35, 40, 25))[0]
            if row.country == "IR" and profile == "prompt":
                profile = "late"
            pay_day = rng.choice((25, 15)) if business and rng.random() < 0.3 else None
            pool = _NOTES_BY_COUNTRY if business else _PERSON_NOTES
            notes = [rng.choice(pool[row.country])]
            notes.append(_PROFILE_NOTES[profile])
            if pay_day:
                notes.append(f"Pays supplier invoices on the {pay_day}th of each month.")
            code = (row.key or f"{row.country.lower()}-person-{i + 1:02d}").upper()
            client = _ClientPlan(
                row=row,
                country=country,
                code=code,
                tax_id=_tax_id(rng, row),
                notes=" ".join(notes) if rng.random() < 0.8 else "",
                terms=rng.choice((7, 14)) if not business else rng.choice(country.terms),
                profile=profile,
                pay_day=pay_day,
                since=self.today - timedelta(days=rng.randint(150, 560)),
                weight=rng.uniform(1.0, 3.0) if business else rng.uniform(0.15, 0.4),
                rate=Decimal(rng.choice(("0.85", "0.9", "1", "1", "1", "1.1", "1.2"))),
            )
            client.contacts = self._contacts(client)
            self.clients.append(client)
        # Make sure a few clients pay badly: the demo is about collections.
        slow = [c for c in self.clients if c.profile == "slow"]
        for client in rng.sample(self.clients, 6):
            if len(slow) >= 4:
                break
            if client.profile != "slow":
                client.profile = "slow"
                slow.append(client)

    def _contacts(self, client: _ClientPlan) -> list[dict]:
        rng, row, country = self.rng, client.row, client.country
        channel = rng.choice(country.channels)
        if row.kind == Client.Kind.INDIVIDUAL:
            given, family = _LATIN_PERSONS.get(row.name) or _split_name(row.name, row.country)
            return [
                {
                    "role": Contact.Role.MAIN,
                    "name": row.name,
                    "email": f"{given}.{family}@mail.example",
                    "phone": _mobile(rng, row.country, row.area),
                    "preferred_channel": channel,
                }
            ]
        domain = f"{row.key}.example"
        name, given, family = _person(rng, row.country)
        contacts = [
            {
                "role": Contact.Role.MAIN,
                "name": name,
                "email": f"{given}.{family}@{domain}",
                "phone": _mobile(rng, row.country, row.area),
                "preferred_channel": channel,
            }
        ]
        billing_name, _, _ = _person(rng, row.country)
        contacts.append(
            {
                "role": Contact.Role.BILLING,
                "name": billing_name if rng.random() < 0.7 else "",
                "email": f"{country.billing_mailbox}@{domain}",
                "phone": _landline(rng, row.country, row.area),
                "preferred_channel": Contact.Channel.EMAIL,
            }
        )
        if rng.random() < 0.35:
            legal_name, _, _ = _person(rng, row.country)
            contacts.append(
                {
                    "role": Contact.Role.LEGAL,
                    "name": legal_name,
                    "email": f"{country.legal_mailbox}@{domain}",
                    "phone": _landline(rng, row.country, row.area),
                    "preferred_channel": rng.choice(
                        (Contact.Channel.EMAIL, Contact.Channel.LETTER)
                    ),
                }
            )
        return contacts

    # Contracts, milestones and change orders.

    def _contracts(self) -> None:
        rng = self.rng
        businesses = [c for c in self.clients if c.row.kind == Client.Kind.BUSINESS]
        persons = [c for c in self.clients if c.row.kind == Client.Kind.INDIVIDUAL]
        # One contract under each governing law first, then the rest at random.
        chosen: list[_ClientPlan] = []
        for jurisdiction in ("VN", "IR", "TH", "GB", "US-CA", "US-NY", "DE"):
            candidates = [c for c in businesses if c.row.jurisdiction == jurisdiction]
            chosen.append(rng.choice(candidates))
        rest = [c for c in businesses if c not in chosen]
        rng.shuffle(rest)
        chosen += rest[:14]
        chosen += rng.sample(chosen, 2)  # two clients with a second contract
        chosen += rng.sample(persons, 2)
        retainer_clients = set(rng.sample(chosen[:21], 6))
        for i, client in enumerate(chosen):
            own_law = i < 7  # the first seven cover every governing law
            if client in retainer_clients:
                retainer_clients.discard(client)
                self.contracts.append(self._retainer(client, own_law))
            else:
                self.contracts.append(self._project(client, own_law))
        self.contracts.sort(key=lambda c: (c.signed_on, c.client.code))
        per_year: dict[int, int] = {}
        for contract in self.contracts:
            year = contract.signed_on.year
            per_year[year] = per_year.get(year, 0) + 1
            contract.code = f"CT-{year}-{per_year[year]:03d}"
        projects = [c for c in self.contracts if not c.retainer and c.starts_on < self.today]
        for contract, change in zip(
            rng.sample(projects, min(5, len(projects))), _CHANGE_ORDERS, strict=False
        ):
            self._change_order(contract, change)

    def _terms(self, client: _ClientPlan, own_law: bool) -> dict:
        rng = self.rng
        jurisdiction = client.row.jurisdiction
        if not own_law and client.row.country != "VN" and rng.random() < 0.2:
            jurisdiction = "VN"  # governed by the studio's own law
        interest, fee, grace, work_stop = _late_terms(rng, jurisdiction, client.country.currency)
        return {
            "interest_rate": interest,
            "late_fee": fee,
            "grace_days": grace,
            "work_stop_grace_days": work_stop,
            "jurisdiction": jurisdiction,
        }

    def _project(self, client: _ClientPlan, own_law: bool) -> _ContractPlan:
        rng, country = self.rng, client.country
        vi = country.language == "vi"
        business = client.row.kind == Client.Kind.BUSINESS
        template = rng.choice(_PROJECTS if business else _PERSONAL_PROJECTS)
        base = Decimal(rng.randint(template.low * 10, template.high * 10) * 100)
        raw = base * country.price_factor
        step = {"VND": 1_000_000, "IRR": 10_000_000, "THB": 1000}.get(country.currency, 100)
        price = _round_to(raw, Decimal(step), country.currency)
        signed = self.today - timedelta(days=rng.randint(10, 480))
        starts = signed + timedelta(days=rng.randint(0, 14))
        duration = rng.randint(30, 60) if template.high <= 10 else rng.randint(60, 180)
        title = template.vi if vi else template.en
        scope = (
            f"Khảo sát, thiết kế và triển khai: {template.vi.lower()}. Hai vòng chỉnh sửa cho "
            "mỗi hạng mục, bàn giao mã nguồn và tệp thiết kế, bảo hành 30 ngày."
            if vi
            else f"Discovery, design and build of the {template.en[0].lower()}{template.en[1:]}. "
            "Two rounds of revisions per deliverable, handover of source and design files "
            "and a 30-day warranty."
        )
        contract = _ContractPlan(
            client=client,
            title=title,
            scope=scope,
            signed_on=signed,
            starts_on=starts,
            ends_on=starts + timedelta(days=duration),
            price=price,
            price_basis=Contract.PriceBasis.FIXED,
            retainer=False,
            **self._terms(client, own_law),
        )
        schedule = rng.choice(_SCHEDULES) if template.high > 5 else _SINGLE_PAYMENT
        left = price
        for position, (en, vi_text, pct, share, rule, fraction, days) in enumerate(
            schedule, start=1
        ):
            if pct is not None:
                percent = Decimal(pct)
                net = percent_of(price, percent, country.currency)
                amount = None
            else:
                percent = None
                last = position == len(schedule)
                amount = (
                    left
                    if last
                    else _round_to(price * share / 100, Decimal(step), country.currency)
                )
                net = amount
            left -= net
            milestone = _MilestonePlan(
                position=position,
                description=vi_text if vi else en,
                percent=percent,
                amount=amount,
                net=net,
                due_rule=rule,
                fraction=fraction,
                due_days=days,
            )
            if rule == _D.ON_DATE:
                milestone.due_on = starts + timedelta(days=round(duration * fraction) + 14)
            contract.milestones.append(milestone)
        return contract

    def _retainer(self, client: _ClientPlan, own_law: bool) -> _ContractPlan:
        rng, country = self.rng, client.country
        en, vi, basis, low, high = rng.choice(_RETAINERS)
        starts = _month_start(self.today, rng.randint(5, 17))
        ends = None
        if rng.random() < 0.3:
            ends = _month_start(starts, -rng.randint(6, 12)) - timedelta(days=1)
            if ends >= self.today:
                ends = None
        rate = _local_price(rng.randint(low, high), country)
        vi_lang = country.language == "vi"
        scope = (
            "Cập nhật, sửa lỗi và tính năng nhỏ theo số giờ thỏa thuận mỗi tháng; giờ chưa dùng "
            "không chuyển sang tháng sau."
            if vi_lang
            else "Updates, fixes and small features up to the agreed time each month; unused "
            "time does not roll over. Billed monthly in arrears."
        )
        return _ContractPlan(
            client=client,
            title=vi if vi_lang else en,
            scope=scope,
            signed_on=starts - timedelta(days=rng.randint(3, 20)),
            starts_on=starts,
            ends_on=ends,
            price=rate,
            price_basis=Contract.PriceBasis.HOUR if basis == "hour" else Contract.PriceBasis.DAY,
            retainer=True,
            **self._terms(client, own_law),
        )

    def _change_order(self, contract: _ContractPlan, change: tuple) -> None:
        rng, country = self.rng, contract.client.country
        en, vi, percent, extend = change
        latest = min(contract.ends_on, self.today)
        span = max((latest - contract.starts_on).days, 1)
        agreed = contract.starts_on + timedelta(days=rng.randint(max(span // 3, 1), span))
        price_change = Decimal(0)
        if percent:
            step = {"VND": 1_000_000, "IRR": 10_000_000, "THB": 1000}.get(country.currency, 100)
            price_change = _round_to(
                contract.price * abs(percent) / 100, Decimal(step), country.currency
            )
            if percent < 0:
                price_change = -price_change
        contract.change_orders.append(
            {
                "agreed_on": agreed,
                "description": vi if country.language == "vi" else en,
                "price_change": price_change,
                "new_ends_on": contract.ends_on + timedelta(days=extend) if extend else None,
            }
        )
        if extend:
            contract.delivered_on = contract.ends_on + timedelta(days=extend)

    # Invoices.

    def _line(self, client: _ClientPlan, item: _Item, quantity: str | None = None):
        country = client.country
        description = item.vi if country.language == "vi" else item.en
        tax = Decimal(item.vn_vat) if country.code == "VN" else country.vat
        base = Decimal(item.base)
        if not item.at_cost:
            base *= client.rate
            if item.unit == "item":  # quoted for the job, not from a rate card
                base *= Decimal(self.rng.randint(85, 120)) / 100
        return invoicing.Line(
            description,
            Decimal(quantity or self.rng.choice(item.quantities)),
            _local_price(base, country, item.at_cost),
            tax,
        )

    def _adhoc_lines(self, client: _ClientPlan) -> list[invoicing.Line]:
        count = self.rng.choices((1, 2, 3, 4), weights=(45, 30, 15, 10))[0]
        # Nobody invoices a domain renewal on its own: resold items come with the work.
        catalogue = _CATALOGUE if count > 1 else [i for i in _CATALOGUE if not i.at_cost]
        items = self.rng.sample(catalogue, count)
        return [self._line(client, item) for item in items]

    def _due(self, client: _ClientPlan, issue: date) -> date:
        return issue + timedelta(days=client.terms)

    def _contract_invoices(self) -> None:
        for contract in self.contracts:
            if contract.retainer:
                self._retainer_invoices(contract)
            else:
                self._milestone_invoices(contract)

    def _milestone_invoices(self, contract: _ContractPlan) -> None:
        rng, client = self.rng, contract.client
        country = client.country
        duration = ((contract.delivered_on or contract.ends_on) - contract.starts_on).days
        tax = country.vat
        for milestone in contract.milestones:
            if milestone.fraction == 0:
                issue = contract.signed_on + timedelta(days=rng.randint(0, 3))
            else:
                issue = contract.starts_on + timedelta(days=round(duration * milestone.fraction))
            if milestone.due_rule == _D.ON_DATE:
                issue = min(issue, milestone.due_on - timedelta(days=7))
            if issue > self.today:
                continue
            if milestone.due_rule == _D.ON_SIGNING:
                due = issue + timedelta(days=7)
            elif milestone.due_rule == _D.ON_DATE:
                due = milestone.due_on
            elif milestone.due_rule == _D.DAYS_AFTER_INVOICE:
                due = issue + timedelta(days=milestone.due_days)
            else:
                due = self._due(client, issue)
            share = f"{milestone.percent.normalize():f}%" if milestone.percent else ""
            label = f"{contract.title}: {milestone.description}" + (f" ({share})" if share else "")
            lines = [invoicing.Line(label, Decimal(1), milestone.net, tax)]
            if milestone.position == len(contract.milestones):
                for change in contract.change_orders:
                    if change["price_change"] and change["agreed_on"] <= issue:
                        lines.append(
                            invoicing.Line(
                                f"{change['description']} ({change['agreed_on']:%d/%m/%Y})",
                                Decimal(1),
                                change["price_change"],
                                tax,
                            )
                        )
            self.invoices.append(
                _InvoicePlan(client, issue, due, lines, contract=contract, milestone=milestone)
            )

    def _retainer_invoices(self, contract: _ContractPlan) -> None:
        rng, client = self.rng, contract.client
        country = client.country
        vi = country.language == "vi"
        month = contract.starts_on
        last = contract.ends_on or self.today
        while True:
            following = _month_start(month, -1)
            issue = following + timedelta(days=rng.randint(0, 3))
            if issue > self.today or month > last:
                break
            if contract.price_basis == Contract.PriceBasis.HOUR:
                quantity = rng.choice(("6", "8", "10", "12", "12.5", "15", "18", "20", "24"))
                unit = "giờ" if vi else "hours"
            else:
                quantity = rng.choice(("2", "3", "4", "5", "6", "8"))
                unit = "ngày" if vi else "days"
            period = f"tháng {month.month}/{month.year}" if vi else f"{month:%B %Y}"
            lines = [
                invoicing.Line(
                    f"{contract.title}, {period}: {quantity} {unit}",
                    Decimal(quantity),
                    contract.price,
                    country.vat,
                )
            ]
            if rng.random() < 0.25:
                small = rng.choice([i for i in _CATALOGUE if i.at_cost or i.base <= 500])
                lines.append(self._line(client, small))
            self.invoices.append(
                _InvoicePlan(client, issue, self._due(client, issue), lines, contract=contract)
            )
            month = following

    def _recent_invoices(self) -> None:
        """Invoices about to fall due, and one with a deposit paid: every demo shows them."""
        rng, today = self.rng, self.today
        businesses = [c for c in self.clients if c.row.kind == Client.Kind.BUSINESS]
        for i, client in enumerate(rng.sample(businesses, 7)):
            due = today + timedelta(days=1 + i % 5)
            issue = max(due - timedelta(days=client.terms), today - timedelta(days=40))
            issue = min(issue, today)
            forced = "partly_paid" if i == 5 else "open"
            self.invoices.append(
                _InvoicePlan(client, issue, due, self._adhoc_lines(client), forced=forced)
            )

    def _adhoc_invoices(self) -> None:
        rng, today = self.rng, self.today
        count = max(TARGET_INVOICES - len(self.invoices), 0)
        weights = [c.weight for c in self.clients]
        for client in rng.choices(self.clients, weights=weights, k=count):
            # The studio has grown: more invoices in recent months than long ago.
            span = (today - client.since).days
            issue = client.since + timedelta(days=round(span * rng.random() ** 0.6))
            self.invoices.append(
                _InvoicePlan(client, issue, self._due(client, issue), self._adhoc_lines(client))
            )

    def _number_invoices(self) -> None:
        for invoice in self.invoices:
            invoice.total = invoicing.invoice_total(invoice.lines, invoice.client.country.currency)
            assert invoice.total > 0 and invoice.due >= invoice.issue <= self.today
        self.invoices.sort(key=lambda inv: (inv.issue, inv.client.code, inv.due, inv.total))
        per_year: dict[int, int] = {}
        for invoice in self.invoices:
            year = invoice.issue.year
            per_year[year] = per_year.get(year, 0) + 1
            invoice.number = f"INV-{year}-{per_year[year]:04d}"

    def _force_write_offs(self) -> None:
        """Two or three old invoices of bad payers are written off, whatever their luck."""
        old = [
            inv
            for inv in self.invoices
            if (self.today - inv.due).days > 200 and not inv.forced and inv.contract is None
        ]
        old.sort(key=lambda inv: (inv.client.profile != "slow", inv.number))
        for invoice in old[: self.rng.randint(2, 3)]:
            invoice.forced = "written_off"

    # Payments.

    def _pay(self, invoice: _InvoicePlan, day: date, amount: Decimal, extra=Decimal(0), **kw):
        assert day <= self.today and amount > 0
        assert invoice.paid + amount <= invoice.total
        invoice.paid += amount
        self.payments.append(
            _PaymentPlan(invoice.client, day, amount + extra, [(invoice, amount)], **kw)
        )

    def _delay(self, profile: str) -> int | None:
        rng = self.rng
        if profile == "prompt":
            return rng.randint(-12, 3) if rng.random() < 0.9 else rng.randint(4, 20)
        if profile == "late":
            roll = rng.random()
            if roll < 0.85:
                return rng.randint(-2, 50)
            return rng.randint(45, 120) if roll < 0.97 else None
        roll = rng.random()
        if roll < 0.5:
            return rng.randint(10, 75)
        if roll < 0.9:
            return rng.randint(60, 170)
        return None  # never pays without a fight

    def _settle(self) -> None:
        rng, today = self.rng, self.today
        written_off = sum(inv.forced == "written_off" for inv in self.invoices)
        for invoice in self.invoices:
            client = invoice.client
            currency = client.country.currency
            overdue = (today - invoice.due).days
            if invoice.forced == "written_off":
                self._write_off(invoice)
                continue
            if invoice.forced:
                if invoice.forced == "partly_paid":
                    deposit = _friendly_part(invoice.total, 0.5, currency)
                    self._pay(invoice, min(invoice.issue + timedelta(days=2), today), deposit)
                continue
            delay = self._delay(client.profile)
            if delay is None and overdue > 150:
                if written_off < 4:
                    written_off += 1
                    self._write_off(invoice)
                    continue
                delay = rng.randint(90, 150)
            pay_on = None
            if delay is not None:
                pay_on = max(invoice.due + timedelta(days=delay), invoice.issue)
                if client.pay_day:
                    pay_on = _next_day_of_month(pay_on, client.pay_day)
                if pay_on > today and overdue > 150:
                    pay_on = invoice.due + timedelta(days=rng.randint(60, 150))
            if pay_on is not None and pay_on <= today:
                self._pay_in_full(invoice, pay_on)
                continue
            # Not paid yet; once it is late, perhaps something on account.
            chance = {"prompt": 0.05, "late": 0.2, "slow": 0.4}[client.profile]
            if overdue > 1 and rng.random() < chance:
                day = invoice.due + timedelta(days=rng.randint(1, overdue))
                share = rng.choice((0.3, 0.4, 0.5, 0.6))
                self._pay(invoice, day, _friendly_part(invoice.total, share, currency))
        self._duplicate_payment()
        self._merge_payments()

    def _write_off(self, invoice: _InvoicePlan) -> None:
        rng = self.rng
        currency = invoice.client.country.currency
        off = invoice.due + timedelta(days=rng.randint(120, 150))
        invoice.written_off_on = min(off, self.today)
        if rng.random() < 0.5:
            day = invoice.due + timedelta(days=rng.randint(10, 60))
            self._pay(
                invoice,
                min(day, invoice.written_off_on),
                _friendly_part(invoice.total, 0.3, currency),
            )

    def _pay_in_full(self, invoice: _InvoicePlan, day: date) -> None:
        rng = self.rng
        currency = invoice.client.country.currency
        fee = _BANK_FEE.get(currency)
        roll = rng.random()
        recent = (self.today - invoice.due).days <= 120
        if fee and roll < 0.08 and recent and invoice.total > fee * 10:
            # The client's bank took its fee out of the transfer: a small balance is left.
            self._pay(invoice, day, invoice.total - fee, mergeable=False)
        elif roll < 0.16 and (day - invoice.issue).days > 20:
            first_day = invoice.issue + timedelta(days=rng.randint(5, (day - invoice.issue).days))
            first = _friendly_part(invoice.total, 0.5, currency)
            self._pay(invoice, min(first_day, day), first, mergeable=False)
            self._pay(invoice, day, invoice.total - first, mergeable=False)
        elif roll < 0.2 and self.overpaid < 3:
            # Paid a round figure: the difference stays with the client as credit.
            step = {"VND": 1_000_000, "IRR": 10_000_000, "THB": 100}.get(currency, 10)
            rounded = _round_to(invoice.total, Decimal(step), currency, ROUND_CEILING)
            if rounded == invoice.total:
                rounded += Decimal(step)
            self.overpaid += 1
            self._pay(invoice, day, invoice.total, extra=rounded - invoice.total, mergeable=False)
        else:
            self._pay(invoice, day, invoice.total)

    def _duplicate_payment(self) -> None:
        """One client paid the same invoice twice; the second payment is unallocated credit."""
        candidates = [
            p
            for p in self.payments
            if p.client.row.country in ("GB", "DE", "US")
            and len(p.allocations) == 1
            and p.allocations[0][1] == p.allocations[0][0].total
            and (self.today - p.date).days > 10
        ]
        if candidates:
            original = self.rng.choice(candidates)
            day = original.date + timedelta(days=self.rng.randint(2, 6))
            self.payments.append(
                _PaymentPlan(original.client, day, original.amount, [], mergeable=False)
            )

    def _merge_payments(self) -> None:
        """Invoices a client paid on the same day went out in one transfer."""
        merged: list[_PaymentPlan] = []
        by_day: dict[tuple[str, date], _PaymentPlan] = {}
        for payment in self.payments:
            key = (payment.client.code, payment.date)
            if payment.mergeable and key in by_day:
                target = by_day[key]
                target.amount += payment.amount
                target.allocations += payment.allocations
                continue
            if payment.mergeable:
                by_day[key] = payment
            merged.append(payment)
        merged.sort(key=lambda p: (p.date, p.client.code, p.amount))
        self.payments = merged


# --- Writing -----------------------------------------------------------------------------


def _delete_demo() -> None:
    """Delete the earlier demo organization and its rows, children first, set-based."""
    org = Organization.objects.filter(slug=DEMO_SLUG).first()
    if org is None:
        return
    for model in (
        Allocation,
        Payment,
        InvoiceLine,
        Invoice,
        Milestone,
        ChangeOrder,
        Contract,
        Contact,
        Client,
        PaymentAccount,
        Membership,
    ):
        model.objects.filter(organization=org).delete()
    org.delete()


def _create_organization(rng: random.Random) -> Organization:
    org = services.organization_create(
        name=ORG_NAME,
        slug=DEMO_SLUG,
        country="VN",
        currency="VND",
        language="en",
        timezone="Asia/Ho_Chi_Minh",
    )
    org.tax_id = _tax_id(rng, _ClientRow("VN", _B, ORG_NAME, "", "028", "03", "VN", ""))
    org.address = "Floor 4, 27 Lý Tự Trọng, Phường Sài Gòn, TP. Hồ Chí Minh, Vietnam"
    org.email = "billing@saigonkite.example"
    org.phone = "+84 28 3822 0146"
    org.website = "https://saigonkite.example"
    org.save(update_fields=["tax_id", "address", "email", "phone", "website"])
    services.payment_account_add(
        organization=org,
        kind=PaymentAccount.Kind.VN_BANK,
        label="Vietcombank (VND)",
        holder="CONG TY TNHH SAIGON KITE STUDIO",
        bank_name="Vietcombank (Ngân hàng TMCP Ngoại thương Việt Nam)",
        bank_bin="970436",
        account_number="1036288899",
        currency="VND",
    )
    services.payment_account_add(
        organization=org,
        kind=PaymentAccount.Kind.IBAN,
        label="Wise (EUR, GBP, USD)",
        holder="Saigon Kite Studio Co., Ltd.",
        bank_name="Wise Europe SA",
        iban="BE94 9671 2345 6714",
        bic="TRWIBEB1XXX",
    )
    services.user_add(organization=org, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    return org


def _write_clients(org: Organization, gen: _Generator) -> None:
    for plan in gen.clients:
        row = plan.row
        plan.obj = Client(
            organization=org,
            code=plan.code,
            name=row.name,
            kind=row.kind,
            tax_id=plan.tax_id,
            address=row.address,
            country=row.country,
            language=plan.country.language,
            currency=plan.country.currency,
            notes=plan.notes,
        )
    Client.objects.bulk_create([p.obj for p in gen.clients])
    Contact.objects.bulk_create(
        Contact(organization=org, client=plan.obj, **contact)
        for plan in gen.clients
        for contact in plan.contacts
    )


def _write_contracts(org: Organization, gen: _Generator) -> None:
    for plan in gen.contracts:
        plan.obj = Contract(
            organization=org,
            client=plan.client.obj,
            code=plan.code,
            title=plan.title,
            scope=plan.scope,
            signed_on=plan.signed_on,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            price=plan.price,
            price_basis=plan.price_basis,
            currency=plan.client.country.currency,
            payment_methods=_PAYMENT_METHODS[plan.client.country.currency],
            interest_rate=plan.interest_rate,
            late_fee=plan.late_fee,
            grace_days=plan.grace_days,
            work_stop_grace_days=plan.work_stop_grace_days,
            jurisdiction=plan.jurisdiction,
        )
    Contract.objects.bulk_create([p.obj for p in gen.contracts])
    milestones = []
    for plan in gen.contracts:
        for m in plan.milestones:
            m.obj = Milestone(
                organization=org,
                contract=plan.obj,
                position=m.position,
                description=m.description,
                percent=m.percent,
                amount=m.amount,
                due_rule=m.due_rule,
                due_on=m.due_on,
                due_days=m.due_days,
            )
            milestones.append(m.obj)
    Milestone.objects.bulk_create(milestones)
    ChangeOrder.objects.bulk_create(
        ChangeOrder(organization=org, contract=plan.obj, **change)
        for plan in gen.contracts
        for change in plan.change_orders
    )


def _write_invoices(org: Organization, gen: _Generator) -> None:
    for plan in gen.invoices:
        plan.obj = Invoice(
            organization=org,
            client=plan.client.obj,
            contract=plan.contract.obj if plan.contract else None,
            milestone=plan.milestone.obj if plan.milestone else None,
            number=plan.number,
            issue_date=plan.issue,
            due_date=plan.due,
            currency=plan.client.country.currency,
            total=plan.total,
            written_off_on=plan.written_off_on,
        )
    Invoice.objects.bulk_create([p.obj for p in gen.invoices])
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            organization=org,
            invoice=plan.obj,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_rate=line.tax_rate,
        )
        for plan in gen.invoices
        for position, line in enumerate(plan.lines, start=1)
    )


_REFERENCE = {
    "VND": ("FT", Payment.Method.BANK_TRANSFER, Payment.Method.E_WALLET),
    "IRR": ("PAYA", Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER),
    "THB": ("TRF", Payment.Method.BANK_TRANSFER, Payment.Method.E_WALLET),
    "GBP": ("FPS", Payment.Method.BANK_TRANSFER, Payment.Method.CARD),
    "USD": ("ACH", Payment.Method.BANK_TRANSFER, Payment.Method.CARD),
    "EUR": ("SEPA", Payment.Method.BANK_TRANSFER, Payment.Method.BANK_TRANSFER),
}


def _write_payments(org: Organization, gen: _Generator, rng: random.Random) -> None:
    payments = []
    for seq, plan in enumerate(gen.payments, start=1):
        currency = plan.client.country.currency
        prefix, usual, other = _REFERENCE[currency]
        method = other if rng.random() < 0.2 else usual
        bank_ref = f"{prefix}{plan.date:%y%j}{seq:04d}{_digits(rng, 3)}"
        numbers = ", ".join(inv.number for inv, _ in plan.allocations)
        payments.append(
            Payment(
                organization=org,
                client=plan.client.obj,
                key=f"bank/{bank_ref}",
                date=plan.date,
                amount=plan.amount,
                currency=currency,
                method=method,
                reference=f"{bank_ref} {numbers}".strip(),
            )
        )
    Payment.objects.bulk_create(payments)
    Allocation.objects.bulk_create(
        Allocation(organization=org, payment=payment, invoice=invoice.obj, amount=amount)
        for payment, plan in zip(payments, gen.payments, strict=True)
        for invoice, amount in plan.allocations
    )


def _states(org: Organization) -> dict[str, int]:
    rows = (
        selectors.invoices_with_balance(organization=org)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
    )
    found = {row["state"]: row["n"] for row in rows}
    return {state: found.get(state, 0) for state in Invoice.State.values}


def build_demo(
    *, progress: Progress | None = None, today: date | None = None, seed: int = 2026
) -> dict:
    """Replace the demo organization with a fresh one and return a summary of it."""
    report = progress or (lambda done, total: None)
    today = today or timezone.localdate()
    rng = random.Random(seed)
    report(0, STEPS)
    gen = _Generator(rng, today)
    gen.run()
    report(1, STEPS)
    with transaction.atomic():
        _delete_demo()
        report(2, STEPS)
        org = _create_organization(rng)
        report(3, STEPS)
        _write_clients(org, gen)
        report(4, STEPS)
        _write_contracts(org, gen)
        report(5, STEPS)
        _write_invoices(org, gen)
        report(6, STEPS)
        _write_payments(org, gen, rng)
        report(7, STEPS)
        summary = {
            "organization": org.name,
            "slug": DEMO_SLUG,
            "clients": len(gen.clients),
            "contracts": len(gen.contracts),
            "invoices": len(gen.invoices),
            "payments": len(gen.payments),
            "states": _states(org),
            "by_currency": presenters.summary_rows(organization=org, as_of=today),
            "username": DEMO_USERNAME,
            "password": DEMO_PASSWORD,
        }
    report(STEPS, STEPS)
    return summary
