"""A local mail server that keeps every message it accepts as a .eml file (aiosmtpd).

For trying owed without a real mail server (`owed mail-sink --port 8025 --dir mail/`), and
for the tests, which send to it over loopback and read the files. A file is written whole
(to a temporary name, then renamed) before the server answers 250, so a file is there for
every message the server accepted, and no file is ever a partial message.

With faults on (the default), a recipient's local part makes the server misbehave:

    fail421   421 at RCPT: service not available (the client closes the connection)
    fail451   451 at RCPT: greylisted, try again later
    fail550   550 at RCPT: no such mailbox
    fail554   554 after DATA: message refused
    drop      the connection is dropped half-way through the message (nothing is kept)
    slow      the message is kept, then the answer 250 waits `slow_seconds`

A server that is down is simply a port where nothing listens. No Django here: the sink
starts fast and runs anywhere Python and aiosmtpd do.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.message
import email.policy
import itertools
import os
import select
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

RCPT_FAULTS = {
    "fail421": "421 4.3.2 Service not available, closing transmission channel",
    "fail451": "451 4.7.1 Greylisted, please try again later",
    "fail550": "550 5.1.1 Mailbox unavailable: no such user here",
}
DATA_FAULTS = {"fail554": "554 5.7.1 Message refused"}
FAULTS = (*RCPT_FAULTS, *DATA_FAULTS, "drop", "slow")


def _local_part(address: str) -> str:
    return address.rpartition("@")[0].lower().strip("<")


class _Handler:
    """Keeps accepted messages in `directory` and plays the faults."""

    def __init__(self, directory: Path, *, faults: bool, slow_seconds: float, delay: float) -> None:
        self.directory = directory
        self.faults = faults
        self.slow_seconds = slow_seconds
        self.delay = delay
        self._numbers = itertools.count(1)

    def fault(self, envelope: Envelope) -> str:
        if not self.faults:
            return ""
        for rcpt in envelope.rcpt_tos:
            if _local_part(rcpt) in FAULTS:
                return _local_part(rcpt)
        return ""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.faults and _local_part(address) in RCPT_FAULTS:
            return RCPT_FAULTS[_local_part(address)]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self.fault(envelope)
        if fault in DATA_FAULTS:
            return DATA_FAULTS[fault]
        if self.delay:
            await asyncio.sleep(self.delay)
        name = self._keep(envelope)
        if fault == "slow":
            await asyncio.sleep(self.slow_seconds)
        return f"250 2.0.0 OK: kept as {name}"

    def _keep(self, envelope: Envelope) -> str:
        # The envelope goes first, as X- headers (as aiosmtpd's own Message handler does):
        # Bcc recipients appear nowhere else.
        head = f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n"
        name = f"{time.time_ns()}-{next(self._numbers):06d}.eml"
        partial = self.directory / f".{name}.part"
        with open(partial, "wb") as file:
            file.write(head.encode("utf-8") + envelope.original_content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, self.directory / name)
        return name


class _SinkSMTP(SMTP):
    async def smtp_DATA(self, arg: str) -> None:
        handler: _Handler = self.event_handler
        if self.envelope is not None and handler.fault(self.envelope) == "drop":
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")  # the first line of the message, then
            self.transport.close()  # the line goes dead
            return
        await super().smtp_DATA(arg)


def _authenticator(username: str, password: str) -> Callable:
    def check(server, session, envelope, mechanism, data) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (
            data.login.decode() == username and data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return check


async def _serve(
    handler: _Handler,
    *,
    host: str,
    port: int,
    username: str | None,
    password: str | None,
    ready: Callable[[int], None],
) -> None:
    auth: dict = {}
    if username:
        auth = {
            "auth_required": True,
            "auth_require_tls": False,
            "authenticator": _authenticator(username, password or ""),
        }

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()

    def protocol() -> SMTP:
        session = _SinkSMTP(
            handler,
            hostname="owed-mail-sink",
            decode_data=False,
            enable_SMTPUTF8=True,
            data_size_limit=50 * 1024 * 1024,
            **auth,
        )
        sessions.add(session)
        return session

    server = await loop.create_server(protocol, host=host, port=port)
    ready(server.sockets[0].getsockname()[1])
    await stop.wait()
    # Stop at once: no waiting for clients to say QUIT. A message not yet kept is lost
    # whole (its client never got 250), never kept in part.
    server.close()
    for session in list(sessions):
        if session.transport is not None:
            session.transport.abort()


def serve(
    directory: Path,
    *,
    port: int = 8025,
    host: str = "127.0.0.1",
    faults: bool = True,
    slow_seconds: float = 60.0,
    delay: float = 0.0,
    username: str | None = None,
    password: str | None = None,
    ready: Callable[[int], None] = lambda port: None,
) -> None:
    """Run the sink until interrupted; `ready` is called with the port once it listens."""
    directory.mkdir(parents=True, exist_ok=True)
    handler = _Handler(directory, faults=faults, slow_seconds=slow_seconds, delay=delay)
    asyncio.run(
        _serve(handler, host=host, port=port, username=username, password=password, ready=ready)
    )


def read_messages(directory: Path) -> list[email.message.EmailMessage]:
    """The messages kept in `directory`, in the order they arrived, with their lines
    ending in LF as a local mailbox keeps them (the files keep the CRLF of the wire)."""
    return [
        email.message_from_bytes(
            path.read_bytes().replace(b"\r\n", b"\n"), policy=email.policy.default
        )
        for path in sorted(directory.glob("*.eml"))
    ]


class Sink:
    """The sink in a subprocess, for tests and demos::

    with Sink(tmp_path / "mail") as sink:   # a free port on 127.0.0.1
        ... send to sink.host, sink.port ...
        sink.wait_for(1)
    """

    def __init__(
        self,
        directory: Path,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        faults: bool = True,
        slow_seconds: float = 60.0,
        delay: float = 0.0,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.host = host
        self.port = port
        self._args = [f"--slow-seconds={slow_seconds}", f"--delay={delay}"]
        if not faults:
            self._args.append("--no-faults")
        if username:
            self._args += ["--user", username]
        self._password = password or ""
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Sink:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 30.0) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        environment = {**os.environ, "OWED_SINK_PASSWORD": self._password}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "owed.mail.sink",
                "--host",
                self.host,
                "--port",
                str(self.port),
                "--dir",
                str(self.directory),
                *self._args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        line = ""
        if select.select([self.process.stdout], [], [], timeout)[0]:
            line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"the mail sink did not start: {line}{self._stderr()}")
        self.port = int(line.rsplit(":", 1)[1])

    def _stderr(self) -> str:
        if self.process is None or self.process.poll() is None:
            return ""
        return self.process.stderr.read()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        process.stdout.close()
        process.stderr.close()

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def messages(self) -> list[email.message.EmailMessage]:
        return read_messages(self.directory)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[email.message.EmailMessage]:
        """The messages kept, once there are at least `count` (`AssertionError` on timeout)."""
        deadline = time.monotonic() + timeout
        while len(self.files()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the sink kept {len(self.files())} messages in {timeout} s, not {count}"
                )
            time.sleep(0.02)
        return self.messages()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="owed's local mail sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--no-faults", dest="faults", action="store_false")
    parser.add_argument("--slow-seconds", type=float, default=60.0)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument(
        "--user", default=None, help="require this login (password: $OWED_SINK_PASSWORD)"
    )
    options = parser.parse_args(argv)

    def ready(port: int) -> None:
        print(f"listening on {options.host}:{port}", flush=True)

    serve(
        options.dir,
        port=options.port,
        host=options.host,
        faults=options.faults,
        slow_seconds=options.slow_seconds,
        delay=options.delay,
        username=options.user,
        password=os.environ.get("OWED_SINK_PASSWORD", ""),
        ready=ready,
    )


if __name__ == "__main__":
    main()
