"""Today and `owed run` count the day's actions the same way: the actions to do (planned,
their time come by the end of the day, earlier days' included), and what became of the
others the day's run decided (sent, merged into others, skipped...)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from owed.dunning.models import Action
from owed.dunning.workload import DayCounts, day_counts, planned_up_to
from tests.dunning.books import Books

pytestmark = pytest.mark.django_db

LINE = re.compile(r"(\d+) actions? to do today(?: \(([^)]*)\))?\.")


def _numbers(line: str) -> tuple[int, dict[str, int]]:
    to_do, others = LINE.search(line).groups()
    found = {}
    for part in (others or "").split(", "):
        if part:
            n, _, what = part.partition(" ")
            found[what] = int(n)
    return int(to_do), found


def _heading(html: str) -> str:
    return html.split('class="lede day-counts">', 1)[1].split("</p>", 1)[0]


@pytest.fixture
def a_day_with_leftovers(org, own_run_lock_folder):
    """A reminder a run planned a week or more back and nobody sent; today, a client with two
    invoices long overdue: the run catches up (the earlier steps skipped) and writes one
    action for both (the other merged into it)."""
    ledger = Books(org)
    today = org.today()
    # A Wednesday at least a week back: a working day for a British business.
    back = today - timedelta(days=7 + (today.weekday() - 2) % 7)
    ledger.invoice(ledger.client("EARLY", "GB"), "EARLY-1", back - timedelta(days=1), 500)
    ledger.run(back)
    late = ledger.client("LATE", "VN")
    ledger.invoice(late, "LATE-1", today - timedelta(days=25), 2_000_000)
    ledger.invoice(late, "LATE-2", today - timedelta(days=25), 3_000_000)
    return ledger


def test_owed_run_and_today_say_the_same_numbers(a_day_with_leftovers, owed, web, org):
    result = owed("run")
    page = web.get("/").content.decode()

    assert result.code == 0, result.stderr
    said = LINE.search(result.stdout).group(0)
    assert _heading(page) == said
    to_do, others = _numbers(said)
    today = org.today()
    assert to_do == len(re.findall(r'id="action-\d+"', page))
    assert to_do == planned_up_to(organization=org, day=today).count()
    assert to_do >= 1  # the reminder left over from the earlier run at least
    assert others["merged into others"] >= 1 and others["skipped"] >= 1
    decided = Action.objects.filter(organization=org, decided_on=today)
    assert others["merged into others"] == decided.filter(status="merged").count()
    assert others["skipped"] == decided.filter(status="skipped").count()


def test_a_dry_run_counts_what_it_would_record(a_day_with_leftovers, owed, org):
    dry = owed("run", "--dry-run")
    real = owed("run")

    said = LINE.search(real.stdout).group(0)
    assert f"If recorded: {said}" in dry.stdout


def test_the_heading_says_it_in_the_readers_language(a_day_with_leftovers, owed, web):
    owed("run")
    web.post("/language/", {"language": "fa"})

    heading = _heading(web.get("/").content.decode())

    assert not re.search(r"[0-9]", heading)  # Persian digits
    assert re.search("[\u06f1-\u06f9]", heading)
    assert "، " in heading or "(" not in heading


def test_the_day_counts_read_as_the_cli_prints_them():
    day = date(2026, 11, 23)
    counts = DayCounts(day=day, to_do=28, sent=17, merged=15, skipped=1)

    assert counts.english(today=day) == (
        "28 actions to do today (17 sent, 15 merged into others, 1 skipped)"
    )
    assert DayCounts(day=day, to_do=1).english(today=day + timedelta(days=1)) == (
        "1 action to do on 2026-11-23"
    )
    assert counts.others() == [("sent", 17), ("merged", 15), ("skipped", 1)]


def test_actions_planned_for_later_are_not_to_do_today(books, org):
    Action.objects.filter(pk=books.call.pk).update(
        scheduled_for=books.call.scheduled_for + timedelta(days=2)
    )

    counts = day_counts(organization=org, day=org.today())

    assert counts.to_do == 1  # the reminder
    assert counts.others() == []


def test_the_demo_says_its_day_as_today_counts_it(owed, own_run_lock_folder):
    from owed.ledger.models import Organization

    result = owed("demo", "--no-serve", "--date", "2026-11-19")

    assert result.code == 0, result.stderr
    demo = Organization.objects.get(slug="demo")
    counts = day_counts(organization=demo, day=date(2026, 11, 19))
    assert counts.to_do > 0 and counts.merged > 0
    said = counts.english(today=demo.today())
    assert f"Collections (2026-11-19): {said}." in result.stdout
    assert "What the run decided on 2026-11-19, by step" in result.stdout
