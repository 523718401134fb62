"""An organization's own text for a step: checked before it is saved (an unknown
placeholder is named, with the list of known ones), and used in place of owed's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from owed.core.ladder import STANDARD, Channel, Policy, Step
from owed.documents import texts
from owed.documents.models import StepTemplate
from owed.dunning.services import policy_save

pytestmark = pytest.mark.django_db


def _template(org, **fields) -> StepTemplate:
    values = {
        "organization": org,
        "step": "reminder",
        "language": "en",
        "subject": "Invoice {invoice_numbers}",
        "body": "Dear {contact_name},\n\n{invoice_list}\n",
    }
    return StepTemplate(**(values | fields))


def test_a_text_with_known_placeholders_is_saved(org):
    template = _template(org, subject="  Invoice   {invoice_numbers} ")

    template.full_clean()
    template.save()

    assert template.subject == "Invoice {invoice_numbers}"


def test_an_unknown_placeholder_is_refused_by_name_with_the_known_ones(org):
    template = _template(org, body="Dear {contact_name},\nYou owe {amount_due}.")

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    [message] = refused.value.message_dict["body"]
    assert message.startswith("Unknown placeholder {amount_due}. The placeholders are: ")
    for name in texts.PLACEHOLDERS:
        assert f"{{{name}}}" in message
    assert not StepTemplate.objects.exists()


def test_every_field_is_checked_and_doubled_braces_are_no_placeholder(org):
    template = _template(org, letter_body="{nope}", subject="{{literal}} {bad}")

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert set(refused.value.message_dict) == {"letter_body", "subject"}
    assert "{bad}" in refused.value.message_dict["subject"][0]
    assert "{literal}" not in refused.value.message_dict["subject"][0]


def test_a_stray_brace_is_refused(org):
    with pytest.raises(ValidationError) as refused:
        _template(org, body="Dear {contact_name,").full_clean()

    assert refused.value.message_dict["body"] == [
        "A brace opens or closes no placeholder; write {{ or }} for a brace itself."
    ]


def test_an_unknown_step_is_refused_but_a_step_of_the_organization_s_policy_is_not(org):
    with pytest.raises(ValidationError) as refused:
        _template(org, step="second_reminder").full_clean()
    assert refused.value.message_dict["step"][0].startswith("Unknown step “second_reminder”.")

    steps = (*STANDARD.steps[:2], Step("second_reminder", 4, (Channel.EMAIL,)))
    policy_save(organization=org, policy=Policy(name="ours", steps=steps))
    _template(org, step="second_reminder").full_clean()


def test_one_text_per_step_and_language(org):
    _template(org).save()

    with pytest.raises(ValidationError):
        _template(org).full_clean()
    with pytest.raises(IntegrityError):
        _template(org).save()


def test_the_organization_s_text_replaces_the_default_and_keeps_its_letter(org, other_org):
    _template(org, step="formal_notice", subject="Ours {invoice_numbers}").save()

    ours = texts.wording_for(organization=org, key="formal_notice", language="en")
    theirs = texts.wording_for(organization=other_org, key="formal_notice", language="en")

    assert (ours.subject, ours.source) == ("Ours {invoice_numbers}", "organization")
    assert ours.letter_body == texts.default_wording("formal_notice", "en").letter_body
    assert theirs == texts.default_wording("formal_notice", "en")
    with pytest.raises(KeyError):
        texts.wording_for(organization=org, key="second_reminder", language="en")
