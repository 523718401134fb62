"""The outbox commands: send, messages, mail-server, mail-sink.

They run through the real entry point, `owed.cli.main`, in this process against the test
database (as tests/test_cli_collections.py does), with the sink as the mail server. `owed
worker` and the sink command run as processes in tests/mail/test_processes.py.
"""

from __future__ import annotations

import pytest

from owed.mail.models import MailServer, Message
from tests.mail.conftest import free_port
from tests.test_cli_collections import fails

pytestmark = pytest.mark.django_db


@pytest.fixture
def now_queued(queue):
    """queue(...) with the message due now, as the real clock sees it."""
    from django.utils import timezone

    def make(**given):
        return queue(send_at=timezone.now(), **given)

    return make


# ---------------------------------------------------------------- owed send


def test_send_delivers_what_is_due_and_counts_it(mail_server, sink, now_queued, owed):
    now_queued(to="ketoan@senvang.vn", subject="Nhắc nhở thanh toán")
    greylisted = now_queued(to="fail451@senvang.vn")

    result = owed("send")

    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Sent 1, retrying 1, failed 0."
    assert f"retrying #{greylisted.pk} to fail451@senvang.vn at" in result.stdout
    assert "(attempt 1): The server refused fail451@senvang.vn: 451 4.7.1 Greylisted" in (
        result.stdout
    )
    assert [m["Subject"] for m in sink.messages()] == ["Nhắc nhở thanh toán"]
    assert owed("send").stdout.startswith("Sent 0, retrying 0, failed 0.")


def test_send_exits_with_1_when_a_message_failed_and_says_why(mail_server, sink, now_queued, owed):
    message = now_queued(to="fail550@senvang.vn")

    result = owed("send")
    as_json = owed("send", "--retry-failed", message.pk, "--json")

    assert result.code == 1
    assert "Sent 0, retrying 0, failed 1." in result.stdout
    assert (
        f"failed #{message.pk} to fail550@senvang.vn: The server refused fail550@senvang.vn: "
        "550 5.1.1 Mailbox unavailable: no such user here"
    ) in result.stderr
    assert as_json.code == 1
    answer = as_json.json
    assert (answer["ok"], answer["sent"], answer["failed"]) == (False, 0, 1)
    assert answer["messages"][0]["smtp_code"] == 550


def test_send_as_json_reports_every_message(mail_server, sink, now_queued, owed):
    message = now_queued(to="ketoan@senvang.vn")

    answer = owed("send", "--json").json

    assert answer["ok"] is True
    assert (answer["sent"], answer["retrying"], answer["failed"]) == (1, 0, 0)
    [row] = answer["messages"]
    assert (row["id"], row["status"], row["attempts"]) == (message.pk, "sent", 1)


def test_send_dry_run_lists_what_is_due_and_sends_nothing(mail_server, sink, now_queued, owed):
    message = now_queued(to="ketoan@senvang.vn", subject="Reminder INV-001")

    result = owed("send", "--dry-run")
    as_json = owed("send", "--dry-run", "--json")

    assert result.code == 0
    assert "Reminder INV-001" in result.stdout
    assert "1 messages would be sent now. Nothing was sent (--dry-run)." in result.stdout
    assert [row["id"] for row in as_json.json["due"]] == [message.pk]
    assert sink.files() == []
    assert Message.objects.get().attempts == 0


def test_send_says_which_organization_has_no_mail_server(org, now_queued, owed):
    now_queued(to="ketoan@senvang.vn")

    result = owed("send")

    assert result.code == 0
    assert "waiting 1 messages of lotus-studio: no mail server" in result.stderr
    assert Message.objects.get().status == "queued"


def test_send_resend_uncertain_sends_it_again_on_the_users_word(
    mail_server, sink, now_queued, owed
):
    from datetime import timedelta

    from django.utils import timezone

    message = now_queued(to="ketoan@senvang.vn")
    Message.objects.filter(pk=message.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1), claim="x"
    )
    listed = owed("messages", "--status", "uncertain", "--json")

    result = owed("send", "--resend-uncertain", message.pk)

    assert [(r["id"], r["status"]) for r in listed.json] == [(message.pk, "uncertain")]
    assert "never finished" in listed.json[0]["last_error"]
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("Sent 1, retrying 0, failed 0.")
    assert [m["Message-ID"] for m in sink.messages()] == [message.message_id]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resend-uncertain", "999999999"], "no message 999999999"),
        (["--resend-uncertain", "1", "--dry-run"], "--dry-run sends nothing, so it cannot be"),
        (["--org", "nobody"], "no organization 'nobody' (known: lotus-studio)"),
    ],
)
def test_send_refuses_what_it_cannot_do(mail_server, owed, args, message):
    result = owed("send", *args)

    assert result.code == 1
    assert result.stderr.startswith(f"error: {message}")
    assert "Traceback" not in result.stderr


