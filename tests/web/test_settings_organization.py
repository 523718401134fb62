"""The organization's settings page: an owner changes its details, each mistake is shown
on its field; a member and a read-only member see the details without a form."""

from __future__ import annotations

import pytest

from owed.ledger.models import Organization
from tests.web.settings_pages import forms_in

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Lotus Studio JSC",
    "address": "12 Lý Thường Kiệt\nHoàn Kiếm, Hà Nội",
    "tax_id": "0100109106",
    "country": "VN",
    "currency": "vnd",
    "language": "vi",
    "timezone": "Asia/Ho_Chi_Minh",
    "email": "billing@lotus.vn",
    "phone": "+84 24 3825 0000",
    "website": "https://lotus.vn",
}


def test_an_owner_changes_the_organizations_details(web, org):
    response = web.post("/settings/", {**GOOD, "review_before_sending": "on"})
    assert response.status_code == 302 and response["Location"] == "/settings/"
    org.refresh_from_db()
    assert org.name == "Lotus Studio JSC"
    assert org.address == "12 Lý Thường Kiệt\nHoàn Kiếm, Hà Nội"
    assert (org.currency, org.language, org.country) == ("VND", "vi", "VN")
    assert org.email == "billing@lotus.vn" and org.website == "https://lotus.vn"
    assert org.review_before_sending is True
    assert org.slug == "lotus-studio"  # the short name of the command line stays
    page = web.get("/settings/").content.decode()
    assert "The organization&#x27;s details are saved." in page


def test_review_before_sending_is_offered_with_its_explanation_and_can_be_turned_off(web, org):
    Organization.objects.filter(pk=org.pk).update(review_before_sending=True)
    page = web.get("/settings/").content.decode()
    assert 'name="review_before_sending"' in page and "approved it" in page
    web.post("/settings/", GOOD)
    org.refresh_from_db()
    assert org.review_before_sending is False


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("timezone", "Mars/Olympus_Mons", "Unknown time zone"),
        ("timezone", "", "This field is required."),
        ("currency", "XYZ", "XYZ is an unknown currency"),
        ("currency", "KWD", "KWD has 3 minor units"),
        ("country", "ZZ", "Select a valid choice."),
        ("tax_id", "12345", "This is not a valid tax id for VN."),
        ("email", "billing at lotus", "Enter a valid email address."),
        ("website", "not a site", "Enter a valid URL."),
        ("name", "", "This field is required."),
        ("language", "de", "Select a valid choice."),
    ],
)
def test_a_mistake_is_shown_on_its_field_and_nothing_is_saved(web, org, field, value, error):
    response = web.post("/settings/", {**GOOD, field: value})
    assert response.status_code == 422
    page = response.content.decode()
    assert error in page.replace("&#x27;", "'")
    assert f'id="id_{field}"' in page and 'aria-invalid="true"' in page
    org.refresh_from_db()
    assert org.name == "Lotus Studio" and org.tax_id == ""


def test_a_form_with_a_mistake_does_not_rename_the_organization_in_the_header(web, org):
    page = web.post("/settings/", {**GOOD, "timezone": "Nowhere"}).content.decode()
    assert '<span class="org-name"><bdi>Lotus Studio</bdi></span>' in page


def test_a_tax_id_is_kept_in_its_compact_form_and_persian_digits_are_read(web, org):
    web.post("/settings/", {**GOOD, "tax_id": "۰۱۰۰۱۰۹۱۰۶"})
    org.refresh_from_db()
    assert org.tax_id == "0100109106"


def test_a_country_without_a_known_tax_id_format_keeps_the_id_as_written(web, org):
    web.post("/settings/", {**GOOD, "country": "IR", "tax_id": "10101234567", "currency": "IRR"})
    org.refresh_from_db()
    assert (org.country, org.tax_id, org.currency) == ("IR", "10101234567", "IRR")


def test_countries_are_named_in_the_users_language(web, org):
    web.post("/language/", {"language": "fa"})
    page = web.get("/settings/").content.decode()
    assert '<option value="VN" selected>ویتنام (VN)</option>' in page
    assert 'dir="rtl"' in page


def test_the_time_zone_field_suggests_every_zone(web, org):
    page = web.get("/settings/").content.decode()
    assert 'list="time-zones"' in page
    assert '<option value="Asia/Tehran">' in page and '<option value="Asia/Bangkok">' in page


@pytest.mark.parametrize("who", ["web_member", "web_reader"])
def test_a_member_or_reader_sees_the_details_without_a_form(request, org, who):
    Organization.objects.filter(pk=org.pk).update(tax_id="0100109106")
    http = request.getfixturevalue(who)
    page = http.get("/settings/").content.decode()
    assert "0100109106" in page and "Asia/Ho_Chi_Minh" in page
    assert forms_in(page) == 0 and 'name="timezone"' not in page
    response = http.post("/settings/", GOOD)
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.name == "Lotus Studio"
