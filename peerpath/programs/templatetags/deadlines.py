"""`{{ cohort.application_deadline|deadline:organization }}`: a deadline as people say it.

A deadline set as a day is stored as the end of that day in the school's time zone and shown as the date
alone ("Dec. 25, 2026"); a deadline with a chosen time shows the time too, in the school's time zone.
"""

import datetime
import zoneinfo
from typing import Any

from django import template
from django.utils import formats

register = template.Library()

END_OF_DAY = (23, 59)


@register.filter
def deadline(value: datetime.datetime | None, organization: Any = None) -> str:
    if not value:
        return ""
    try:
        zone = zoneinfo.ZoneInfo(getattr(organization, "timezone", organization) or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = value.astimezone(zone)
    if (local.hour, local.minute) == END_OF_DAY:
        return formats.date_format(local, "DATE_FORMAT")
    return formats.date_format(local, "DATETIME_FORMAT")
