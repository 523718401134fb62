"""`owed document invoice`: writes the PDF, and says clearly what is wrong when it cannot."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from owed.cli import main
from owed.core.localize import LRI, PDI, format_date
from tests.documents.pdfs import pdf_text

pytestmark = pytest.mark.django_db


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def owed(monkeypatch, capsysbinary):
    """Run `owed ARGS...` through its entry point, as the collections CLI tests do."""

    def run(*args: str | Path) -> Result:
        capsysbinary.readouterr()
        monkeypatch.setattr(sys, "argv", ["owed", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsysbinary.readouterr()
        return Result(code, out.decode("utf-8", "replace"), err.decode("utf-8"))

    return run


def test_the_invoice_is_written_where_asked(owed, invoice_for, tmp_path):
    invoice = invoice_for("vi")
    target = tmp_path / "hoa-don.pdf"

    result = owed("document", "invoice", invoice.number, "-o", target)

    assert result.code == 0, result.stderr
    assert f"Wrote invoice {invoice.number} to {target}." in result.stderr
    assert "Số tiền còn phải trả" in pdf_text(target.read_bytes())


def test_without_a_file_it_writes_number_dot_pdf_here(owed, invoice_for, tmp_path, monkeypatch):
    invoice = invoice_for("en", number="2026/INV 7")
    monkeypatch.chdir(tmp_path)

    result = owed("document", "invoice", invoice.number)

    assert result.code == 0, result.stderr
    assert (tmp_path / "2026-INV-7.pdf").read_bytes().startswith(b"%PDF-")


def test_another_language_and_json(owed, invoice_for, tmp_path):
    invoice = invoice_for("en")
    target = tmp_path / "invoice.pdf"

    result = owed("document", "invoice", invoice.number, "-o", target, "--language", "th", "--json")

    assert result.code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["ok"] and answer["language"] == "th" and answer["file"] == str(target)
    assert answer["bytes"] == target.stat().st_size
    assert "US$1,450.55" in pdf_text(target.read_bytes())  # Thai writes dollars so


def test_dash_writes_the_pdf_to_standard_output(owed, invoice_for):
    result = owed("document", "invoice", invoice_for("en").number, "-o", "-")

    assert result.code == 0
    assert result.stdout.startswith("%PDF-")


def test_an_unknown_invoice_is_named(owed, studio, tmp_path):
    result = owed("document", "invoice", "INV-404", "-o", tmp_path / "x.pdf")

    assert result.code == 1
    assert result.stderr.strip() == f"error: no invoice numbered 'INV-404' in {studio.slug}"
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_language_is_named_with_the_ones_there_are(owed, invoice_for, tmp_path):
    result = owed(
        "document",
        "invoice",
        invoice_for("en").number,
        "--language",
        "de",
        "-o",
        tmp_path / "x.pdf",
    )

    assert result.code == 1
    assert "error: unknown language 'de'; owed writes in en, vi, fa, th" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_in_a_missing_folder_is_refused_before_the_work(owed, invoice_for, tmp_path):
    target = tmp_path / "missing" / "x.pdf"

    result = owed("document", "invoice", invoice_for("en").number, "-o", target)

    assert result.code == 1
    assert f"error: cannot write {target}: the folder {target.parent} does not exist" in (
        result.stderr
    )


def test_a_folder_is_not_a_file(owed, invoice_for, tmp_path):
    result = owed("document", "invoice", invoice_for("en").number, "-o", tmp_path, "--json")

    assert result.code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "message": f"cannot write {tmp_path}: it is a folder",
        "problems": [],
    }


def test_a_file_that_cannot_be_written_is_refused(owed, invoice_for, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    target = locked / "x.pdf"
    try:
        if _writable(locked):  # root writes anywhere: a read-only place is needed instead
            target = Path("/proc/version")
        result = owed("document", "invoice", invoice_for("en").number, "-o", target)
    finally:
        locked.chmod(0o700)

    assert result.code == 1
    assert result.stderr.startswith(f"error: cannot write {target}: ")


def _writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink()
    return True


# --- owed template, owed tasks, owed send ---------------------------------------------------


def test_template_show_prints_the_default_text_in_the_language_asked(owed, studio):
    result = owed("template", "show", "credit_hold", "--language", "vi")

    assert result.code == 0, result.stderr
    assert "credit_hold in vi (owed's default text)" in result.stderr
    assert result.stdout.startswith(
        "Subject: Mã khách hàng {account_number}: tạm ngừng hạn mức công nợ"
    )
    assert "--- the letter ---" in result.stdout


def test_template_show_as_json_lists_the_placeholders_used(owed, studio):
    from owed.documents.models import StepTemplate

    StepTemplate.objects.create(
        organization=studio, step="reminder", language="en", subject="Hi {client_name}", body="x"
    )

    answer = json.loads(owed("template", "show", "reminder", "--json").stdout)

    assert answer["source"] == "organization"
    assert answer["placeholders"] == ["client_name"]


def test_template_show_names_the_steps_when_one_is_unknown(owed, studio):
    result = owed("template", "show", "reminders")

    assert result.code == 1
    assert "error: no text for the step 'reminders'; the steps are: pre_due_reminder, " in (
        result.stderr
    )


def test_template_preview_fills_the_text_in_for_an_invoice(owed, invoice_for, reachable):
    invoice = invoice_for("th")
    reachable(invoice)

    result = owed("template", "preview", "reminder", "--invoice", invoice.number)

    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Subject: แจ้งเตือน: ใบแจ้งหนี้ INV-77-TH เลยกำหนดชำระแล้ว")
    assert "฿1,450.55" in result.stdout
    assert 'To: "สมชาย ใจดี" <boss@client.example>' in result.stderr


def test_template_preview_fills_in_a_sample_instalment_and_promise_and_says_so(
    owed, invoice_for, reachable
):
    invoice = invoice_for("fa")
    reachable(invoice)

    for step in ("instalment_pre_due_reminder", "instalment_reminder", "broken_promise"):
        result = owed("template", "preview", step, "--invoice", invoice.number)
        assert result.code == 0, (step, result.stderr)
        assert result.stdout.startswith("Subject: "), step
        assert "is shown" in result.stderr and "a sample" in result.stderr, step
    answer = json.loads(
        owed(
            "template", "preview", "instalment_reminder", "--invoice", invoice.number, "--json"
        ).stdout
    )
    assert answer["samples"] == ["instalment_number", "instalment_amount", "instalment_due_date"]
    # Instalment 1 of 3 of the balance (14 500 000 rials), in Persian digits.
    assert answer["subject"].startswith("سررسید قسط ۱ ")
    assert "۴٬۸۳۳٬۳۳۳" in answer["text"]


def test_template_preview_uses_the_invoice_s_plan_and_promise(owed, invoice_for, reachable):
    from owed.dunning.services import plan_create, promise_record

    invoice = invoice_for("en")
    reachable(invoice)
    today = invoice.organization.today()
    promise_record(
        organization=invoice.organization,
        invoices=[invoice],
        on=today - timedelta(days=3),
        until=today - timedelta(days=1),
    )
    promised = json.loads(
        owed("template", "preview", "broken_promise", "--invoice", invoice.number, "--json").stdout
    )
    plan_create(
        organization=invoice.organization,
        invoices=[invoice],
        instalments=2,
        every_days=10,
        on=today,
        first_due=today + timedelta(days=3),
    )
    planned = json.loads(
        owed(
            "template",
            "preview",
            "instalment_pre_due_reminder",
            "--invoice",
            invoice.number,
            "--json",
        ).stdout
    )

    assert (
        promised["samples"] == []
        and format_date(today - timedelta(days=1), "en") in (promised["subject"])
    )
    assert planned["samples"] == []
    assert planned["subject"] == (
        "Instalment 1 of your payment plan is due on "
        + format_date(today + timedelta(days=3), "en")
    )


def test_tasks_lists_the_day_s_calls_with_their_scripts(owed, invoice_for, reachable, action_for):
    from owed.dunning.models import Action
    from owed.ledger.models import Contact

    invoice = invoice_for("en")
    reachable(invoice)
    Contact.objects.filter(client=invoice.client, role="main").update(phone="+1 415 555 0100")
    action_for(invoice, "call", channels="task")
    action_for(invoice, "reminder")  # not a call

    result = owed("tasks", "--date", "2026-12-03")
    answer = json.loads(owed("tasks", "--date", "2026-12-03", "--language", "fa", "--json").stdout)

    assert result.code == 0, result.stderr
    call = Action.objects.get(step="call")
    assert f"Acme Corporation (C-en), call: Sarah Lee +1 415 555 0100 (task {call.pk})" in (
        result.stdout
    )
    assert "owed done TASK" in result.stdout
    assert "  1. Greet Sarah Lee, give your name" in result.stdout
    assert "1 calls for 2026-12-03." in result.stdout
    [task] = answer["tasks"]
    assert task["step"] == "call" and task["phones"][0]["phone"] == "+1 415 555 0100"
    assert task["script"][0].startswith(f"به {LRI}Sarah Lee{PDI} سلام کنید")


def test_send_composes_the_due_actions_before_it_delivers(owed, invoice_for, reachable, action_for):
    from owed.dunning.models import Action
    from owed.mail.models import Message

    invoice = invoice_for("en")
    reachable(invoice)
    action = action_for(invoice, "reminder", on=date(2026, 11, 20))

    dry = owed("send", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "Would compose 1 messages from due actions; 0 failed, 0 skipped." in dry.stdout
    assert "C-en reminder: Reminder: payment of invoice INV-77-EN is overdue" in dry.stdout
    assert not Message.objects.exists()

    answer = json.loads(owed("send", "--json").stdout)

    assert answer["ok"] is True
    assert answer["composed"]["queued"] == 1
    assert answer["composed"]["actions"][0]["to"] == '"Sarah Lee" <boss@client.example>'
    action.refresh_from_db()
    assert action.status == Action.Status.SENT
    assert Message.objects.get().action_id == action.pk
