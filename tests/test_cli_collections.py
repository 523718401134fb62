"""The collections commands: run, promise, dispute, plan, snooze, log and policy.

Most tests run the real entry point, `owed.cli.main`, in this process (so an error is
printed as a user sees it: `error: ...` on standard error, or a JSON answer, and exit code
1), against the test database. The last one runs `owed` as a subprocess, to see that a
failing command leaves no traceback.
"""

from __future__ import annotations

import json
import tempfile

import pytest

from owed.core.ladder import STANDARD
from owed.dunning.models import Action, Dispute, Interaction, Plan, Policy, Promise, Run, Snooze
from owed.dunning.services import policy_to_data
from owed.ledger.models import Invoice
from tests.conftest import CliResult as Result
from tests.dunning.books import Books, day
from tests.dunning.processes import RUN_DAY, Shell, build

pytestmark = pytest.mark.django_db

ROW_FIELDS = {"client_id", "step", "channel", "invoices", "scheduled_for", "status"}


def fails(result: Result, message: str) -> None:
    """The command failed as a user should see it: one `error:` line, exit code 1."""
    assert result.code == 1, result
    assert result.stderr.splitlines()[0] == f"error: {message}"
    assert "Traceback" not in result.stderr


@pytest.fixture
def books(org) -> Books:
    return Books(org)


