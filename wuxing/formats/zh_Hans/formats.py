"""Simplified Chinese formats with ISO dates first: a date input's value must be YYYY-MM-DD (the only form a
browser's date picker reads); Django's own zh_Hans formats put YYYY/MM/DD first, which a date input shows blank."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 - the rest of the locale's formats, unchanged

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%n月%j日"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%n月%j日 %H:%M",
]
