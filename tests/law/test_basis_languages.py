"""Every basis, warning and reason sentence of the money rules is translated into vi, fa and th,
keeps its placeholders, and (Persian) uses Persian punctuation."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from owed.core import basis, claims

TEMPLATES = sorted(
    {
        text
        for module in (basis, claims)
        for name, value in vars(module).items()
        if re.fullmatch(r"_[TCR]_[A-Z_]+", name)
        # A template, or templates by key (the missing rate of each table).
        for text in ([value] if isinstance(value, str) else getattr(value, "values", list)())
        if isinstance(text, str)
    }
)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 35


@pytest.mark.parametrize("language", ["vi", "fa", "th"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_is_translated_with_the_same_placeholders(template, language):
    with translation.override(language):
        translated = translation.gettext(template)
    assert translated != template, f"not translated into {language}: {template}"
    assert set(re.findall(r"{(\w+)}", translated)) == set(re.findall(r"{(\w+)}", template))
    if language == "fa":
        assert not re.search(r"[,;?]", translated), translated
