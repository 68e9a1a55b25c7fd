"""Dates and times as a person reads them in each locale: "Tue Dec 8", "2:05 PM EST"; "mar 8 dic", "14:05 EST".

Hand-written tables for the two locales rather than Babel: a dozen words each, and the page needs only
these shapes.
"""

from __future__ import annotations

from datetime import date, datetime

_DAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
         "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")}
_LONG_DAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
              "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")}
_MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
           "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic")}


class Formatter:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in _DAYS else "en"

    def day(self, value: date) -> str:
        d, m = _DAYS[self.lang][value.weekday()], _MONTHS[self.lang][value.month - 1]
        return f"{d} {m} {value.day}" if self.lang == "en" else f"{d} {value.day} {m}"

    def short(self, value: date) -> str:
        m = _MONTHS[self.lang][value.month - 1]
        return f"{m} {value.day}" if self.lang == "en" else f"{value.day} {m}"

    def short_year(self, value: date) -> str:
        """``short`` with the year, for an axis that crosses New Year."""
        return f"{self.short(value)}, {value.year}" if self.lang == "en" else f"{self.short(value)} {value.year}"

    def weekday(self, value: date) -> str:
        return _LONG_DAYS[self.lang][value.weekday()]

    def clock(self, value: datetime) -> str:
        if self.lang == "en":
            hour = value.hour % 12 or 12
            return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"
        return f"{value.hour:02d}:{value.minute:02d}"

    def moment(self, value: datetime) -> str:
        """Day, time and the zone's abbreviation, in the time zone ``value`` carries."""
        return f"{self.day(value.date())}, {self.clock(value)} {value.tzname() or ''}".rstrip()

    def window(self, earliest: date, latest: date) -> str:
        return self.day(earliest) if earliest == latest else f"{self.day(earliest)} – {self.day(latest)}"

    def value(self, value: object) -> str:
        """Any value an advice quotes: dates as days, times as moments, the rest as text."""
        if isinstance(value, datetime):
            return self.moment(value)
        if isinstance(value, date):
            return self.day(value)
        return str(value)
