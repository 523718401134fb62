"""An organization's own words for a collection step, in place of the texts owed ships.

How clients pay is not kept here: documents print the ledger's payment accounts
(`owed.ledger.models.PaymentAccount`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from owed.documents import texts
from owed.ledger.models import Language, Organization


class StepTemplate(models.Model):
    """The subject, message and letter an organization writes for one step in one language.

    The texts use the placeholders of `owed.documents.texts.PLACEHOLDERS`; `clean()`
    refuses any other, naming it, before the template is saved.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="step_templates",
        verbose_name=_("organization"),
    )
    step = models.CharField(_("step"), max_length=40)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject line"), max_length=300)
    body = models.TextField(_("text"))
    letter_body = models.TextField(_("letter text"), blank=True)

    class Meta:
        verbose_name = _("step template")
        verbose_name_plural = _("step templates")
        ordering = ["organization", "step", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "step", "language"],
                name="step_template_unique",
                violation_error_message=_(
                    "The organization already has a text for this step in this language."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.step} ({self.language})"

    def clean(self) -> None:
        self.step = (self.step or "").strip()
        self.subject = " ".join((self.subject or "").split())
        errors: dict[str, list[str]] = {}
        known_steps = self.known_steps()
        if self.step and self.step not in known_steps:
            errors["step"] = [
                gettext("Unknown step “%(step)s”. The steps are: %(steps)s.")
                % {"step": self.step, "steps": ", ".join(known_steps)}
            ]
        for field in ("subject", "body", "letter_body"):
            problems = text_problems(getattr(self, field) or "")
            if problems:
                errors[field] = problems
        if errors:
            raise ValidationError(errors)

    def known_steps(self) -> list[str]:
        """The steps owed has texts for, then the organization's own policy steps."""
        from owed.dunning.models import PolicyStep

        steps = list(texts.KEYS)
        if self.organization_id:
            own = PolicyStep.objects.filter(policy__organization_id=self.organization_id)
            steps += sorted(set(own.values_list("code", flat=True)) - set(steps))
        return steps


def text_problems(text: str) -> list[str]:
    """What is wrong with a text's placeholders, as messages in the active language."""
    problems = []
    known = ", ".join(f"{{{name}}}" for name in texts.PLACEHOLDERS)
    for name in texts.unknown_placeholders(text):
        problems.append(
            gettext("Unknown placeholder {%(name)s}. The placeholders are: %(known)s.")
            % {"name": name, "known": known}
        )
    if texts.stray_braces(text):
        problems.append(
            gettext("A brace opens or closes no placeholder; write {{ or }} for a brace itself.")
        )
    return problems
