"""The documents app's words are in the vi, fa and th catalogues: its model texts, and every
label and sentence an invoice or letter prints. (The step texts are files per language,
see test_texts.py.)"""

from __future__ import annotations

import gettext
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.functional import Promise

from owed.documents import services
from owed.ledger.models import Language

LANGUAGES = ["vi", "fa", "th"]

# Labels that are the same words in every language.
SAME_EVERYWHERE = {"IBAN", "BIC"}


def _catalog(language: str) -> dict:
    path = f"{settings.LOCALE_PATHS[0]}/{language}/LC_MESSAGES/django.mo"
    with open(path, "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def _model_texts():
    config = apps.get_app_config("documents")
    yield "app name", config.verbose_name
    for model in config.get_models():
        meta = model._meta
        yield f"{model.__name__} name", meta.verbose_name
        yield f"{model.__name__} plural name", meta.verbose_name_plural
        for field in meta.get_fields():
            if field.auto_created or not field.concrete:
                continue
            yield f"{model.__name__}.{field.name}", field.verbose_name
            if field.help_text:
                yield f"{model.__name__}.{field.name} help", field.help_text
            if field.choices == Language.choices:
                continue  # each language is named in itself, never translated
            for value, label in field.choices or ():
                yield f"{model.__name__}.{field.name}={value}", label
        for constraint in meta.constraints:
            yield constraint.name, constraint.violation_error_message


def test_every_model_text_is_translatable_and_in_the_catalogues():
    catalogs = {language: _catalog(language) for language in LANGUAGES}
    for where, text in _model_texts():
        assert isinstance(text, Promise), f"{where} is not marked for translation"
        with translation.override(None):
            msgid = str(text)
        for language, catalog in catalogs.items():
            assert msgid in catalog, f"{where}: {msgid!r} is not in the {language} catalogue"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_of_invoices_and_letters_is_translated(language):
    with translation.override("en"):
        english = services._invoice_labels() | services._letter_labels()
    with translation.override(language):
        translated = services._invoice_labels() | services._letter_labels()

    for key, text in translated.items():
        if english[key] in SAME_EVERYWHERE:
            continue
        assert text != english[key], f"{key}: {text!r} is still English in {language}"
    assert "{page}" in translated["page"] and "{pages}" in translated["page"]


@pytest.mark.django_db
def test_the_migrations_match_the_model():
    out = StringIO()
    call_command("makemigrations", "documents", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
