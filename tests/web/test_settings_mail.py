"""The mail server's settings page: an owner sets the server, the password is never shown
back and is kept when its field is left empty; a test message goes to a real SMTP server
(owed's sink, in its own process) and the page shows the server's answer or what went
wrong: a refused login, a port where nothing listens, a refused recipient."""

from __future__ import annotations

import logging

import pytest

from owed.mail.models import MailServer
from owed.mail.services import mail_server_set
from owed.mail.sink import Sink
from tests.mail.conftest import free_port
from tests.web.settings_pages import forms_in, main_of

pytestmark = pytest.mark.django_db

SECRET = "s3cret-Lotus-pw"


def settings(**changes) -> dict:
    return {
        "host": "smtp.lotus.vn",
        "port": "587",
        "security": "starttls",
        "username": "billing@lotus.vn",
        "password": "",
        "from_address": "billing@lotus.vn",
        "from_name": "Lotus Studio",
        "reply_to": "",
        "timeout": "30",
        **changes,
    }


@pytest.fixture
def sink(tmp_path):
    with Sink(tmp_path / "sink") as running:
        yield running


def use(org, sink, **changes) -> MailServer:
    return mail_server_set(
        organization=org,
        host=sink.host,
        port=sink.port,
        security="none",
        from_address="billing@lotus.vn",
        from_name="Lotus Studio",
        timeout=5,
        **changes,
    )


def test_an_owner_sets_the_mail_server_and_the_password_is_never_shown(web, org, caplog):
    caplog.set_level(logging.INFO, logger="owed.mail")
    response = web.post("/settings/mail/", settings(password=SECRET))
    assert response.status_code == 302 and response["Location"] == "/settings/mail/"
    server = MailServer.objects.get(organization=org)
    assert (server.host, server.port, server.security) == ("smtp.lotus.vn", 587, "starttls")
    assert server.password == SECRET
    page = web.get("/settings/mail/").content.decode()
    assert "The mail server&#x27;s settings are saved." in page
    assert SECRET not in page
    assert "A password is stored: leave this empty to keep it." in page
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    assert SECRET not in caplog.text and "smtp.lotus.vn" in caplog.text


def test_an_empty_password_keeps_the_stored_one_and_a_new_one_replaces_it(web, org):
    web.post("/settings/mail/", settings(password=SECRET))
    web.post("/settings/mail/", settings(host="smtp2.lotus.vn"))
    server = MailServer.objects.get(organization=org)
    assert (server.host, server.password) == ("smtp2.lotus.vn", SECRET)
    web.post("/settings/mail/", settings(password="another-pw"))
    server.refresh_from_db()
    assert server.password == "another-pw"


def test_an_empty_user_name_removes_the_login(web, org):
    web.post("/settings/mail/", settings(password=SECRET))
    response = web.post("/settings/mail/", settings(username="", security="none", port="25"))
    assert response.status_code == 302
    server = MailServer.objects.get(organization=org)
    assert (server.username, server.password) == ("", "")


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"port": "465"}, "security", "Port 465 expects SSL/TLS from the start"),
        ({"security": "ssl"}, "security", "Port 587 expects STARTTLS"),
        ({"host": "smtp://smtp.lotus.vn"}, "host", "without smtp:// or a port"),
        ({"host": ""}, "host", "This field is required."),
        ({"port": "70000"}, "port", "A port is a number from 1 to 65535"),
        ({"from_address": "billing"}, "from_address", "Enter a valid email address."),
        ({"username": "kế-toán"}, "username", "must be in ASCII characters"),
        ({"password": "mật-khẩu"}, "password", "must be in ASCII characters"),
        ({"timeout": "0"}, "timeout", "A timeout is from 1 to 600 seconds."),
    ],
)
def test_a_mistake_is_shown_on_its_field(web, org, changes, field, error):
    password = {} if "password" in changes else {"password": SECRET}
    response = web.post("/settings/mail/", settings(**password, **changes))
    assert response.status_code == 422
    page = response.content.decode()
    errors = page.split(f'id="id_{field}_error"', 1)
    assert len(errors) == 2, f"no error on {field}"
    assert error in errors[1].split("</ul>", 1)[0]
    assert not MailServer.objects.exists()


def test_a_user_name_without_a_password_is_refused_for_a_new_server(web, org):
    response = web.post("/settings/mail/", settings())
    assert response.status_code == 422
    assert "A user name needs a password." in response.content.decode()


