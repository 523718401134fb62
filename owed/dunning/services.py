"""What a user records about collections: promises, disputes, plans, snoozes, calls, policies.

Every service logs what happened as an `Interaction`, and sets the invoices it touches to
be looked at by the next run (`next_step_on` empty), so the ladder is planned again from
the new facts. The CLI, the admin, the web pages and the API all call these.

They live by topic: `owed.dunning.agreements` (promises, disputes, plans, snoozes),
`owed.dunning.calls` (calls, replies, notes), `owed.dunning.policies` (escalation
policies) and `owed.dunning.records` (what they share); this module names them all in
one place, as callers have always imported them.
"""

from __future__ import annotations

from owed.dunning.agreements import (
    MAX_INSTALMENTS,
    dispute_open,
    dispute_resolve,
    plan_create,
    promise_record,
    snooze_create,
)
from owed.dunning.calls import call_log, note_log, reply_log
from owed.dunning.policies import (
    policy_assign,
    policy_current,
    policy_from_data,
    policy_save,
    policy_segment,
    policy_to_data,
    segment_from_data,
)
from owed.dunning.records import (
    VIA,
    client_find,
    invoice_find,
    next_business,
    overdue_invoices,
    replan,
)

__all__ = [
    "MAX_INSTALMENTS",
    "VIA",
    "call_log",
    "client_find",
    "dispute_open",
    "dispute_resolve",
    "invoice_find",
    "next_business",
    "note_log",
    "overdue_invoices",
    "plan_create",
    "policy_assign",
    "policy_current",
    "policy_from_data",
    "policy_save",
    "policy_segment",
    "policy_to_data",
    "promise_record",
    "replan",
    "reply_log",
    "segment_from_data",
    "snooze_create",
]
