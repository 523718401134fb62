"""Who decides which chunk of a big run (`owed.dunning.aside`): the run's process takes a
chunk from the end only while the second process would still have at least as much to do
as the run's process, which writes every chunk."""

from __future__ import annotations

import time

from owed.dunning.aside import Aside, Pace

# Ten chunks of 10,000 due invoices; the second process began chunk 3.
SIZES = [10_000] * 10
STARTED = 3


def pace(decide: float, write: float) -> Pace:
    """A pace measured on one chunk decided and one written, in seconds per invoice."""
    measured = Pace()
    measured.decide, measured.write = decide, write
    return measured


def test_before_anything_is_timed_the_run_takes_a_chunk():
    assert Aside.worth_taking(SIZES, set(range(1, 10)), STARTED, 9, Pace())


def test_when_deciding_costs_far_more_than_writing_the_run_takes_the_last_chunk():
    # Left to write: chunks 3-9 (7 × 10,000 × 5 µs = 0.35 s), plus deciding chunk 9
    # (0.3 s); the second process still has chunks 4-8 to decide (1.5 s).
    assert Aside.worth_taking(SIZES, set(range(3, 10)), STARTED, 9, pace(30e-6, 5e-6))


def test_when_writing_is_the_longer_part_the_run_waits_for_the_second_process():
    # Left to write: 7 chunks at 25 µs an invoice (1.75 s) plus deciding one (0.3 s): more
    # than the 1.5 s the second process has left.
    assert not Aside.worth_taking(SIZES, set(range(3, 10)), STARTED, 9, pace(30e-6, 25e-6))


def test_near_the_meeting_point_the_run_leaves_the_last_chunks_to_the_second_process():
    # Only chunk 4 is left between the second process's chunk and chunk 5.
    assert not Aside.worth_taking(SIZES, {3, 4, 5}, STARTED, 5, pace(30e-6, 5e-6))


def test_the_pace_is_the_time_spent_per_invoice():
    measured = Pace()
    assert not measured.known()
    with measured.deciding(1000):
        time.sleep(0.02)
    with measured.writing(2000):
        time.sleep(0.02)
    assert measured.known()
    assert 0.02 / 1000 <= measured.decide < 0.2 / 1000
    assert 0.02 / 2000 <= measured.write < 0.2 / 2000