def test_a_test_message_goes_through_the_server_and_its_answer_is_shown(web, org, sink):
    use(org, sink)
    response = web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"})
    assert response.status_code == 200
    page = main_of(response.content.decode())
    assert "The server accepted the test message for lan@lotus.vn." in page
    assert "250 2.0.0 OK: kept as" in page
    [message] = sink.wait_for(1)
    assert message["To"] == "lan@lotus.vn"
    assert message["From"] == "Lotus Studio <billing@lotus.vn>"
    assert message["Subject"] == "Test message from Lotus Studio"
    assert message["Message-ID"].endswith("@lotus.vn>")
    assert "through the mail server" in message.get_content()


def test_a_test_message_is_written_in_the_users_language(web, org, sink):
    use(org, sink)
    web.post("/language/", {"language": "vi"})
    web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"})
    [message] = sink.wait_for(1)
    # Vietnamese once its catalogue has the words; the subject is encoded as RFC 2047 says.
    assert "Lotus Studio" in message["Subject"]


def test_a_refused_login_is_said_in_plain_words(web, org, tmp_path):
    with Sink(tmp_path / "auth", username="lotus", password=SECRET) as sink:
        use(org, sink, username="lotus", password="wrong-password")
        response = web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"})
        assert sink.files() == []
        use(org, sink, password=SECRET)
        accepted = web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"})
        sink.wait_for(1)
    page = main_of(response.content.decode())
    assert "The server refused the user name or password." in page
    assert "535" in page
    assert "wrong-password" not in page
    assert "The server accepted the test message" in accepted.content.decode()


def test_a_port_where_nothing_listens_is_said_in_plain_words(web, org, sink):
    server = use(org, sink)
    MailServer.objects.filter(pk=server.pk).update(port=free_port())
    page = main_of(web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"}).content.decode())
    assert "Nothing answers at this host and port" in page
    assert "Connection refused by 127.0.0.1:" in page


def test_a_refused_recipient_is_said_with_the_servers_answer(web, org, sink):
    use(org, sink)
    page = main_of(
        web.post("/settings/mail/test/", {"test-to": "fail550@lotus.vn"}).content.decode()
    )
    assert "The server refused the recipient." in page
    assert "550 5.1.1 Mailbox unavailable" in page
    assert sink.files() == []


def test_a_bad_address_or_no_server_gives_a_message(web, org, sink):
    response = web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"})
    assert response.status_code == 422
    assert "Save the mail server&#x27;s settings first" in response.content.decode()
    use(org, sink)
    response = web.post("/settings/mail/test/", {"test-to": "not an address"})
    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()


def test_the_test_form_is_offered_once_a_server_is_saved(web, org, sink):
    assert "Send a test message" not in web.get("/settings/mail/").content.decode()
    use(org, sink)
    assert 'name="test-to"' in web.get("/settings/mail/").content.decode()


@pytest.mark.parametrize("who", ["web_member", "web_reader"])
def test_a_member_or_reader_sees_the_server_without_its_password_or_forms(request, org, sink, who):
    use(org, sink, username="lotus", password=SECRET)
    http = request.getfixturevalue(who)
    page = http.get("/settings/mail/").content.decode()
    assert forms_in(page) == 0
    assert "stored (never shown)" in page and SECRET not in page
    assert http.post("/settings/mail/", settings(password="x")).status_code == 403
    assert http.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"}).status_code == 403
    assert sink.files() == []
    assert MailServer.objects.get(organization=org).password == SECRET


def test_another_organizations_server_is_neither_shown_nor_used(web, org, other_org, sink):
    mail_server_set(
        organization=other_org,
        host=sink.host,
        port=sink.port,
        security="none",
        from_address="accounts@other.example",
    )
    page = web.get("/settings/mail/").content.decode()
    assert "accounts@other.example" not in page and f'value="{sink.port}"' not in page
    response = web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"})
    assert response.status_code == 422 and sink.files() == []


def test_ssl_against_a_plain_server_is_said_to_be_a_failed_secure_connection(web, org, sink):
    use(org, sink)
    MailServer.objects.filter(organization=org).update(security="ssl")
    page = main_of(web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"}).content.decode())
    assert "The secure connection failed: check the security" in page
    assert sink.files() == []


def test_starttls_with_a_server_that_does_not_offer_it_is_said_so(web, org, sink):
    use(org, sink)
    MailServer.objects.filter(organization=org).update(security="starttls")
    page = main_of(web.post("/settings/mail/test/", {"test-to": "lan@lotus.vn"}).content.decode())
    assert "The server does not offer what the settings ask" in page
    assert sink.files() == []
