"""How a run cuts its clients into chunks (one transaction each)."""

from __future__ import annotations

from owed.dunning import prepare


def test_a_chunk_closes_at_its_number_of_clients():
    due = {c: [c * 10] for c in range(1, 8)}

    assert prepare.bounds(sorted(due), due, 3) == [(0, 3), (3, 6), (6, 7)]


def test_a_chunk_closes_early_once_its_clients_have_many_due_invoices(monkeypatch):
    monkeypatch.setattr(prepare, "CHUNK_INVOICES", 5)
    # A first run: every invoice of a client is due (clients 1-3 have four each).
    due = {1: [1, 2, 3, 4], 2: [5, 6, 7, 8], 3: [9, 10, 11, 12], 4: [13]}

    cut = prepare.bounds(sorted(due), due, 100)

    assert cut == [(0, 2), (2, 4)]
    assert [c for start, end in cut for c in sorted(due)[start:end]] == [1, 2, 3, 4]


def test_no_clients_no_chunks():
    assert prepare.bounds([], {}, 10) == []