@pytest.fixture(autouse=True)
def _own_run_lock_folder(monkeypatch, tmp_path_factory):
    """The run lock of the in-memory test database stays in this session's temporary folder
    (see tests/dunning/conftest.py)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.getbasetemp()))


@pytest.fixture(scope="module")
def shell(request) -> Shell:
    return Shell(request.config.cache.mkdir("owed-cli-pycache"))


@pytest.fixture
def ledger(books):
    """ACME (GB) owes INV-1 (due 19 March 2026) and INV-2 (due 17 March); SEN (VN) HD-1."""
    acme = books.client("ACME", "GB")
    books.invoice(acme, "INV-1", "2026-03-19", 1200)
    books.invoice(acme, "INV-2", "2026-03-17", 800)
    books.invoice(books.client("SEN", "VN"), "HD-1", "2026-03-18", 15_000_000)
    return books


def invoice(number: str) -> Invoice:
    return Invoice.objects.get(number=number)


# ---------------------------------------------------------------- owed run


def test_run_as_json_lists_the_days_actions_for_a_script(ledger, owed):
    result = owed("run", "--date", "2026-03-20", "--json")

    assert result.code == 0, result.stderr
    rows = result.json
    assert isinstance(rows, list)
    assert all(set(row) >= ROW_FIELDS for row in rows)
    planned = [
        (r["client_id"], r["step"], r["channel"], r["invoices"], r["scheduled_for"])
        for r in rows
        if r["status"] == "planned"
    ]
    assert planned == [
        ("ACME", "reminder", "email", ["INV-2", "INV-1"], "2026-03-20T08:00:00+00:00"),
        ("SEN", "reminder", "email", ["HD-1"], "2026-03-20T07:00:00+07:00"),
    ]
    assert sorted((r["invoices"], r["status"], r["step"]) for r in rows) == [
        (["HD-1"], "planned", "reminder"),
        (["HD-1"], "skipped", "pre_due_reminder"),
        (["INV-1"], "merged", "reminder"),
        (["INV-1"], "skipped", "pre_due_reminder"),
        (["INV-2"], "skipped", "pre_due_reminder"),
        (["INV-2", "INV-1"], "planned", "reminder"),
    ]
    head = next(r for r in rows if r["client_id"] == "ACME" and r["status"] == "planned")
    assert [(line["invoice"], line["days_overdue"]) for line in head["lines"]] == [
        ("INV-2", 3),
        ("INV-1", 1),
    ]
    merged = next(r for r in rows if r["status"] == "merged")
    assert merged["merged_into"] == head["key"]


def test_run_prints_the_days_actions_and_what_it_looked_at(ledger, owed):
    result = owed("run", "--date", "2026-03-20")

    assert result.code == 0, result.stderr
    assert "Collections for Lotus Studio on 2026-03-20" in result.stdout
    assert "Looked at 3 invoices; recorded 6 new actions." in result.stdout
    day = "2 actions to do on 2026-03-20 (1 merged into others, 3 skipped)."
    assert day in result.stdout
    again = owed("run", "--date", "2026-03-20")
    assert "Looked at 0 invoices; recorded 0 new actions." in again.stdout
    assert day in again.stdout


def test_a_dry_run_shows_what_it_would_record_and_records_nothing(ledger, owed):
    table = owed("run", "--date", "2026-03-20", "--dry-run")
    as_json = owed("run", "--date", "2026-03-20", "--dry-run", "--json")

    assert table.code == 0, table.stderr
    assert "Looked at 3 invoices; would record 6 new actions." in table.stdout
    assert "If recorded: 2 actions to do on 2026-03-20 (1 merged into others, 3 skipped)." in (
        table.stdout
    )
    assert len(as_json.json) == 6
    assert {r["status"] for r in as_json.json} == {"planned", "skipped", "merged"}
    assert not Action.objects.exists()
    assert not Run.objects.exists()
    assert set(Invoice.objects.values_list("next_step_on", flat=True)) == {None}


def test_run_with_a_date_that_is_not_one_is_refused(ledger, owed):
    fails(
        owed("run", "--date", "2026-02-30"),
        "'2026-02-30' is not a date (write it as YYYY-MM-DD)",
    )
    as_json = owed("run", "--date", "20/03/2026", "--json")
    assert as_json.code == 1
    assert as_json.json == {
        "ok": False,
        "message": "'20/03/2026' is not a date (write it as YYYY-MM-DD)",
        "problems": [],
    }
    assert not Run.objects.exists()


def test_run_for_a_day_before_the_last_run_is_refused(ledger, owed):
    assert owed("run", "--date", "2026-03-20").code == 0

    fails(
        owed("run", "--date", "2026-03-19"),
        "the last run was for 2026-03-20; a run for an earlier day (2026-03-19) is refused, "
        "since it would decide again what later runs already decided",
    )


# ---------------------------------------------------------------- owed promise


def test_promise_records_the_promise_on_the_day_given(ledger, owed):
    result = owed("promise", "INV-1", "INV-2", "--date", "2026-04-02", "--on", "2026-03-23")
    as_json = owed("promise", "HD-1", "--date", "2026-04-10", "--on", "2026-03-24", "--json")

    assert result.code == 0, result.stderr
    assert "Promise recorded: pay by 2026-04-02." in result.stdout
    promise = Promise.objects.get(client__code="ACME")
    assert (promise.made_on, promise.until) == (day("2026-03-23"), day("2026-04-02"))
    assert sorted(promise.invoices.values_list("number", flat=True)) == ["INV-1", "INV-2"]
    assert Interaction.objects.get(client__code="ACME").happened_on == day("2026-03-23")
    other = Promise.objects.get(client__code="SEN")
    assert as_json.json == {"ok": True, "promise": other.pk, "until": "2026-04-10"}
    assert other.made_on == day("2026-03-24")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE", "--date", "2026-04-02"], "no invoice numbered 'NOPE' in lotus-studio"),
        (["INV-1"], "--date needs a date (YYYY-MM-DD)"),
        (["INV-1", "--date", "2 April"], "'2 April' is not a date (write it as YYYY-MM-DD)"),
        (
            ["INV-1", "--date", "2026-04-02", "--on", "yesterday"],
            "'yesterday' is not a date (write it as YYYY-MM-DD)",
        ),
        (
            ["INV-1", "HD-1", "--date", "2026-04-02"],
            "the invoices belong to different clients; record one client at a time",
        ),
        (
            ["INV-1", "--date", "2026-03-01", "--on", "2026-03-23"],
            "the promised date 2026-03-01 is before the day of the promise 2026-03-23",
        ),
    ],
)
def test_promise_with_bad_input_is_refused(ledger, owed, args, message):
    fails(owed("promise", *args), message)
    assert not Promise.objects.exists()


# ---------------------------------------------------------------- owed dispute


def test_dispute_opens_and_resolves_on_the_days_given(ledger, owed):
    opened = owed("dispute", "INV-1", "--reason", "second round missing", "--on", "2026-03-23")
    twice = owed("dispute", "INV-1", "--reason", "again", "--on", "2026-03-24")
    resolved = owed(
        "dispute", "INV-1", "--resolve", "--note", "delivered", "--on", "2026-04-01", "--json"
    )
    again = owed("dispute", "INV-1", "--resolve", "--on", "2026-04-02")

    assert opened.code == 0, opened.stderr
    assert "Dispute on INV-1 opened: its reminders are paused." in opened.stdout
    fails(twice, "invoice INV-1 already has an open dispute")
    dispute = Dispute.objects.get()
    assert resolved.json == {"ok": True, "dispute": dispute.pk, "resolved_on": "2026-04-01"}
    assert (dispute.opened_on, dispute.reason) == (day("2026-03-23"), "second round missing")
    assert (dispute.resolved_on, dispute.resolution) == (day("2026-04-01"), "delivered")
    fails(again, "invoice INV-1 has no open dispute")
    owed("dispute", "INV-2", "--reason", "wrong rate", "--on", "2026-03-25")
    fails(
        owed("dispute", "INV-2", "--resolve", "--on", "2026-03-24"),
        "the dispute was opened on 2026-03-25, after 2026-03-24",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["INV-1"], "say what the client disputes (--reason)"),
        (["INV-1", "--resolve"], "invoice INV-1 has no open dispute"),
        (["NOPE", "--reason", "x"], "no invoice numbered 'NOPE' in lotus-studio"),
        (
            ["INV-1", "--resolve", "--reason", "x"],
            "--reason opens a dispute; to resolve one, use --resolve [--note]",
        ),
    ],
)
def test_dispute_with_bad_input_is_refused(ledger, owed, args, message):
    fails(owed("dispute", *args), message)
    assert not Dispute.objects.exists()


# ---------------------------------------------------------------- owed plan


def test_plan_splits_the_balance_into_instalments(ledger, owed):
    result = owed(
        "plan",
        "INV-1",
        "INV-2",
        "--instalments",
        "3",
        "--every",
        "14",
        "--first",
        "2026-04-06",
        "--grace",
        "5",
        "--on",
        "2026-03-23",
        "--json",
    )
    table = owed("plan", "HD-1", "--instalments", "2", "--on", "2026-03-23")

    plan = Plan.objects.get(client__code="ACME")
    assert result.json == {
        "ok": True,
        "plan": plan.pk,
        "instalments": [
            {"number": 1, "due_date": "2026-04-06", "amount": "666.66"},
            {"number": 2, "due_date": "2026-04-20", "amount": "666.67"},
            {"number": 3, "due_date": "2026-05-04", "amount": "666.67"},
        ],
    }
    assert (plan.created_on, plan.grace_days, plan.total) == (day("2026-03-23"), 5, 2000)
    assert table.code == 0, table.stderr
    assert "Payment plan (VND)" in table.stdout
    assert "2026-04-22" in table.stdout  # --every 30 days from --on, by default
    assert "7500000" in table.stdout
    fails(
        owed("plan", "INV-1", "--instalments", "2", "--on", "2026-03-24"),
        "one of these invoices is already under an active plan",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["INV-1", "--instalments", "0"], "a plan has between 1 and 60 instalments"),
        (["INV-1"], "a plan has between 1 and 60 instalments"),
        (
            ["INV-1", "--instalments", "2", "--every", "0"],
            "instalments must be at least one day apart (--every)",
        ),
        (["NOPE", "--instalments", "2"], "no invoice numbered 'NOPE' in lotus-studio"),
        (
            ["INV-1", "--instalments", "2", "--first", "2026-03-01", "--on", "2026-03-23"],
            "the first instalment (2026-03-01) cannot be due before the plan (2026-03-23)",
        ),
    ],
)
def test_plan_with_bad_input_is_refused(ledger, owed, args, message):
    fails(owed("plan", *args), message)
    assert not Plan.objects.exists()


# ---------------------------------------------------------------- owed snooze


def test_snooze_an_invoice_or_a_whole_client_until_a_day(ledger, owed):
    one = owed("snooze", "INV-1", "--until", "2026-04-06", "--on", "2026-03-23")
    client = owed(
        "snooze", "--client", "SEN", "--until", "2026-04-10", "--on", "2026-03-24", "--json"
    )

    assert one.code == 0, one.stderr
    assert "Snoozed until 2026-04-06." in one.stdout
    by_invoice = Snooze.objects.get(invoice__number="INV-1")
    assert (by_invoice.created_on, by_invoice.until, by_invoice.client) == (
        day("2026-03-23"),
        day("2026-04-06"),
        None,
    )
    by_client = Snooze.objects.get(client__code="SEN")
    assert client.json == {"ok": True, "snooze": by_client.pk, "until": "2026-04-10"}
    assert by_client.created_on == day("2026-03-24")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--until", "2026-04-06"], "name either an invoice number or --client ID"),
        (
            ["INV-1", "--client", "ACME", "--until", "2026-04-06"],
            "name either an invoice number or --client ID",
        ),
        (["INV-1"], "--until needs a date (YYYY-MM-DD)"),
        (["--client", "NOPE", "--until", "2026-04-06"], "no client with id 'NOPE' in lotus-studio"),
        (
            ["INV-1", "--until", "2026-03-23", "--on", "2026-03-23"],
            "snooze until a day after 2026-03-23",
        ),
    ],
)
def test_snooze_with_bad_input_is_refused(ledger, owed, args, message):
    fails(owed("snooze", *args), message)
    assert not Snooze.objects.exists()


# ---------------------------------------------------------------- owed log


def test_log_a_call_with_its_reason_and_promised_date(ledger, owed):
    result = owed(
        "log",
        "ACME",
        "--call",
        "--reason",
        "forgot",
        "--promise",
        "2026-03-31",
        "--note",
        "pays Tuesday",
        "--on",
        "2026-03-24",
        "--json",
    )

    call = Interaction.objects.get(channel="call")
    assert result.json == {"ok": True, "interaction": call.pk}
    assert (call.happened_on, call.reason, call.note, call.is_response) == (
        day("2026-03-24"),
        "forgot",
        "pays Tuesday",
        True,
    )
    promise = Promise.objects.get()
    assert (promise.made_on, promise.until) == (day("2026-03-24"), day("2026-03-31"))


def test_log_a_call_that_did_not_reach_the_client_plans_a_callback(ledger, owed):
    result = owed("log", "ACME", "--call", "--not-reached", "--on", "2026-03-27")

    assert result.code == 0, result.stderr
    assert "Logged: Call: not reached." in result.stdout
    callback = Action.objects.get(step="callback")
    assert callback.decided_on == day("2026-03-30")  # Friday 27 March: Monday


def test_log_a_reply_and_a_note(ledger, owed):
    reply = owed(
        "log", "SEN", "--reply", "--note", "asked for the bank details", "--on", "2026-03-25"
    )
    note = owed("log", "SEN", "--note", "met at the fair\nthey pay in April", "--on", "2026-03-26")

    assert reply.code == 0 and note.code == 0, reply.stderr + note.stderr
    logged = Interaction.objects.order_by("happened_on")
    assert [(i.channel, i.happened_on, i.is_response, i.summary) for i in logged] == [
        ("email", day("2026-03-25"), True, "Reply from the client"),
        ("note", day("2026-03-26"), False, "met at the fair"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["ACME", "--call"],
            "say why the client has not paid: "
            "--reason forgot|invoice_lost|dissatisfied|cash_flow|deliberate|other",
        ),
        (
            ["ACME", "--call", "--promise", "2026-03-31"],
            "say why the client has not paid: "
            "--reason forgot|invoice_lost|dissatisfied|cash_flow|deliberate|other",
        ),
        (
            ["ACME", "--reason", "forgot"],
            "--reason, --promise and --not-reached describe a call: add --call",
        ),
        (["ACME", "--call", "--reply"], "log a call or a reply, not both"),
        (["ACME"], "a note needs some text (--note)"),
        (["NOPE", "--reply"], "no client with id 'NOPE' in lotus-studio"),
        (
            ["ACME", "--call", "--reason", "forgot", "--promise", "31.03.2026"],
            "'31.03.2026' is not a date (write it as YYYY-MM-DD)",
        ),
    ],
)
def test_log_with_bad_input_is_refused(ledger, owed, args, message):
    fails(owed("log", *args), message)
    assert not Interaction.objects.exists()


def test_log_with_an_unknown_reason_is_a_usage_error(ledger, owed):
    result = owed("log", "ACME", "--call", "--reason", "broke")

    assert result.code == 2
    assert "Invalid value for '--reason'" in result.stderr
    assert not Interaction.objects.exists()


# ---------------------------------------------------------------- owed policy


def test_policy_show_prints_the_standard_ladder_and_its_json(ledger, owed):
    table = owed("policy", "show")
    as_json = owed("policy", "show", "--json")

    assert table.code == 0, table.stderr
    assert "Policy standard" in table.stdout
    assert "pre_due_reminder" in table.stdout
    assert "email+letter" in table.stdout
    assert as_json.json == policy_to_data(STANDARD)


def test_policy_edit_saves_the_file_and_the_next_run_plans_every_invoice_again(
    ledger, owed, tmp_path
):
    owed("run", "--date", "2026-03-20")
    data = owed("policy", "show", "--json").json
    data["name"] = "brisk"
    data["minimum_balances"] = {"GBP": "50"}
    data["steps"][2]["offset_days"] = 3  # the invoice copy on day 3
    path = tmp_path / "brisk.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    result = owed("policy", "edit", path)

    assert result.code == 0, result.stderr
    assert "Policy brisk saved; the next run plans every invoice again." in result.stdout
    assert owed("policy", "show", "--json").json == data
    assert Policy.objects.get().is_default
    assert set(Invoice.objects.values_list("next_step_on", flat=True)) == {None}
    run = owed("run", "--date", "2026-03-23", "--json").json
    assert [
        (r["client_id"], r["step"], r["invoices"]) for r in run if r["status"] == "planned"
    ] == [
        ("ACME", "invoice_copy", ["INV-2", "INV-1"]),
        ("SEN", "invoice_copy", ["HD-1"]),
    ]


def test_policy_edit_not_default_stores_a_second_policy_that_show_names(ledger, owed, tmp_path):
    data = policy_to_data(STANDARD)
    data["name"] = "gentle"
    data["steps"][1]["offset_days"] = 5
    path = tmp_path / "gentle.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    result = owed("policy", "edit", path, "--not-default", "--json")

    assert result.json == {"ok": True, "policy": "gentle"}
    assert owed("policy", "show", "--json").json == policy_to_data(STANDARD)
    assert owed("policy", "show", "--name", "gentle", "--json").json == data
    fails(owed("policy", "show", "--name", "nope"), "no policy named 'nope'; known: gentle")
    assert set(Invoice.objects.values_list("next_step_on", flat=True)) == {None}


def test_policy_assign_chases_one_client_with_another_policy_and_back(ledger, owed, tmp_path):
    from owed.dunning.models import ClientPolicy

    data = policy_to_data(STANDARD)
    data["name"] = "gentle"
    path = tmp_path / "gentle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    owed("policy", "edit", path, "--not-default")
    owed("run", "--date", "2026-03-20")

    result = owed("policy", "assign", "ACME", "gentle", "--json")

    assert result.json == {"ok": True, "client_id": "ACME", "policy": "gentle"}
    assert ClientPolicy.objects.get().policy.name == "gentle"
    acme = Invoice.objects.filter(client__code="ACME")
    assert set(acme.values_list("next_step_on", flat=True)) == {None}
    assert None not in set(
        Invoice.objects.exclude(client__code="ACME").values_list("next_step_on", flat=True)
    )
    fails(owed("policy", "assign", "ACME", "nope"), "no stored policy named 'nope'")
    fails(
        owed("policy", "assign", "NOBODY", "gentle"), "no client with id 'NOBODY' in lotus-studio"
    )
    back = owed("policy", "assign", "ACME")
    assert back.code == 0 and "default policy" in back.stdout
    assert not ClientPolicy.objects.exists()


def test_policy_edit_with_a_segment_saves_it_beside_the_default(ledger, owed, tmp_path):
    data = policy_to_data(STANDARD)
    data["name"] = "thai-individuals"
    data["segment"] = {"countries": ["th"], "kind": "individual"}
    path = tmp_path / "th.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    assert owed("policy", "edit", path).code == 0

    shown = owed("policy", "show", "--name", "thai-individuals", "--json").json
    assert shown["segment"] == {"countries": ["TH"], "kind": "individual"}
    assert (
        "For clients in TH, individual"
        in owed("policy", "show", "--name", "thai-individuals").stdout
    )
    assert owed("policy", "show", "--json").json == policy_to_data(STANDARD)
    data["segment"] = {"countries": "TH"}
    path.write_text(json.dumps(data), encoding="utf-8")
    bad = owed("policy", "edit", path)
    fails(bad, "the policy cannot be saved")
    assert "countries is a list of ISO codes" in bad.stderr


def test_policy_edit_with_a_file_that_is_not_json_is_refused(ledger, owed, tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"name": "brisk",\n  "steps": [}', encoding="utf-8")

    fails(owed("policy", "edit", path), f"{path} is not JSON: line 2, column 13: Expecting value")
    fails(owed("policy", "edit", tmp_path / "missing.json"), f"no file {tmp_path / 'missing.json'}")
    assert not Policy.objects.exists()


def test_policy_edit_lists_every_problem_of_the_policy_and_saves_nothing(ledger, owed, tmp_path):
    data = policy_to_data(STANDARD)
    data["steps"][1]["offset_days"] = 8  # the reminder after the invoice copy (day 7)
    data["steps"][-1]["offset_days"] = 60  # legal before the agency hand-off (day 90)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = [
        "invoice_copy: step invoice_copy (day 7) comes after reminder (day 8): "
        "a later step cannot be due earlier",
        "legal: step legal (day 60) comes after agency_handoff (day 90): "
        "a later step cannot be due earlier",
    ]

    printed = owed("policy", "edit", path)
    as_json = owed("policy", "edit", path, "--json")

    fails(printed, "the policy cannot be saved")
    assert [line.strip() for line in printed.stderr.splitlines()[1:]] == problems
    assert as_json.code == 1
    assert as_json.json == {
        "ok": False,
        "message": "the policy cannot be saved",
        "problems": problems,
    }
    assert not Policy.objects.exists()


def test_policy_edit_reports_bad_fields_of_each_step(ledger, owed, tmp_path):
    data = policy_to_data(STANDARD)
    data["steps"][0]["channels"] = ["fax"]
    data["steps"][3]["offset_days"] = "ten"
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    result = owed("policy", "edit", path, "--json")

    assert result.code == 1
    assert result.json["problems"] == [
        "step 1: 'fax' is not a valid Channel",
        "step 4: offset_days must be a whole number of days",
    ]


# ---------------------------------------------------------------- as a user runs it


def test_owed_run_and_a_failing_command_in_a_real_process(shell: Shell, tmp_path):
    folder = build(shell, tmp_path / "data", 2)

    run = shell.owed(folder, "run", "--date", RUN_DAY, "--json")
    unknown = shell.owed(folder, "promise", "NOPE", "--date", "2026-04-10")
    bad_day = shell.owed(folder, "snooze", "INV-000000", "--until", "soon", "--json")

    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)
    assert {(r["client_id"], r["status"]) for r in rows if r["status"] == "planned"} == {
        ("C00000", "planned"),
        ("C00001", "planned"),
    }
    assert all(set(r) >= ROW_FIELDS for r in rows)
    assert (unknown.returncode, unknown.stdout) == (1, "")
    assert unknown.stderr == "error: no invoice numbered 'NOPE' in crash-test\n"
    assert bad_day.returncode == 1
    assert json.loads(bad_day.stdout) == {
        "ok": False,
        "message": "'soon' is not a date (write it as YYYY-MM-DD)",
        "problems": [],
    }
    assert "Traceback" not in run.stderr + unknown.stderr + bad_day.stderr
