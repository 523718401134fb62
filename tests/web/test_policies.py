"""The Policies pages: the list of policies and who each chases; a policy's page, where the
ladder is edited as a whole and refused as `owed policy edit` refuses it, with each
mistake next to its field; copying, renaming, giving a policy to a client or a segment,
making it the default, deleting it; read-only members and other organizations."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from owed.core.ladder import STANDARD
from owed.dunning.models import ClientPolicy, Policy
from owed.dunning.services import (
    policy_assign,
    policy_current,
    policy_from_data,
    policy_save,
    policy_to_data,
)
from owed.errors import OwedError
from owed.ledger.models import Client, Invoice, Membership
from tests.web.conftest import logged_in, make_user

pytestmark = pytest.mark.django_db


def ladder_post(
    steps: list[dict] | None = None,
    *,
    name: str = "standard",
    minimums: list[tuple[str, str]] = (),
    new: dict | None = None,
    drop: tuple[int, ...] = (),
    segment: dict | None = None,
    **extra,
) -> dict:
    """The ladder form as the page posts it: `steps` are the existing rows (policy_to_data's
    format), `new` fills the empty row, `drop` ticks "Drop this step"."""
    steps = policy_to_data(STANDARD)["steps"] if steps is None else steps
    data = {
        "form": "ladder",
        "policy-name": name,
        "steps-TOTAL_FORMS": str(len(steps) + 1),
        "steps-INITIAL_FORMS": str(len(steps)),
        "minimums-TOTAL_FORMS": str(len(minimums) + 1),
        "minimums-INITIAL_FORMS": str(len(minimums)),
    }
    rows = [*steps, new] if new else steps
    for n, step in enumerate(rows):
        data[f"steps-{n}-code"] = step["code"]
        data[f"steps-{n}-offset_days"] = str(step["offset_days"])
        data[f"steps-{n}-channels"] = list(step["channels"])
        data[f"steps-{n}-recipient"] = step.get("recipient", "main")
        data[f"steps-{n}-conditions"] = list(step.get("conditions", []))
        if step.get("attach_invoice"):
            data[f"steps-{n}-attach_invoice"] = "on"
        if step.get("attach_contract"):
            data[f"steps-{n}-attach_contract"] = "on"
        if n in drop:
            data[f"steps-{n}-DELETE"] = "on"
    if not new:
        data[f"steps-{len(steps)}-recipient"] = "main"
    for n, (currency, amount) in enumerate(minimums):
        data[f"minimums-{n}-currency"] = currency
        data[f"minimums-{n}-amount"] = amount
    for key, value in (segment or {}).items():
        data[f"policy-{key}"] = value
    data.update(extra)
    return data


def standard_steps() -> list[dict]:
    return policy_to_data(STANDARD)["steps"]


def with_offsets(**offsets: int) -> list[dict]:
    steps = standard_steps()
    for step in steps:
        step["offset_days"] = offsets.get(step["code"], step["offset_days"])
    return steps


def field_errors(html: str, field_id: str) -> str:
    """The error list Django renders for the field with this id."""
    found = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_the_built_in_default_and_who_it_chases(web, books):
    page = web.get("/policies/").content.decode()
    assert 'href="/policies/standard/"' in page
    assert "default" in page and "built-in" in page
    assert "11 steps" in page
    assert "every client without a policy of its own or a segment's (1 client)" in page


def test_the_list_names_the_clients_given_a_policy_and_the_segments(web, books, org):
    brisk = policy_save(
        organization=org, policy=replace(STANDARD, name="brisk"), make_default=False
    )
    policy_save(
        organization=org,
        policy=replace(STANDARD, name="thai people"),
        make_default=False,
        segment=(("TH",), "individual"),
    )
    ClientPolicy.objects.create(client=books.client, policy=brisk)
    page = web.get("/policies/").content.decode()
    assert "1 client given it:" in page and "Công ty TNHH Hoa Sen" in page
    assert "its segment: Individuals in TH" in page
    assert "(0 clients)" in page  # the default chases nobody now


def _add_policies(org, start: int, count: int) -> None:
    for n in range(start, start + count):
        stored = policy_save(
            organization=org,
            policy=replace(STANDARD, name=f"p{n}"),
            make_default=False,
            segment=((f"A{chr(65 + n)}",), "") if n % 2 else ((), ""),
        )
        client = Client.objects.create(
            organization=org, code=f"C{n}", name=f"Client {n}", country="VN", currency="VND"
        )
        ClientPolicy.objects.create(client=client, policy=stored)


def test_the_list_reads_a_fixed_number_of_queries_however_many_policies(
    web, books, org, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web.get("/policies/")  # the session settles on the organization
    _add_policies(org, 0, 2)
    with CaptureQueriesContext(connection) as few:
        web.get("/policies/")
    _add_policies(org, 2, 10)
    with django_assert_max_num_queries(len(few)):
        response = web.get("/policies/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card policy-row"') == 13


# --- a policy's page -------------------------------------------------------------------------


def test_a_policy_page_shows_its_steps_in_ladder_order(web, books):
    page = web.get("/policies/standard/").content.decode()
    table = page[page.index("steps-table") : page.index("</table>")]
    codes = re.findall(r'<code dir="ltr">(\w+)</code>', table)
    assert codes == [s.code for s in STANDARD.steps]
    assert "Reminder before the due date" in table and "Formal notice" in table
    assert "Billing contact" in table  # payer_contact
    assert "Only if the client has not responded" in table  # credit_hold
    # Each step links to the text it sends, in the organization's language.
    assert 'href="/templates/formal_notice/en/"' in table


def test_an_unknown_policy_is_not_found(web, books):
    assert web.get("/policies/nothing/").status_code == 404
    assert web.post("/policies/nothing/", ladder_post()).status_code == 404


def test_saving_an_edited_ladder_replans_and_says_what_changed(web, books, org):
    Invoice.objects.filter(organization=org).update(next_step_on=books.today + timedelta(days=3))
    steps = with_offsets(invoice_copy=5)
    new = {"code": "courtesy_call", "offset_days": 12, "channels": ["task"]}
    response = web.post(
        "/policies/standard/",
        ladder_post(steps, new=new, drop=(len(steps) - 1,), minimums=[("VND", "500,000")]),
    )
    assert response.status_code == 302 and response["Location"] == "/policies/standard/"
    saved = policy_current(organization=org)
    codes = [s.code for s in saved.steps]
    # The new step takes its place by its day; the last one (legal) is dropped.
    assert codes[codes.index("call") + 1] == "courtesy_call"
    assert codes[codes.index("courtesy_call") + 1] == "payer_contact"
    assert "legal" not in codes
    assert saved.step("invoice_copy").offset_days == 5
    assert saved.minimum_balances == (("VND", Decimal(500_000)),)
    assert Policy.objects.get(organization=org, name="standard").is_default
    assert set(Invoice.objects.filter(organization=org).values_list("next_step_on", flat=True)) == {
        None
    }
    page = web.get("/policies/standard/").content.decode()
    assert "Policy saved" in page
    assert "Copy of the invoice moves from day 7 to day 5." in page
    assert "courtesy call added, on day 12." in page
    assert "Legal action dropped (it was on day 120)." in page
    assert "Balances below ₫500,000 are not chased." in page


def test_review_shows_the_changes_and_saves_nothing(web, books, org):
    response = web.post("/policies/standard/", ladder_post(with_offsets(call=9), review="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What saving changes" in page and "Call moves from day 10 to day 9." in page
    assert not Policy.objects.filter(organization=org).exists()


def test_saving_nothing_changed_stores_nothing(web, books, org):
    response = web.post("/policies/standard/", ladder_post(), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert not Policy.objects.filter(organization=org).exists()


BAD = {
    "a later step due earlier": (
        lambda: ladder_post(with_offsets(call=3)),
        "steps-3-offset_days",
        "Day 3 comes before day 7 of Copy of the invoice, the step above it",
    ),
    "a code used twice": (
        lambda: ladder_post(new={"code": "reminder", "offset_days": 200, "channels": ["email"]}),
        "steps-11-code",
        "This step is already on the ladder",
    ),
    "a code with a space": (
        lambda: ladder_post(new={"code": "my step", "offset_days": 200, "channels": ["email"]}),
        "steps-11-code",
        "letters, digits and _ only",
    ),
    "a negative minimum": (
        lambda: ladder_post(minimums=[("VND", "-5")]),
        "minimums-0-amount",
        "A minimum balance cannot be negative.",
    ),
    "two minimums in one currency": (
        lambda: ladder_post(minimums=[("VND", "5"), ("vnd", "6")]),
        "minimums-1-currency",
        "This currency already has a minimum balance.",
    ),
}


def _as_policy_data(post: dict) -> dict:
    """The same edit as a file for `owed policy edit` (the page's rows in order)."""
    steps = []
    n = 0
    while f"steps-{n}-code" in post:
        if not post.get(f"steps-{n}-DELETE"):
            steps.append(
                {
                    "code": post[f"steps-{n}-code"],
                    "offset_days": int(post[f"steps-{n}-offset_days"]),
                    "channels": post[f"steps-{n}-channels"],
                    "recipient": post[f"steps-{n}-recipient"],
                    "conditions": post[f"steps-{n}-conditions"],
                }
            )
        n += 1
    minimums = {}
    n = 0
    pairs = []
    while f"minimums-{n}-currency" in post:
        pairs.append((post[f"minimums-{n}-currency"].upper(), post[f"minimums-{n}-amount"]))
        n += 1
    data = {"name": post["policy-name"], "steps": steps, "minimum_balances": minimums}
    if len({c for c, _ in pairs}) < len(pairs):
        # A JSON object cannot hold a currency twice: check the same ladder in the core.
        from owed.core.ladder import check_policy

        policy = policy_from_data({**data, "minimum_balances": {}})
        policy = replace(policy, minimum_balances=tuple((c, Decimal(a)) for c, a in pairs))
        if check_policy(policy):
            raise OwedError("the policy cannot be saved")
        return data
    data["minimum_balances"] = dict(pairs)
    policy_from_data(data)
    return data


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_ladder_is_refused_next_to_its_field_as_the_cli_refuses_it(web, books, org, case):
    make, field, message = BAD[case]
    post = make()
    with pytest.raises(OwedError):
        _as_policy_data(post)  # `owed policy edit` refuses it too
    response = web.post("/policies/standard/", post)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in field_errors(page, f"id_{field}"), page[page.find("errorlist") - 200 :][:800]
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"', page) or re.search(
        rf'aria-invalid="true"[^>]*id="id_{field}"', page
    )
    assert 'id="form-ladder" open' in page
    assert not Policy.objects.filter(organization=org).exists()


