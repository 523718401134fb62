"""How far ahead a client may promise to pay in the portal is the organization's setting
(`portal_promise_max_days`, 30 by default, 1 to 180), changed on the Settings page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from owed.dunning.models import Promise
from owed.ledger.models import Organization
from tests.web.test_settings_organization import GOOD

from .conftest import path_for

pytestmark = pytest.mark.django_db


def test_the_default_is_30_days(org):
    assert org.portal_promise_max_days == 30


def test_an_owner_changes_the_limit_on_the_settings_page(web, org):
    page = web.get("/settings/").content.decode()
    assert 'name="portal_promise_max_days"' in page and 'max="180"' in page

    response = web.post("/settings/", {**GOOD, "portal_promise_max_days": "60"})

    assert response.status_code == 302
    org.refresh_from_db()
    assert org.portal_promise_max_days == 60


@pytest.mark.parametrize("value", ["0", "181", "lots"])
def test_a_limit_out_of_range_is_refused_on_its_field(web, org, value):
    response = web.post("/settings/", {**GOOD, "portal_promise_max_days": value})

    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_portal_promise_max_days"' in page and 'aria-invalid="true"' in page
    org.refresh_from_db()
    assert org.portal_promise_max_days == 30


def test_a_reader_sees_the_limit(web_reader, org):
    Organization.objects.filter(pk=org.pk).update(portal_promise_max_days=45)
    assert "45 days" in web_reader.get("/settings/").content.decode()


def test_the_portal_promise_form_follows_the_setting(client, their):
    Organization.objects.filter(pk=their.org.pk).update(portal_promise_max_days=60)
    their.client.language = "en"
    their.client.save()
    page = path_for(their.client)

    shown = client.get(page).text
    form = shown.split('id="form-promise"', 1)[1].split("</form>", 1)[0]
    assert f'max="{(their.today + timedelta(days=60)).isoformat()}"' in form

    ok = client.post(page, {"form": "promise", "promise-until": their.today + timedelta(days=45)})
    assert ok.status_code == 302 and Promise.objects.count() == 1
    late = client.post(page, {"form": "promise", "promise-until": their.today + timedelta(days=61)})
    assert late.status_code == 422
    assert "Choose a day within 60 days from today." in late.text


def test_a_one_day_limit_reads_in_the_singular(client, their):
    Organization.objects.filter(pk=their.org.pk).update(portal_promise_max_days=1)
    their.client.language = "en"
    their.client.save()

    late = client.post(
        path_for(their.client),
        {"form": "promise", "promise-until": their.today + timedelta(days=2)},
    )

    assert "Choose a day within 1 day from today." in late.text
