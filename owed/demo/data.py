"""The demo's static data: what the generator draws from, and nothing that varies.

The countries the studio's clients are in (currency, price level, VAT, payment terms,
mailboxes, preferred channels), the client list, people's names in each language's own
script, notes, the price list, project and retainer templates, payment schedules, change
orders, payment methods and bank fees, with the small frozen dataclasses that hold them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from owed.ledger.models import Client, Milestone

# --- Countries --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Country:
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


COUNTRIES = {
    "VN": Country(
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
    "IR": Country(
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
    "TH": Country(
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
    "GB": Country(
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
    "US": Country(
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
    "DE": Country(
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
class ClientRow:
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
CLIENTS: tuple[ClientRow, ...] = (
    # Vietnam: MST prefixes are the province tax offices (01 Ha Noi, 03 HCMC, 04 Da Nang,
    # 18 Can Tho, 42 Khanh Hoa, 60 Dak Lak); 8 is a personal tax code.
    ClientRow("VN", _B, "Công ty TNHH Thương mại Hoàng Long", "hoanglong", "028", "03", "VN",
               "56 Nguyễn Trãi, Phường Bến Thành, TP. Hồ Chí Minh"),
    ClientRow("VN", _B, "Công ty Cổ phần Du lịch Biển Xanh", "bienxanh", "0258", "42", "VN",
               "12 Trần Phú, Phường Nha Trang, Tỉnh Khánh Hòa"),
    ClientRow("VN", _B, "Công ty TNHH Cà phê Đất Việt", "datvietcoffee", "0262", "60", "VN",
               "88 Lê Duẩn, Phường Buôn Ma Thuột, Tỉnh Đắk Lắk"),
    ClientRow("VN", _B, "Công ty TNHH Thời trang Mây Trắng", "maytrang", "028", "03", "VN",
               "210 Hai Bà Trưng, Phường Tân Định, TP. Hồ Chí Minh"),
    ClientRow("VN", _B, "Công ty Cổ phần Giáo dục Ánh Dương", "anhduong", "024", "01", "VN",
               "35 Cầu Giấy, Phường Cầu Giấy, TP. Hà Nội"),
    ClientRow("VN", _B, "Công ty TNHH Nội thất Gỗ Việt", "goviet", "0274", "03", "VN",
               "Lô B2, KCN Sóng Thần, Phường Dĩ An, TP. Hồ Chí Minh"),
    ClientRow("VN", _B, "Công ty TNHH Phần mềm Sao Mai", "saomai", "0236", "04", "VN",
               "18 Bạch Đằng, Phường Hải Châu, TP. Đà Nẵng"),
    ClientRow("VN", _B, "Công ty Cổ phần Thực phẩm Sạch Miền Tây", "mientayfood", "0292", "18",
               "VN", "102 Trần Hưng Đạo, Phường Ninh Kiều, TP. Cần Thơ"),
    ClientRow("VN", _B, "Công ty TNHH Mỹ phẩm Hoa Sen", "hoasen", "028", "03", "VN",
               "7 Phạm Ngọc Thạch, Phường Xuân Hòa, TP. Hồ Chí Minh"),
    ClientRow("VN", _B, "Công ty TNHH Kiến trúc Không Gian Xanh", "khonggianxanh", "024", "01",
               "VN", "41 Lý Thường Kiệt, Phường Cửa Nam, TP. Hà Nội"),
    ClientRow("VN", _B, "Hộ kinh doanh Bếp Nhà Lan", "bepnhalan", "028", "8", "VN",
               "23 Cao Thắng, Phường Bàn Cờ, TP. Hồ Chí Minh"),
    ClientRow("VN", _P, "Nguyễn Thị Minh Anh", "", "028", "8", "VN",
               "15/4 Nguyễn Đình Chiểu, Phường Xuân Hòa, TP. Hồ Chí Minh"),
    ClientRow("VN", _P, "Trần Quốc Bảo", "", "024", "8", "VN",
               "Số 9 ngõ 102 Trường Chinh, Phường Kim Liên, TP. Hà Nội"),
    ClientRow("VN", _P, "Lê Hoàng Phúc", "", "0236", "8", "VN",
               "64 Hoàng Diệu, Phường Hải Châu, TP. Đà Nẵng"),
    # Iran: python-stdnum checks no Iranian number, so tax ids are left blank.
    ClientRow("IR", _B, "شرکت نرم‌افزاری پارس آفرین", "parsafarin", "021", "", "IR",
               "تهران، خیابان ولیعصر، بالاتر از میدان ونک، پلاک ۲۱۴، ایران"),
    ClientRow("IR", _B, "شرکت بازرگانی سپهر تجارت کیش", "sepehrtejarat", "076", "", "IR",
               "کیش، بلوار ایران، مجتمع تجاری پردیس ۲، واحد ۱۸، ایران"),
    ClientRow("IR", _B, "گروه صنعتی نقش جهان", "naghshejahan", "031", "", "IR",
               "اصفهان، خیابان چهارباغ بالا، پلاک ۸۸، ایران"),
    ClientRow("IR", _B, "شرکت فرش دستباف مهرآذین", "mehrazin", "041", "", "IR",
               "تبریز، خیابان امام خمینی، پلاک ۴۵، ایران"),
    ClientRow("IR", _P, "مریم احمدی", "", "071", "", "IR",
               "شیراز، بلوار زند، کوچه ۱۲، پلاک ۷، ایران"),
    ClientRow("IR", _P, "امیر حسین‌زاده", "", "021", "", "IR",
               "تهران، سعادت‌آباد، خیابان سرو غربی، پلاک ۳۰، ایران"),
    # Thailand: 13-digit tax ids; 0-105/0-505/0-405 are companies registered in Bangkok,
    # Chiang Mai and Khon Kaen, 0-833 a limited partnership in Phuket, 3 a citizen.
    ClientRow("TH", _B, "บริษัท สยามดิจิทัล โซลูชั่นส์ จำกัด", "siamdigital", "02", "0105", "TH",
               "99/1 ถนนสุขุมวิท แขวงคลองเตยเหนือ เขตวัฒนา กรุงเทพมหานคร 10110"),
    ClientRow("TH", _B, "บริษัท เชียงใหม่ คราฟท์ แอนด์ ดีไซน์ จำกัด", "chiangmaicraft", "053", "0505",
               "TH", "88 ถนนนิมมานเหมินท์ ตำบลสุเทพ อำเภอเมืองเชียงใหม่ จังหวัดเชียงใหม่ 50200"),
    ClientRow("TH", _B, "ห้างหุ้นส่วนจำกัด ภูเก็ต ซีวิว รีสอร์ท", "phuketseaview", "076", "0833",
               "TH", "12 ถนนราษฎร์อุทิศ 200 ปี ตำบลป่าตอง อำเภอกะทู้ จังหวัดภูเก็ต 83150"),
    ClientRow("TH", _B, "บริษัท กรุงเทพ ฟู้ด เซอร์วิส จำกัด", "bkkfoodservice", "02", "0105", "TH",
               "456 ถนนพระราม 4 แขวงมหาพฤฒาราม เขตบางรัก กรุงเทพมหานคร 10500"),
    ClientRow("TH", _B, "บริษัท ขอนแก่น อะโกร เทค จำกัด", "khonkaenagro", "043", "0405", "TH",
               "9 ถนนมิตรภาพ ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"),
    ClientRow("TH", _P, "กนกวรรณ ศรีสุข", "", "02", "3", "TH",
               "77/5 ซอยอารีย์ 4 แขวงพญาไท เขตพญาไท กรุงเทพมหานคร 10400"),
    # United Kingdom: phone numbers from Ofcom's ranges for drama.
    ClientRow("GB", _B, "Thistle & Finch Ltd", "thistlefinch", "0114", "gb", "GB",
               "14 Carver Street, Sheffield S1 4FS, United Kingdom"),
    ClientRow("GB", _B, "Harbourside Analytics Ltd", "harbourside", "0117", "gb", "GB",
               "Unit 3, Wapping Wharf, Bristol BS1 6WP, United Kingdom"),
    ClientRow("GB", _B, "Kestrel Brewing Company Ltd", "kestrelbrewing", "0161", "gb", "GB",
               "22 Jersey Street, Ancoats, Manchester M4 6JG, United Kingdom"),
    ClientRow("GB", _B, "Northgate Property Partners LLP", "northgate", "0113", "gb", "GB",
               "5 Park Row, Leeds LS1 5HD, United Kingdom"),
    ClientRow("GB", _P, "Oliver Bennett", "", "020", "", "GB",
               "Flat 2, 18 Marchmont Street, London WC1N 1AB, United Kingdom"),
    # United States: 555-01xx numbers are reserved for fiction.
    ClientRow("US", _B, "Bluebird Outdoor Gear, Inc.", "bluebirdgear", "(415)", "us", "US-CA",
               "1200 Market Street, Suite 400, San Francisco, CA 94102, USA"),
    ClientRow("US", _B, "Redwood Health Partners LLC", "redwoodhealth", "(916)", "us", "US-CA",
               "455 Capitol Mall, Suite 210, Sacramento, CA 95814, USA"),
    ClientRow("US", _B, "Hudson & Pine Media LLC", "hudsonpine", "(718)", "us", "US-NY",
               "87 Greenpoint Avenue, Brooklyn, NY 11222, USA"),
    ClientRow("US", _B, "Empire Bagel Co.", "empirebagel", "(212)", "us", "US-NY",
               "301 West 57th Street, New York, NY 10019, USA"),
    ClientRow("US", _P, "Sarah Kim", "", "(212)", "", "US-NY",
               "22 Orchard Street, Apt 5B, New York, NY 10002, USA"),
    # Germany.
    ClientRow("DE", _B, "Nordlicht Medien GmbH", "nordlicht", "030", "de", "DE",
               "Torstraße 140, 10119 Berlin, Deutschland"),
    ClientRow("DE", _B, "Bäckerei Sonnenschein GmbH", "sonnenschein", "089", "de", "DE",
               "Schillerstraße 12, 80336 München, Deutschland"),
    ClientRow("DE", _B, "Rheinblick Robotik AG", "rheinblick", "0211", "de", "DE",
               "Rheinuferstraße 8, 40221 Düsseldorf, Deutschland"),
    ClientRow("DE", _P, "Lena Hoffmann", "", "040", "", "DE",
               "Schanzenstraße 41, 20357 Hamburg, Deutschland"),
)

# People's names per country: (as written, Latin spelling for e-mail addresses).
GIVEN: dict[str, tuple[tuple[str, str], ...]] = {
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
FAMILY: dict[str, tuple[tuple[str, str], ...]] = {
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
VN_MIDDLE = ("Thị", "Văn", "Minh", "Ngọc", "Quốc", "Thanh", "Đức", "Gia", "Hữu", "Thu")

# Latin spellings of client persons' names written in other scripts, for e-mail addresses.
LATIN_PERSONS = {
    "مریم احمدی": ("maryam", "ahmadi"),
    "امیر حسین‌زاده": ("amir", "hosseinzadeh"),
    "กนกวรรณ ศรีสุข": ("kanokwan", "srisuk"),
}

NOTES_BY_COUNTRY = {
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

PERSON_NOTES = {
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

PROFILE_NOTES = {
    "slow": "Often pays one to two months late; call the billing contact after the first reminder.",
    "late": "Usually pays a couple of weeks after the due date.",
    "prompt": "Reliable payer.",
}


# --- Price list --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
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

CATALOGUE: tuple[Item, ...] = (
    Item("UI/UX design", "Thiết kế giao diện UI/UX", "hour", 70, _HOURS),
    Item("Front-end development", "Lập trình front-end", "hour", 75, _HOURS),
    Item("Back-end development", "Lập trình back-end", "hour", 80, _HOURS),
    Item("Bug fixing and support", "Sửa lỗi và hỗ trợ kỹ thuật", "hour", 65, _HOURS[:8]),
    Item("Copywriting", "Viết nội dung", "hour", 50, _HOURS[:9]),
    Item(
        "Logo and brand identity package",
        "Gói thiết kế logo và nhận diện thương hiệu",
        "item",
        2400,
    ),
    Item("Landing page, design and build", "Thiết kế và lập trình landing page", "item", 1800),
    Item(
        "Packaging design, per SKU",
        "Thiết kế bao bì, mỗi mã sản phẩm",
        "item",
        450,
        ("2", "3", "4", "6", "8"),
    ),
    Item(
        "Social media creative set (12 posts)",
        "Bộ thiết kế mạng xã hội (12 bài)",
        "item",
        600,
        ("1", "2", "3"),
    ),
    Item("Product photography, half day", "Chụp ảnh sản phẩm, nửa ngày", "item", 700, ("1", "2")),
    Item(
        "Workshop facilitation, per day", "Tổ chức workshop, mỗi ngày", "day", 900, ("1", "2", "3")
    ),
    Item("Hosting and monitoring, 12 months", "Lưu trữ và giám sát website, 12 tháng", "item", 480),
    Item(
        "Domain renewal, 1 year",
        "Gia hạn tên miền, 1 năm",
        "item",
        25,
        ("1", "2", "3"),
        at_cost=True,
    ),
    Item(
        "Stock image licences",
        "Bản quyền hình ảnh",
        "item",
        15,
        ("5", "8", "10", "20", "30"),
        at_cost=True,
    ),
    Item(
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


PROJECTS = (
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
PERSONAL_PROJECTS = (
    _ProjectTemplate("Portfolio website", "Website hồ sơ cá nhân", 2, 4),
    _ProjectTemplate("Book cover and illustrations", "Thiết kế bìa sách và minh họa", 2, 5),
)
RETAINERS = (
    ("Website care plan", "Gói bảo trì website", "hour", 60, 90),
    ("Design retainer", "Thiết kế theo tháng", "day", 450, 650),
    ("Development support retainer", "Hỗ trợ phát triển phần mềm theo tháng", "hour", 70, 95),
)

# US clients work under a master services agreement governed by their state's law (the
# United States have no one late-payment law), with the state's clock.
AGREEMENTS = {
    Client.Kind.BUSINESS: (
        "Master services agreement",
        "Design and development services as ordered from time to time, billed as invoiced. "
        "Each order states its scope and price; these terms govern every invoice.",
    ),
    Client.Kind.INDIVIDUAL: (
        "Terms of service",
        "Design work as ordered from time to time, billed as invoiced. Each order states "
        "its scope and price; these terms govern every invoice.",
    ),
}
STATE_ZONES = {"US-CA": "America/Los_Angeles", "US-NY": "America/New_York"}

# The day's showcase (`Generator._showcase_invoices`): a client in each country whose
# overdue invoice reaches a letter step today (days after its due date) and one whose
# invoice gets its first reminder, so that the demo's day has e-mails and letters in
# every language: formal notices (day 21) and demand letters (day 45).
SHOWCASE_LETTERS = (("VN", 21), ("TH", 21), ("IR", 45), ("GB", 21), ("US", 45))
SHOWCASE_REMINDERS = ("VN", "TH", "IR", "DE")

# (description en, description vi, percent or None, amount share or None, due rule,
# fraction of the project at which it is invoiced, due days)
_D = Milestone.DueRule
SCHEDULES = (
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
SINGLE_PAYMENT = (
    ("Payment on completion", "Thanh toán khi hoàn thành", 100, None, _D.ON_COMPLETION, 1, None),
)

# (en, vi, price change in % of the price, days the end date moves)
CHANGE_ORDERS = (
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

PAYMENT_METHODS = {
    "VND": "Bank transfer (VietQR) to Vietcombank",
    "IRR": "Bank transfer through the client's exchange house",
    "THB": "Bank transfer or PromptPay",
    "GBP": "Bank transfer (Faster Payments) or card",
    "USD": "ACH or wire transfer, card",
    "EUR": "SEPA transfer",
}
BANK_FEE = {"GBP": Decimal(10), "USD": Decimal(25), "EUR": Decimal(15)}