def test_a_step_without_a_channel_or_a_day_is_refused(web, books, org):
    steps = standard_steps()
    post = ladder_post(steps)
    post["steps-2-channels"] = []
    post["steps-4-offset_days"] = "soon"
    response = web.post("/policies/standard/", post)
    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required." in field_errors(page, "id_steps-2-channels")
    assert "Enter a whole number." in field_errors(page, "id_steps-4-offset_days")
    assert not Policy.objects.filter(organization=org).exists()


def test_dropping_every_step_is_refused(web, books, org):
    steps = standard_steps()
    response = web.post("/policies/standard/", ladder_post(steps, drop=tuple(range(len(steps)))))
    assert response.status_code == 422
    assert "A policy needs at least one step." in response.content.decode()
    assert not Policy.objects.filter(organization=org).exists()


def test_moving_a_step_changes_the_draft_only_then_saving_keeps_the_order(web, books, org):
    # credit_hold and work_stop are both on day 30: swap them.
    steps = standard_steps()
    index = [s["code"] for s in steps].index("work_stop")
    post = ladder_post(steps, move=f"{index}:up")
    response = web.post("/policies/standard/", post)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Step moved. Nothing is saved yet" in page
    assert f'name="steps-{index - 1}-code" value="work_stop"' in page
    assert f'name="steps-{index}-code" value="credit_hold"' in page
    assert not Policy.objects.filter(organization=org).exists()
    steps[index - 1], steps[index] = steps[index], steps[index - 1]
    assert web.post("/policies/standard/", ladder_post(steps)).status_code == 302
    codes = [s.code for s in policy_current(organization=org).steps]
    assert codes.index("work_stop") < codes.index("credit_hold")
    page = web.get("/policies/standard/").content.decode()
    assert "Work stop now comes after Formal notice." in page


