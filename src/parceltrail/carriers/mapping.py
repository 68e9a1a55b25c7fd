"""From a carrier's codes and words to canonical statuses: tables as data, phrase rules in order.

Each carrier module declares a ``Classifier``: a code table (carrier code -> status/substatus, with
the carrier's own meaning for the docs), optional phrase rules for text-only sources, and the
carrier's coarse table to fall back on. Anything that needed a fallback is *reported*: counted in
``UNMAPPED`` and logged once per process, so the tables grow from what production actually sees.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from parceltrail.core import Status, Substatus, check_pair

log = logging.getLogger("parceltrail.carriers")

Canonical = tuple[Status, Substatus]

UNMAPPED: Counter[tuple[str, str]] = Counter()
"""(carrier, code or text) -> how often it fell back on a coarse status in this process."""


def record_unmapped(carrier: str, what: str) -> None:
    """Count a code the tables did not know, and log it the first time it is seen."""
    key = (carrier, what)
    UNMAPPED[key] += 1
    if UNMAPPED[key] == 1:
        log.warning(
            "carrier %s: no mapping for %r; used the coarse status. Add a row to its table.", carrier, what
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a mapping table: the carrier's code, what the carrier says it means, and ours."""

    code: str
    meaning: str
    status: Status
    substatus: Substatus


def row(code: str, meaning: str, status: Status | str, substatus: Substatus | str | None = None) -> Row:
    st, sub = check_pair(status, substatus)
    return Row(code, meaning, st, sub)


@dataclass(frozen=True, slots=True)
class CodeTable:
    """Carrier code -> canonical pair. Codes are matched exactly after ``strip().upper()``."""

    title: str
    rows: tuple[Row, ...]
    index: dict[str, Row] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Row] = {}
        for r in self.rows:
            key = r.code.strip().upper()
            if key in index:
                raise ValueError(f"{self.title}: code {r.code!r} appears twice")
            index[key] = r
        object.__setattr__(self, "index", index)

    def get(self, code: str | None) -> Row | None:
        return self.index.get(code.strip().upper()) if code else None


@dataclass(frozen=True, slots=True)
class PhraseRule:
    pattern: str
    status: Status
    substatus: Substatus
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern, re.IGNORECASE))


def phrase(pattern: str, status: Status | str, substatus: Substatus | str | None = None) -> PhraseRule:
    st, sub = check_pair(status, substatus)
    return PhraseRule(pattern, st, sub)


@dataclass(frozen=True, slots=True)
class PhraseRules:
    """Ordered rules for free text: the first pattern that matches wins, so specific before general.

    Carriers reuse a small vocabulary ("In transit", "Arrived at Facility"), so answers are memoised
    per text (bounded): the regex scan is the parsers' largest cost otherwise (bench/parse.py).
    """

    title: str
    rules: tuple[PhraseRule, ...]
    memo: dict[str, PhraseRule | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    MEMO_LIMIT = 4096

    def match(self, text: str | None) -> PhraseRule | None:
        if not text:
            return None
        try:
            return self.memo[text]
        except KeyError:
            pass
        found = next((r for r in self.rules if r.regex.search(text)), None)
        if len(self.memo) >= self.MEMO_LIMIT:
            self.memo.clear()
        self.memo[text] = found
        return found


@dataclass(frozen=True, slots=True)
class Classifier:
    """How one carrier's event becomes canonical: codes, then phrases, then coarse, then ``default``."""

    carrier: str
    codes: CodeTable | None = None
    phrases: PhraseRules | None = None
    coarse: CodeTable | None = None
    default: Canonical = (Status.IN_TRANSIT, Substatus.IN_TRANSIT)

    def classify(
        self, keys: Sequence[str | None] = (), text: str | None = None, coarse: str | None = None
    ) -> tuple[Canonical, str | None]:
        """Return the canonical pair and, when a fallback was needed, what to report as unmapped.

        ``keys`` are tried most specific first (e.g. ``"DE/08"`` then ``"DE"``).
        """
        if self.codes is not None:
            for key in keys:
                hit = self.codes.get(key)
                if hit is not None:
                    return (hit.status, hit.substatus), None
        if self.phrases is not None:
            rule = self.phrases.match(text)
            if rule is not None:
                return (rule.status, rule.substatus), None
        reported = next((k for k in keys if k), None) or (text or "").strip() or "(no code)"
        record_unmapped(self.carrier, reported)
        coarse_hit = self.coarse.get(coarse) if self.coarse is not None else None
        if coarse_hit is not None:
            return (coarse_hit.status, coarse_hit.substatus), reported
        return self.default, reported

    def tables(self) -> Iterable[CodeTable | PhraseRules]:
        return [t for t in (self.codes, self.phrases, self.coarse) if t is not None]


def render_markdown(classifier: Classifier) -> str:
    """The classifier's tables as Markdown, for docs/carriers.md (a test keeps the two in step)."""
    parts: list[str] = []
    for table in classifier.tables():
        parts.append(f"#### {table.title}\n")
        if isinstance(table, CodeTable):
            parts.append("| code | carrier's meaning | status | substatus |\n| --- | --- | --- | --- |")
            parts.extend(f"| `{r.code}` | {r.meaning} | {r.status} | {r.substatus} |" for r in table.rows)
        else:
            parts.append("| # | phrase (regular expression, case-insensitive) | status | substatus |")
            parts.append("| --- | --- | --- | --- |")
            parts.extend(
                f"| {i} | `{r.pattern.replace('|', '&#124;')}` | {r.status} | {r.substatus} |"
                for i, r in enumerate(table.rules, 1)
            )
        parts.append("")
    default_status, default_sub = classifier.default
    parts.append(
        f"Anything unmatched falls back on the coarse status, else {default_status}/{default_sub}, and is reported.\n"
    )
    return "\n".join(parts)
