"""An organization's own step texts in the admin, scoped to the user's organizations like
the ledger, with a preview of the saved text filled in for one of the organization's
real invoices."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from owed.documents.models import StepTemplate
from owed.ledger.admin import ScopedAdmin


@admin.register(StepTemplate)
class StepTemplateAdmin(ScopedAdmin):
    list_display = ["step", "language", "subject", "organization"]
    list_filter = ["language", "step", "organization"]
    search_fields = ["step", "subject", "body"]
    fields = ["organization", "step", "language", "subject", "body", "letter_body", "preview"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj: StepTemplate) -> str:
        """The saved text filled in for the most overdue open invoice of a client writing in
        its language (else the organization's most overdue)."""
        from owed.documents.compose import preview_step
        from owed.documents.own_texts import preview_invoice_in
        from owed.documents.texts import Wording

        if obj is None or obj.pk is None:
            return gettext("Save the text to see it filled in for one of your invoices.")
        invoice = preview_invoice_in(obj.organization, obj.language)
        if invoice is None:
            return gettext("The preview needs an invoice: add one first.")
        wording = Wording(obj.subject, obj.body, obj.letter_body, source="organization")
        try:
            composed = preview_step(
                obj.step, invoice=invoice, language=obj.language, wording=wording
            )
        except Exception as exc:  # a preview must never break the page it is on
            return gettext("No preview: %(reason)s") % {"reason": exc}
        parts = [
            (gettext("Invoice"), invoice.number),
            (pgettext("e-mail", "Subject"), composed.subject),
        ]
        head = format_html_join("", "<p><strong>{}:</strong> {}</p>", parts)
        letter = ""
        if composed.letter_text:
            letter = format_html(
                '<p><strong>{}</strong></p><pre style="{}">{}</pre>',
                gettext("Letter"),
                _PRE,
                composed.letter_text,
            )
        return format_html(
            '{}<pre dir="{}" style="{}">{}</pre>{}',
            head,
            "rtl" if obj.language == "fa" else "ltr",
            _PRE,
            composed.text,
            letter,
        )


_PRE = "white-space: pre-wrap; font-family: inherit; max-width: 46em; unicode-bidi: plaintext"