def test_moving_beyond_the_ends_changes_nothing(web, books):
    response = web.post("/policies/standard/", ladder_post(move="0:up"))
    assert response.status_code == 200
    assert 'name="steps-0-code" value="pre_due_reminder"' in response.content.decode()
    response = web.post("/policies/standard/", ladder_post(move="nonsense"))
    assert response.status_code == 200


def test_renaming_a_policy_keeps_its_clients(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    policy_assign(organization=org, client=books.client, name="brisk")
    response = web.post("/policies/brisk/", ladder_post(name="quick"))
    assert response.status_code == 302 and response["Location"] == "/policies/quick/"
    assert ClientPolicy.objects.get(client=books.client).policy.name == "quick"
    assert web.get("/policies/brisk/").status_code == 404
    assert "Renamed from brisk to quick." in web.get("/policies/quick/").content.decode()


def test_renaming_to_a_name_in_use_is_refused_next_to_the_name(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    response = web.post("/policies/brisk/", ladder_post(name="standard"))
    assert response.status_code == 422
    assert "There is already a policy named standard." in field_errors(
        response.content.decode(), "id_policy-name"
    )
    assert Policy.objects.filter(organization=org, name="brisk").exists()


def test_copying_a_policy_makes_a_new_one_that_chases_nobody_yet(web, books, org):
    response = web.post("/policies/", {"copy-name": "gentle", "copy-source": "standard"})
    assert response.status_code == 302 and response["Location"] == "/policies/gentle/"
    gentle = Policy.objects.get(organization=org, name="gentle")
    assert not gentle.is_default and gentle.steps.count() == len(STANDARD.steps)
    assert not ClientPolicy.objects.exists()
    again = web.post("/policies/", {"copy-name": "gentle", "copy-source": "standard"})
    assert again.status_code == 422
    assert "there is already a policy named" in again.content.decode()
    unknown = web.post("/policies/", {"copy-name": "x", "copy-source": "nothing"})
    assert unknown.status_code == 422


def test_giving_a_policy_to_a_client_and_taking_it_back(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    Invoice.objects.filter(client=books.client).update(next_step_on=books.today)
    response = web.post("/policies/brisk/", {"form": "assign", "assign-client": "HOASEN"})
    assert response.status_code == 302
    assert ClientPolicy.objects.get(client=books.client).policy.name == "brisk"
    assert set(
        Invoice.objects.filter(client=books.client).values_list("next_step_on", flat=True)
    ) == {None}
    page = web.get("/policies/brisk/").content.decode()
    assert "is now chased with the brisk policy" in page and "1 client has it as its own" in page
    response = web.post("/policies/brisk/", {"form": "unassign", "client": "HOASEN"})
    assert response.status_code == 302
    assert not ClientPolicy.objects.exists()


def test_giving_a_policy_to_an_unknown_client_is_refused(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    response = web.post("/policies/brisk/", {"form": "assign", "assign-client": "NOBODY"})
    assert response.status_code == 422
    assert "No client has this id." in response.content.decode()
    assert not ClientPolicy.objects.exists()


def test_a_segment_is_set_and_checked(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="thai"), make_default=False)
    response = web.post(
        "/policies/thai/",
        ladder_post(name="thai", segment={"countries": "th; vn", "kind": "individual"}),
    )
    assert response.status_code == 302
    stored = Policy.objects.get(organization=org, name="thai")
    assert stored.country_list == ["TH", "VN"] and stored.client_kind == "individual"
    page = web.get("/policies/thai/").content.decode()
    assert "Segment: Individuals in TH and VN." in page
    bad = web.post("/policies/thai/", ladder_post(name="thai", segment={"countries": "Thailand"}))
    assert bad.status_code == 422
    assert "is not a two-letter country code" in field_errors(
        bad.content.decode(), "id_policy-countries"
    )


def test_the_default_policy_has_no_segment_fields(web, books):
    page = web.get("/policies/standard/").content.decode()
    assert 'name="policy-countries"' not in page
    assert 'name="delete-confirm"' not in page


def test_making_a_policy_the_default_keeps_the_built_in_one(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    response = web.post("/policies/brisk/", {"form": "default"})
    assert response.status_code == 302
    assert Policy.objects.get(organization=org, is_default=True).name == "brisk"
    assert Policy.objects.filter(organization=org, name="standard", is_default=False).exists()


def test_deleting_a_policy_needs_a_confirmation_and_sends_its_clients_back(web, books, org):
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    policy_assign(organization=org, client=books.client, name="brisk")
    assert web.post("/policies/brisk/", {"form": "delete"}).status_code == 422
    assert Policy.objects.filter(name="brisk").exists()
    Invoice.objects.filter(client=books.client).update(next_step_on=books.today)
    response = web.post("/policies/brisk/", {"form": "delete", "delete-confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/policies/"
    assert not Policy.objects.filter(name="brisk").exists()
    assert not ClientPolicy.objects.exists()
    assert set(
        Invoice.objects.filter(client=books.client).values_list("next_step_on", flat=True)
    ) == {None}


def test_a_minimum_is_read_as_the_users_language_writes_it(web, books, org):
    web.post("/language/", {"language": "vi"})
    response = web.post("/policies/standard/", ladder_post(minimums=[("VND", "1.500.000")]))
    assert response.status_code == 302
    assert policy_current(organization=org).minimum_balances == (("VND", Decimal(1_500_000)),)


def test_the_policy_page_in_persian(web, books):
    web.post("/language/", {"language": "fa"})
    page = web.get("/policies/standard/").content.decode()
    assert 'dir="rtl"' in page
    assert "۱۲۰" in page  # the legal step's day, in Persian digits


# --- who may do what -------------------------------------------------------------------------


def test_a_read_only_member_sees_the_policies_without_forms(web_reader, books, org):
    page = web_reader.get("/policies/standard/").content.decode()
    assert "steps-table" in page
    assert 'name="form"' not in page
    assert 'name="copy-name"' not in web_reader.get("/policies/").content.decode()
    assert (
        web_reader.post("/policies/standard/", ladder_post(with_offsets(call=9))).status_code == 403
    )
    assert (
        web_reader.post("/policies/", {"copy-name": "x", "copy-source": "standard"}).status_code
        == 403
    )
    assert not Policy.objects.filter(organization=org).exists()


def test_another_organizations_policy_is_not_found(web, books, their, org, other_org):
    policy_save(organization=other_org, policy=replace(STANDARD, name="theirs"), make_default=False)
    assert web.get("/policies/theirs/").status_code == 404
    for data in (
        ladder_post(name="theirs"),
        {"form": "assign", "assign-client": "THISTLE"},
        {"form": "default"},
        {"form": "delete", "delete-confirm": "on"},
    ):
        assert web.post("/policies/theirs/", data).status_code == 404
    assert "theirs" not in web.get("/policies/").content.decode()
    # Copying it by name fails as an unknown choice.
    assert web.post("/policies/", {"copy-name": "mine", "copy-source": "theirs"}).status_code == 422
    assert list(Policy.objects.values_list("organization_id", "name")) == [(other_org.pk, "theirs")]


def test_editing_our_standard_policy_leaves_theirs_alone(web, books, their, org, other_org):
    policy_save(organization=other_org, policy=STANDARD)
    assert web.post("/policies/standard/", ladder_post(with_offsets(call=9))).status_code == 302
    assert policy_current(organization=other_org).step("call").offset_days == 10
    assert policy_current(organization=org).step("call").offset_days == 9
    # Their client cannot be given our policy, nor taken off theirs through our pages.
    policy_save(organization=org, policy=replace(STANDARD, name="brisk"), make_default=False)
    theirs = policy_save(
        organization=other_org, policy=replace(STANDARD, name="brisk"), make_default=False
    )
    ClientPolicy.objects.create(client=their.client, policy=theirs)
    response = web.post("/policies/brisk/", {"form": "assign", "assign-client": "THISTLE"})
    assert response.status_code == 422
    assert (
        web.post("/policies/brisk/", {"form": "unassign", "client": "THISTLE"}).status_code == 404
    )
    assert ClientPolicy.objects.get(client=their.client).policy == theirs


def test_a_member_of_both_organizations_edits_the_one_chosen(books, their, org, other_org):
    user = make_user("both", (org, Membership.Role.MEMBER), (other_org, Membership.Role.MEMBER))
    http = logged_in(user)
    http.post("/organizations/", {"organization": other_org.pk})
    assert http.post("/policies/standard/", ladder_post(with_offsets(call=9))).status_code == 302
    assert policy_current(organization=other_org).step("call").offset_days == 9
    assert not Policy.objects.filter(organization=org).exists()


def test_a_mistake_is_told_with_the_users_digits(web, books):
    web.post("/language/", {"language": "fa"})
    response = web.post("/policies/standard/", ladder_post(with_offsets(call=3)))
    assert response.status_code == 422
    errors = field_errors(response.content.decode(), "id_steps-3-offset_days")
    assert "۳" in errors and "۷" in errors and "3" not in errors


def test_a_policy_page_reads_a_fixed_number_of_queries(
    web, books, org, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from owed.documents.models import StepTemplate

    brisk = policy_save(
        organization=org, policy=replace(STANDARD, name="brisk"), make_default=False
    )
    web.get("/policies/brisk/")
    with CaptureQueriesContext(connection) as few:
        web.get("/policies/brisk/")
    for n in range(25):
        client = Client.objects.create(
            organization=org, code=f"C{n}", name=f"Client {n}", country="VN", currency="VND"
        )
        ClientPolicy.objects.create(client=client, policy=brisk)
    for step in STANDARD.steps:
        StepTemplate.objects.create(
            organization=org, step=step.code, language="vi", subject="S", body="B"
        )
    with django_assert_max_num_queries(len(few)):
        page = web.get("/policies/brisk/").content.decode()
    assert "25 clients have it as their own" in page
