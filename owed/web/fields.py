"""Form fields of the back office and the portal that read what a user types in the user's
own way: a date in the user's calendar (`LocalDateField`).

The reading itself is `owed.core.dateinput`; here it meets Django: the active language
picks the calendar, the organization's today (the active time zone's) is the example.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from django import forms
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from owed.core import dateinput
from owed.core.localize import FSI, PDI, LanguageError, check_language, format_date

NATIVE_PICKER: Final = frozenset({"en", "vi"})
"""Languages whose date field is the browser's own picker (``type="date"``): both write
Gregorian dates, which the browser shows in its own format and sends as ISO. Persian and
Thai get a text field in their calendar, which no browser's picker knows."""


def active_language() -> str:
    try:
        return check_language(translation.get_language() or "en")
    except LanguageError:
        return "en"


def today() -> date:
    """The active time zone's today: the organization's, on a back-office or portal page."""
    return timezone.localdate()


def date_hint(language: str, day: date) -> str:
    """What a text date field of `language` expects, with `day` written that way; empty for
    the languages with the browser's picker (it shows its own)."""
    if language in NATIVE_PICKER:
        return ""
    example = dateinput.format_input(day, language)
    calendar = dateinput.calendar(language)
    if calendar == "solar_hijri":
        return _("Solar Hijri year/month/day; today is %(today)s.") % {"today": example}
    if calendar == "buddhist":
        return _("Day/month/year of the Buddhist era; today is %(today)s.") % {"today": example}
    return ""


class LocalDateInput(forms.widgets.Input):
    """A date in the active language's calendar and digits: the browser's picker in
    English and Vietnamese, a text field with an example in Persian and Thai.

    A text field is left to right whatever the page's direction (a Persian date is written
    year/month/day from left to right, like any number), asks a phone for its keypad of
    digits and a separator, and shows today's date as the example. ``min`` and ``max``
    (ISO) are kept for the picker only.
    """

    input_type = "text"
    template_name = "django/forms/widgets/input.html"

    def format_value(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            language = active_language()
            if language in NATIVE_PICKER:
                return value.isoformat()
            return dateinput.format_input(value, language)
        return str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        language = active_language()
        if language in NATIVE_PICKER:
            widget["type"] = "date"
            return context
        widget["type"] = "text"
        shown = dict(widget["attrs"])
        for bound in ("min", "max"):
            shown.pop(bound, None)
        shown.setdefault("placeholder", dateinput.format_input(today(), language))
        shown.setdefault("inputmode", "decimal")
        shown.setdefault("dir", "ltr")
        shown.setdefault("autocomplete", "off")
        shown.setdefault("spellcheck", "false")
        shown["class"] = " ".join(filter(None, [shown.get("class", ""), "date-text"]))
        widget["attrs"] = shown
        return context


class LocalDateField(forms.Field):
    """A day typed in the active language's calendar (`owed.core.dateinput.parse_date`);
    `cleaned_data` holds a `datetime.date` (None when left empty and not required).

    Its help text starts with what the field expects and today's date written that way
    (Persian and Thai), followed by the help text given.
    """

    widget = LocalDateInput

    def __init__(self, *, help_text: str = "", **kwargs) -> None:
        self.extra_help = help_text
        super().__init__(help_text=_lazy_help(self), **kwargs)

    def to_python(self, value) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        language = active_language()
        try:
            return dateinput.parse_date(str(value), language)
        except dateinput.DateInputError as problem:
            raise forms.ValidationError(_message(problem, language), code=problem.problem) from None

    def help(self) -> str:
        parts = [date_hint(active_language(), today()), str(self.extra_help or "")]
        return " ".join(part for part in parts if part)


def _help_of(field: LocalDateField) -> str:
    return field.help()


_lazy_help = lazy(_help_of, str)


def _message(problem: dateinput.DateInputError, language: str) -> str:
    text = problem.text
    if language == "fa":
        text = f"{FSI}{text}{PDI}"  # Latin typed into a Persian sentence stays whole
    example = dateinput.format_input(today(), language)
    if problem.problem == "unreadable":
        return _("Not a date: “%(text)s”. Write it like today’s date: %(example)s.") % {
            "text": text,
            "example": example,
        }
    if problem.problem == "no_such_day":
        return _("There is no such day: “%(text)s”. Write it like today’s date: %(example)s.") % {
            "text": text,
            "example": example,
        }
    return _("Choose a day between %(first)s and %(last)s.") % {
        "first": format_date(dateinput.FIRST, language),
        "last": format_date(dateinput.LAST, language),
    }
