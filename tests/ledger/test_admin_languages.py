"""The admin in Vietnamese, Persian and Thai: our own words, not only Django's, and the
translation catalogues that carry them (complete, compiled, in step with the code)."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from django.utils.functional import Promise

from owed.ledger.models import Client, Contact, Invoice, Language, Payment, PaymentAccount
from tests.ledger.admin_forms import invoice_form, payment_form, vnd_invoice

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LANGUAGES = ["vi", "fa", "th"]

# What each language's pages must say in our own words (model names, columns, filters,
# fieldsets, choices) and the messages our validation gives back.
EXPECTED = {
    "vi": {
        "list": ["Hóa đơn", "Ngày đến hạn", "Số ngày trễ hạn", "Số dư", "Quá hạn", "trên 90 ngày"],
        "add": ["Ngày lập", "Số dư", "tính từ các dòng", "Dòng hóa đơn", "Đơn giá"],
        "due_before_issue": "Ngày đến hạn không được trước ngày lập hóa đơn.",
        "vnd_decimals": "VND không có phần thập phân: hãy nhập số tiền nguyên.",
    },
    "fa": {
        "list": ["صورت‌حساب‌ها", "تاریخ سررسید", "روزهای تأخیر", "مانده", "سررسید گذشته"],
        "add": ["تاریخ صدور", "مانده", "از جمع ردیف‌ها", "ردیف‌های صورت‌حساب", "قیمت واحد"],
        "due_before_issue": "تاریخ سررسید نمی‌تواند پیش از تاریخ صدور باشد.",
        "vnd_decimals": "VND اعشار ندارد؛ مبلغ را بدون اعشار وارد کنید.",
    },
    "th": {
        "list": ["ใบแจ้งหนี้", "วันครบกำหนดชำระ", "จำนวนวันที่ล่าช้า", "ยอดคงค้าง", "เกินกำหนด"],
        "add": ["วันที่ออก", "ยอดคงค้าง", "คำนวณจากรายการ", "รายการในใบแจ้งหนี้", "ราคาต่อหน่วย"],
        "due_before_issue": "วันครบกำหนดชำระต้องไม่อยู่ก่อนวันที่ออกใบแจ้งหนี้",
        "vnd_decimals": "VND ไม่มีทศนิยม: กรุณาใช้จำนวนเต็ม",
    },
}


@pytest.fixture
def overdue_invoice(org, customer):
    return vnd_invoice(org, customer, "INV-1", issue=date(2020, 1, 1), due=date(2020, 1, 31))


def _html_dir(text: str) -> str:
    match = re.search(r"<html\b[^>]*\bdir=\"(\w+)\"", text)
    assert match, "the page names no text direction"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_invoice_list_speaks_the_language(member, overdue_invoice, lang):
    page = member.get("/admin/ledger/invoice/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    assert f'lang="{lang}"' in page.text
    for text in EXPECTED[lang]["list"]:
        assert text in page.text, text
    assert overdue_invoice.number in page.text
    assert "Days late" not in page.text and "Balance" not in page.text
    assert _html_dir(page.text) == ("rtl" if lang == "fa" else "ltr")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_invoice_add_page_speaks_the_language(member, lang):
    page = member.get("/admin/ledger/invoice/add/", HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    for text in EXPECTED[lang]["add"]:
        assert text in page.text, text
    assert "from the lines" not in page.text
    assert _html_dir(page.text) == ("rtl" if lang == "fa" else "ltr")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_invoice_due_before_it_is_issued_is_refused_in_the_language(member, org, customer, lang):
    form = invoice_form(org, customer, due_date="2026-10-01")
    response = member.post("/admin/ledger/invoice/add/", form, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert EXPECTED[lang]["due_before_issue"] in response.text
    assert "cannot be before" not in response.text
    assert not Invoice.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_vnd_payment_with_decimals_is_refused_in_the_language(member, org, customer, lang):
    form = payment_form(org, customer, amount="10.5")
    response = member.post("/admin/ledger/payment/add/", form, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert EXPECTED[lang]["vnd_decimals"] in response.text
    assert "no minor units" not in response.text
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "A bank BIN is 6 digits, e.g. 970436."),
        ("vi", "Mã BIN ngân hàng gồm 6 chữ số, ví dụ 970436."),
        ("fa", "کد BIN بانک ۶ رقم است، مثلاً 970436."),
        ("th", "รหัส BIN ธนาคารมี 6 หลัก เช่น 970436"),
    ],
)
def test_a_wrong_payment_account_number_is_named_in_the_language(lang, message):
    account = PaymentAccount(kind="vn_bank", holder="Lotus", bank_bin="97", account_number="1")
    with translation.override(lang):
        with pytest.raises(ValidationError) as refused:
            account.clean()
        assert refused.value.message_dict == {"bank_bin": [message]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "other_organization", "unknown_time_zone"),
    [
        (
            "en",
            "This belongs to another organization.",
            "Unknown time zone: use a name such as Asia/Ho_Chi_Minh.",
        ),
        (
            "vi",
            "Mục này thuộc về tổ chức khác.",
            "Múi giờ không xác định: hãy dùng tên như Asia/Ho_Chi_Minh.",
        ),
        (
            "fa",
            "این مورد متعلق به سازمان دیگری است.",
            "منطقه زمانی ناشناخته است؛ نامی مانند Asia/Ho_Chi_Minh به کار ببرید.",
        ),
        (
            "th",
            "รายการนี้เป็นขององค์กรอื่น",
            "ไม่รู้จักเขตเวลานี้: กรุณาใช้ชื่อเช่น Asia/Ho_Chi_Minh",
        ),
    ],
    ids=["en", "vi", "fa", "th"],
)
def test_a_link_to_another_organization_is_refused_in_the_language(
    org, other_org, customer, lang, other_organization, unknown_time_zone
):
    theirs = Client.objects.create(
        organization=other_org, code="X", name="Other", country="GB", currency="GBP"
    )
    contact = Contact(organization=org, client=theirs, email="a@example.com")
    other_org.timezone = "Mars/Olympus"
    with translation.override(lang):
        with pytest.raises(ValidationError) as refused:
            contact.full_clean()
        assert refused.value.message_dict == {"client": [other_organization]}
        with pytest.raises(ValidationError) as refused:
            other_org.full_clean()
        assert refused.value.message_dict == {"timezone": [unknown_time_zone]}


@pytest.mark.django_db
def test_english_stays_the_default(member, overdue_invoice):
    page = member.get("/admin/ledger/invoice/", HTTP_ACCEPT_LANGUAGE="de")
    assert "Days late" in page.text and "Due date" in page.text
    assert _html_dir(page.text) == "ltr"


# ---------------------------------------------------------------- the catalogues


def _po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and msgstr (or msgstr[n])."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, rest = line.partition(" ")
                entry[key] = ast.literal_eval(rest)
        entries.append(entry)
    return entries


def _msgstrs(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated(lang):
    header, *entries = _po_entries(LOCALE_DIR / lang / "LC_MESSAGES" / "django.po")
    assert header["msgid"] == ""
    assert f"Language: {lang}\n" in header["msgstr"]
    assert "fuzzy" not in header["flags"]
    assert len(entries) > 150
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        strs = _msgstrs(entry)
        assert strs and all(s.strip() for s in strs), entry["msgid"]
        for text in strs:
            assert _placeholders(text) == _placeholders(entry["msgid"]), entry["msgid"]
            if lang == "fa":
                assert not re.search(r"[,;?]", text), f"Latin punctuation in {text!r}"
                assert not re.search("[\u064a\u0643]", text), f"Arabic letters in {text!r}"


# "Invoice" in Persian is written in two parts joined by a zero-width non-joiner (U+200C):
# صورت‌حساب, and so are its plurals and derived forms (صورت‌حساب‌ها, صورت‌حسابی). Written
# solid or with a space, it is a second spelling on the same page.
MISSPELT_INVOICE = re.compile("\u0635\u0648\u0631\u062a\\s?\u062d\u0633\u0627\u0628")
ROOT = Path(__file__).resolve().parents[2]
TEXT_FILES = {".py", ".txt", ".html", ".md", ".po", ".csv", ".typ", ".js", ".json"}


def test_every_persian_translation_writes_invoice_with_the_non_joiner():
    _, *entries = _po_entries(LOCALE_DIR / "fa" / "LC_MESSAGES" / "django.po")
    misspelt = [s for e in entries for s in _msgstrs(e) if MISSPELT_INVOICE.search(s)]
    assert misspelt == []
    assert any(
        "\u0635\u0648\u0631\u062a\u200c\u062d\u0633\u0627\u0628" in s
        for e in entries
        for s in _msgstrs(e)
    )


def test_no_persian_text_in_the_sources_writes_invoice_without_the_non_joiner():
    files = [
        path
        for folder in ("owed", "docs", "tests")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in TEXT_FILES and path.is_file()
    ]
    assert len(files) > 100
    misspelt = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if MISSPELT_INVOICE.search(line)
    ]
    assert misspelt == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(lang, tmp_path):
    """The .mo files are committed (deployments may lack gettext); they must be current."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    expected = {}
    for entry in _po_entries(folder / "django.po")[1:]:
        # A message with a context is stored under "context\x04message".
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            for key, value in entry.items():
                if key.startswith("msgstr["):
                    expected[(msgid, int(key[7:-1]))] = value
        else:
            expected[msgid] = entry["msgstr"]
    with (folder / "django.mo").open("rb") as mo:
        catalog = dict(gettext.GNUTranslations(mo)._catalog)
    catalog.pop("", None)
    assert catalog == expected

    if shutil.which("msgfmt"):  # where gettext is installed, also check the formats
        subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(folder / "django.po")],
            check=True,
        )
        with (tmp_path / "django.mo").open("rb") as mo:
            assert len(gettext.GNUTranslations(mo)._catalog) == len(catalog) + 1


