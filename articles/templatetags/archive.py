"""Template helpers for the public pages: fixed routes, French dates and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..links import route_url

register = template.Library()

# Like django.utils.html.json_script: inside <script>, "</script>" or "<!--" in a title must not
# end or confuse the element, so <, > and & are written as JSON escapes.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.simple_tag
def route(name):
    """``{% url name %}`` for a route without arguments, reversed once (``links.route_url``)."""
    return route_url(name)


@register.filter
def french_date(value):
    """ "1er novembre 2026", "26 novembre 2026" (site time zone)."""
    if not value:
        return ""
    value = _local(value)
    day = "1er" if value.day == 1 else str(value.day)
    # MONTHS is what dateformat's "F" reads, without parsing a format (a list of results has
    # dozens of dates).
    return f"{day} {MONTHS[value.month]} {value.year}"


@register.filter
def french_datetime(value):
    """ "26 novembre 2026 à 14 h 05"."""
    if not value:
        return ""
    value = _local(value)
    return f"{french_date(value)} à {value.hour} h {value.minute:02d}"


@register.filter
def month_name(value):
    """ "novembre 2026" for a date (a company's chart names up to 240 months: no date format parsed)."""
    return f"{MONTHS[value.month]} {value.year}" if value else ""


@register.filter
def json_ld(data):
    """A ``<script type="application/ld+json">`` element holding ``data``, safely escaped."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))
