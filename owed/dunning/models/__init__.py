"""What the collections engine stores.

- `Policy` and `PolicyStep`: an organization's ladders (without one stored, the standard
  ladder applies); `ClientPolicy` gives a client another one.
- `Run` and `Action`: every daily run and the outbox of what it decided, each action under
  a unique key so that nothing is ever recorded twice; `ActionLine` lists the invoices an
  action is about; `ActionReview` holds a user's edit and approval of a planned message.
- `Promise`, `Plan` and `Instalment`, `Dispute`, `Snooze`: what was agreed or asked.
- `Hold` (credit hold, per client) and `WorkStop` (per contract).
- `Interaction`: the log of every message, letter, call, note and portal event.
"""

from owed.dunning.models.actions import Action, ActionLine, Run
from owed.dunning.models.agreements import Dispute, Instalment, Plan, Promise, Snooze
from owed.dunning.models.holds import Hold, WorkStop
from owed.dunning.models.interactions import Interaction
from owed.dunning.models.policies import ClientPolicy, Policy, PolicyStep
from owed.dunning.models.reviews import ActionReview

__all__ = [
    "Action",
    "ActionLine",
    "ActionReview",
    "ClientPolicy",
    "Dispute",
    "Hold",
    "Instalment",
    "Interaction",
    "Plan",
    "Policy",
    "PolicyStep",
    "Promise",
    "Run",
    "Snooze",
    "WorkStop",
]