def _lazy_texts():
    """Every lazily translated text on the ledger's models: names, labels, help, choices
    and constraint messages."""
    for model in apps.get_app_config("ledger").get_models():
        meta = model._meta
        yield f"{model.__name__} name", meta.verbose_name
        yield f"{model.__name__} plural name", meta.verbose_name_plural
        for field in meta.get_fields():
            if field.auto_created or not field.concrete:
                continue
            yield f"{model.__name__}.{field.name}", field.verbose_name
            if field.help_text:
                yield f"{model.__name__}.{field.name} help", field.help_text
            if field.choices and field.choices != Language.choices:
                for value, label in field.choices:
                    yield f"{model.__name__}.{field.name}={value}", label
        for constraint in meta.constraints:
            if constraint.violation_error_message != constraint.default_violation_error_message:
                yield f"{constraint.name}", constraint.violation_error_message


def test_every_model_text_is_translatable_and_in_the_catalogues():
    catalogs = {}
    for lang in LANGUAGES:
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "django.mo").open("rb") as mo:
            catalogs[lang] = gettext.GNUTranslations(mo)._catalog
    for where, text in _lazy_texts():
        assert isinstance(text, Promise), f"{where} is not marked for translation"
        with translation.override(None):
            msgid = str(text)
        for lang, catalog in catalogs.items():
            assert msgid in catalog, f"{where}: {msgid!r} is not in the {lang} catalogue"


@pytest.mark.django_db
def test_translatable_names_do_not_change_the_migrations():
    out = StringIO()
    call_command("makemigrations", "ledger", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