def test_send_refuses_to_resend_a_message_that_is_not_uncertain(mail_server, now_queued, owed):
    message = now_queued(to="ketoan@senvang.vn")

    result = owed("send", "--resend-uncertain", message.pk, "--json")

    assert result.code == 1
    assert result.json == {
        "ok": False,
        "message": f"only uncertain messages can be queued again this way: {message.pk} is queued",
        "problems": [],
    }


def test_a_bad_option_value_is_a_usage_error_not_a_traceback(org, owed):
    result = owed("send", "--limit", "0")

    assert result.code == 2
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- owed messages


def test_messages_lists_status_attempts_and_last_error(mail_server, sink, now_queued, owed):
    now_queued(to="ketoan@senvang.vn", subject="Sent one")
    now_queued(to="fail550@senvang.vn", subject="Refused one")
    owed("send")

    table = owed("messages")
    failed = owed("messages", "--status", "failed", "--json")
    bad = owed("messages", "--status", "lost")

    assert table.code == 0
    assert "Sent one" in table.stdout and "Refused one" in table.stdout
    assert "550 5.1.1 Mailbox unavailable" in table.stdout
    assert "2 messages." in table.stdout
    [row] = failed.json
    assert (row["subject"], row["status"], row["attempts"], row["smtp_code"]) == (
        "Refused one",
        "failed",
        1,
        550,
    )
    assert bad.code == 2
    assert "'lost' is not one of" in bad.stderr


# ---------------------------------------------------------------- owed mail-server


def test_mail_server_set_reads_the_password_from_the_environment_and_never_shows_it(
    org, owed, monkeypatch
):
    monkeypatch.setenv("LOTUS_SMTP_PASSWORD", "s3cret-Lotus")

    done = owed(
        "mail-server",
        "set",
        "--host",
        "smtp.lotus.vn",
        "--security",
        "ssl",
        "--username",
        "billing@lotus.vn",
        "--password-env",
        "LOTUS_SMTP_PASSWORD",
        "--from",
        "billing@lotus.vn",
        "--from-name",
        "Lotus Studio",
    )
    shown = owed("mail-server", "show")
    as_json = owed("mail-server", "show", "--json")

    assert done.code == 0, done.stderr
    assert "goes through smtp.lotus.vn:465 (ssl) from billing@lotus.vn" in done.stdout
    assert MailServer.objects.get().password == "s3cret-Lotus"
    for output in (done.stdout, shown.stdout, as_json.stdout):
        assert "s3cret" not in output
    assert "password" in shown.stdout and "set" in shown.stdout
    assert as_json.json["password_set"] is True
    assert as_json.json["port"] == 465


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--password-env", "NO_SUCH_VARIABLE"],
            "the environment variable NO_SUCH_VARIABLE is not set",
        ),
        (["--password-env", "EMPTY_PASSWORD"], "the environment variable EMPTY_PASSWORD is empty"),
        (["--host", "smtp.lotus.vn"], "the mail server settings are not valid"),
        (
            ["--host", "x", "--from", "a@b.vn", "--port", "0"],
            "the mail server settings are not valid",
        ),
    ],
)
def test_mail_server_set_explains_bad_input(org, owed, monkeypatch, args, message):
    monkeypatch.setenv("EMPTY_PASSWORD", "")

    fails(owed("mail-server", "set", *args), message)
    assert not MailServer.objects.exists()


def test_mail_server_set_lists_each_wrong_setting(org, owed):
    result = owed("mail-server", "set", "--host", "smtp.lotus.vn", "--port", "465", "--json")

    assert result.code == 1
    assert result.json == {
        "ok": False,
        "message": "the mail server settings are not valid",
        "problems": [
            "security: Port 465 expects SSL/TLS from the start: choose SSL/TLS.",
            "from address: Give the address your e-mail is sent from.",
        ],
    }


def test_mail_server_set_refuses_an_unknown_security(org, owed):
    result = owed("mail-server", "set", "--security", "tls13")

    assert result.code == 2
    assert "'tls13' is not one of" in result.stderr


def test_mail_server_show_without_a_server_says_how_to_set_one(org, owed):
    fails(
        owed("mail-server", "show"),
        "lotus-studio has no mail server yet: "
        "`owed mail-server set --host HOST --from ADDRESS` sets one",
    )


# ---------------------------------------------------------------- owed mail-sink


def test_mail_sink_refuses_a_file_for_a_folder(tmp_path, owed):
    file = tmp_path / "mail"
    file.write_text("")

    fails(owed("mail-sink", "--dir", file), f"{file} is a file, not a folder")


def test_mail_sink_on_a_port_in_use_says_so(sink, tmp_path, owed):
    result = owed("mail-sink", "--dir", tmp_path / "other", "--port", sink.port)

    fails(result, f"cannot listen on 127.0.0.1:{sink.port}: Address already in use")


def test_free_port_is_free():
    assert 0 < free_port() < 65536
