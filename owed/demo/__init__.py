"""The demo organization: a small design and software studio in Ho Chi Minh City.

`build_demo` replaces any earlier demo organization with a fresh one holding about 40
clients in Vietnam, Iran, Thailand, the UK, the US and Germany, about 25 contracts with
payment schedules and late-payment terms, and about 400 invoices in every state, dated
relative to `today`. The data is made up but realistic (names in each language's own
script, tax ids with valid check digits, local phone formats, amounts that look like real
prices in each currency) and is the same for the same `seed` and `today`.

E-mail addresses use the reserved `.example` top-level domain and UK and US phone numbers
the ranges kept for fiction, so nothing in the demo can reach a real person.

Everything is written with `bulk_create` in one transaction: the whole build takes a few
dozen queries and well under five seconds on SQLite. Then today's collection messages are
composed and delivered to owed's local mail sink, and the .eml files and PDF letters kept
in the data folder (`owed.demo.mail`).
"""

from owed.demo.build import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME, build_demo

__all__ = ["DEMO_PASSWORD", "DEMO_SLUG", "DEMO_USERNAME", "build_demo"]
