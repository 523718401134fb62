"""Time zones of clients: a stated one, or their country's when it has only one."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import datetime

from babel.core import get_global


@functools.cache
def country_zone(country: str) -> str | None:
    """The IANA zone of `country` when its clocks all agree (VN, TH, IR, GB, DE...): the
    first one CLDR lists. None for a country that spans several (US, AU, BR...)."""
    zones = get_global("territory_zones").get((country or "").upper(), ())
    if not zones:
        return None
    samples = [datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12)]
    offsets = {
        tuple(moment.replace(tzinfo=zoneinfo.ZoneInfo(z)).utcoffset() for moment in samples)
        for z in zones
    }
    return zones[0] if len(offsets) == 1 else None


@functools.cache
def is_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return False
    return True
