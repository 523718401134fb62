"""Made-up people for the demo: names, e-mail spellings, phone numbers, tax ids, contacts.

Names are written in each language's own script with a Latin spelling for e-mail addresses;
phone numbers follow local formats (UK and US ones in the ranges kept for fiction); tax ids
carry valid check digits and are stored compact, as owed stores them.
"""

from __future__ import annotations

import random
import unicodedata

from stdnum.gb import vat as gb_vat
from stdnum.iso7064 import mod_11_10
from stdnum.th import pin as th_pin
from stdnum.us import ein as us_ein
from stdnum.vn import mst as vn_mst

from owed.core.identifiers import normalize_tax_id
from owed.demo.data import FAMILY, GIVEN, LATIN_PERSONS, VN_MIDDLE, ClientRow
from owed.demo.plan import ClientPlan, digits
from owed.ledger.models import Client, Contact


def _ascii(text: str) -> str:
    """Vietnamese (or any Latin) text without diacritics, lower case: `Đỗ` -> `do`."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _person(rng: random.Random, country: str) -> tuple[str, str, str]:
    """A name as written, and Latin given and family names for an e-mail address."""
    given, given_latin = rng.choice(GIVEN[country])
    family, family_latin = rng.choice(FAMILY[country])
    if country == "VN":
        return f"{family} {rng.choice(VN_MIDDLE)} {given}", _ascii(given), _ascii(family)
    return f"{given} {family}", given_latin, family_latin


def _split_name(name: str, country: str) -> tuple[str, str]:
    """Latin given and family names of a client who is a person, for an e-mail address."""
    words = name.split()
    if country == "VN":
        return _ascii(words[-1]), _ascii(words[0])
    for given, latin in GIVEN[country]:
        if words[0] == given:
            family = " ".join(words[1:])
            family_latin = dict(FAMILY[country]).get(family) or _ascii(family)
            return latin, family_latin.replace(" ", "")
    return _ascii(words[0]), _ascii(words[-1])


def _landline(rng: random.Random, country: str, area: str) -> str:
    if country == "VN":
        first = rng.choice("2356") if len(area) == 3 else "3"
        if len(area) == 3:
            return f"{area} {first}{digits(rng, 3)} {digits(rng, 4)}"
        return f"{area} {first}{digits(rng, 2)} {digits(rng, 4)}"
    if country == "IR":
        return f"{area} {rng.randint(2, 8)}{digits(rng, 3)} {digits(rng, 4)}"
    if country == "TH":
        if area == "02":
            return f"02 {rng.randint(1, 9)}{digits(rng, 2)} {digits(rng, 4)}"
        return f"{area} {rng.randint(2, 9)}{digits(rng, 2)} {digits(rng, 3)}"
    if country == "GB":
        if area == "020":
            return f"020 7946 0{digits(rng, 3)}"
        return f"{area} 496 0{digits(rng, 3)}"
    if country == "US":
        return f"{area} 555-01{digits(rng, 2)}"
    return f"{area} {rng.randint(2, 9)}{digits(rng, 6)}"


def _mobile(rng: random.Random, country: str, area: str) -> str:
    if country == "VN":
        prefix = rng.choice(("0903", "0908", "0912", "0938", "0977", "0988", "0862", "0704"))
        return f"{prefix} {digits(rng, 3)} {digits(rng, 3)}"
    if country == "IR":
        prefix = rng.choice(("0912", "0919", "0935", "0901", "0921", "0937"))
        return f"{prefix} {digits(rng, 3)} {digits(rng, 4)}"
    if country == "TH":
        prefix = rng.choice(("081", "086", "089", "092", "095", "061"))
        return f"{prefix} {digits(rng, 3)} {digits(rng, 4)}"
    if country == "GB":
        return f"07700 900{digits(rng, 3)}"
    if country == "US":
        return f"{area} 555-01{digits(rng, 2)}"
    return f"01{rng.choice(('51', '60', '70', '76'))} {digits(rng, 8)}"


def tax_id(rng: random.Random, row: ClientRow) -> str:
    """A tax id with a valid check digit, compact as owed stores it, or ""."""
    prefix = row.tax_prefix
    if not prefix:
        return ""
    if row.country == "VN":
        while True:
            body = prefix + digits(rng, 9 - len(prefix))
            check = vn_mst.calc_check_digit(body)
            if len(check) == 1 and body[2:9] != "0000000":
                number = body + check
                break
    elif row.country == "TH":
        body = prefix + digits(rng, 12 - len(prefix))
        number = body + th_pin.calc_check_digit(body)
    elif row.country == "GB":
        body = str(rng.randint(1, 9)) + digits(rng, 6)
        weighted = sum(w * int(d) for w, d in zip((8, 7, 6, 5, 4, 3, 2), body, strict=True))
        number = f"GB{body}{(-weighted) % 97:02d}"
        assert gb_vat.checksum(number[2:]) == 0
    elif row.country == "DE":
        body = str(rng.randint(1, 9)) + digits(rng, 7)
        number = "DE" + body + mod_11_10.calc_check_digit(body)
    elif row.country == "US":
        while True:
            number = f"{rng.randint(10, 99)}-{digits(rng, 7)}"
            if us_ein.is_valid(number):
                break
    else:
        return ""
    return normalize_tax_id(number, row.country)


def client_contacts(rng: random.Random, client: ClientPlan) -> list[dict]:
    """A client's contacts: the person, or a business's main, billing and perhaps legal contact."""
    row, country = client.row, client.country
    channel = rng.choice(country.channels)
    if row.kind == Client.Kind.INDIVIDUAL:
        given, family = LATIN_PERSONS.get(row.name) or _split_name(row.name, row.country)
        return [
            {
                "role": Contact.Role.MAIN,
                "name": row.name,
                "email": f"{given}.{family}@mail.example",
                "phone": _mobile(rng, row.country, row.area),
                "preferred_channel": channel,
            }
        ]
    domain = f"{row.key}.example"
    name, given, family = _person(rng, row.country)
    contacts = [
        {
            "role": Contact.Role.MAIN,
            "name": name,
            "email": f"{given}.{family}@{domain}",
            "phone": _mobile(rng, row.country, row.area),
            "preferred_channel": channel,
        }
    ]
    billing_name, _, _ = _person(rng, row.country)
    contacts.append(
        {
            "role": Contact.Role.BILLING,
            "name": billing_name if rng.random() < 0.7 else "",
            "email": f"{country.billing_mailbox}@{domain}",
            "phone": _landline(rng, row.country, row.area),
            "preferred_channel": Contact.Channel.EMAIL,
        }
    )
    if rng.random() < 0.35:
        legal_name, _, _ = _person(rng, row.country)
        contacts.append(
            {
                "role": Contact.Role.LEGAL,
                "name": legal_name,
                "email": f"{country.legal_mailbox}@{domain}",
                "phone": _landline(rng, row.country, row.area),
                "preferred_channel": rng.choice((Contact.Channel.EMAIL, Contact.Channel.LETTER)),
            }
        )
    return contacts
