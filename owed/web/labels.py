"""Words for codes the back office shows: steps, aging buckets, risk reasons.

The step names live in `owed.dunning.labels` (letters and the claim file use them too).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from owed.dunning.labels import STEPS, step_label
from owed.web.risk import Reason

__all__ = ["BUCKETS", "RISK_REASONS", "STEPS", "step_label"]

BUCKETS = {
    "current": _("Not yet due"),
    "1_30": _("1-30 days late"),
    "31_60": _("31-60 days late"),
    "61_90": _("61-90 days late"),
    "90_plus": _("Over 90 days late"),
}

RISK_REASONS = {
    Reason.AVERAGE_LATE: _("pays late on average"),
    Reason.BROKEN: _("broken promises or payment plans"),
    Reason.OVERDUE_NOW: _("an invoice is overdue now"),
    Reason.ON_TIME: _("pays on time"),
    Reason.NO_HISTORY: _("no invoice paid or due yet"),
}
