"""From a carrier's codes and words to canonical statuses: tables as data, phrase rules in order.

Each carrier module declares a ``Classifier``: code tables (carrier code -> status/substatus and
whether the seller must act, with the carrier's own meaning), ordered phrase rules over the carrier's
words, and the carrier's coarse table to fall back on. Big published code lists live as CSV files in
``carriers/vocabulary/`` (``load_table``), each opening with the source it was read from.

An event is looked up by its specific codes, then by its words, then by codes that say less than
words (UPS's "005 On the Way"), then by the coarse code. Anything that needed one of the last two is
*unknown*: the event keeps the carrier's words and is marked ``unknown_code``, the code is counted in
``UNMAPPED`` (per process) and in the store's unknown-code counts (per shop), never silently ``other``.

Text matching survives whitespace, case and the carriers' published wording variants: the words are
squashed (``words``) before the case-insensitive rules run, and rules are written for the variants
each carrier publishes (each rule lists the published wordings it is for, which the tests run).
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from parceltrail.core import Status, Substatus, check_pair

log = logging.getLogger("parceltrail.carriers")

Canonical = tuple[Status, Substatus]
VOCABULARY = Path(__file__).parent / "vocabulary"

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


def words(text: object) -> str:
    """The carrier's words with runs of whitespace squashed and the ends trimmed ("Pickup Scan " -> "Pickup Scan")."""
    return " ".join(str(text or "").split())


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a mapping table: the carrier's code, what the carrier says it means, and ours.

    ``action`` marks an exception the seller must act on (fix an address, send documents, pay,
    claim, re-ship): it reaches the event as ``seller_action``. ``notice`` marks a scan that reports
    rather than moves (FedEx "Shipment arriving early", UPS "Updated Delivery Date"): in the timeline it
    takes the state of the scan before it, so an estimate never undoes "out for delivery".
    """

    code: str
    meaning: str
    status: Status
    substatus: Substatus
    action: bool = False
    notice: bool = False


def row(
    code: str,
    meaning: str,
    status: Status | str,
    substatus: Substatus | str | None = None,
    action: bool = False,
    notice: bool = False,
) -> Row:
    st, sub = check_pair(status, substatus)
    return Row(code, meaning, st, sub, action, notice)


@dataclass(frozen=True, slots=True)
class CodeTable:
    """Carrier code -> row. Codes are matched exactly after ``strip().upper()``."""

    title: str
    rows: tuple[Row, ...]
    source: str = ""
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


def load_table(name: str, title: str) -> CodeTable:
    """A code table from ``vocabulary/<name>.csv``: ``#`` lines name the source, then
    ``code,meaning,status,substatus,action[,notice]`` rows (flags are ``y`` or empty)."""
    path = VOCABULARY / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    source = " ".join(line.lstrip("# ").strip() for line in lines if line.startswith("#"))
    rows = []
    for n, record in enumerate(csv.DictReader(line for line in lines if not line.startswith("#")), start=2):
        try:
            rows.append(row(record["code"], record["meaning"], record["status"], record["substatus"] or None,
                            _flag(record["action"]), _flag(record.get("notice"))))
        except (KeyError, ValueError, AttributeError) as error:
            raise ValueError(f"{path.name} line {n}: {error}") from None
    return CodeTable(title, tuple(rows), source)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("y", "yes", "1")


@dataclass(frozen=True, slots=True)
class PhraseRule:
    pattern: str
    status: Status
    substatus: Substatus
    action: bool = False
    examples: tuple[str, ...] = ()
    """The carrier's published wordings this rule is for; the table-driven test parses each."""
    notice: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern, re.IGNORECASE))


def phrase(
    pattern: str,
    status: Status | str,
    substatus: Substatus | str | None = None,
    *examples: str,
    action: bool = False,
    notice: bool = False,
) -> PhraseRule:
    st, sub = check_pair(status, substatus)
    return PhraseRule(pattern, st, sub, action, examples, notice)


@dataclass(frozen=True, slots=True)
class PhraseRules:
    """Ordered rules for free text: the first pattern that matches wins, so specific before general.

    Carriers reuse a small vocabulary ("In transit", "Arrived at Facility"), so answers are memoised
    per text (bounded): the regex scan is the parsers' largest cost otherwise (bench/parse.py).
    """

    title: str
    rules: tuple[PhraseRule, ...]
    source: str = ""
    memo: dict[str, PhraseRule | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    MEMO_LIMIT = 4096

    def match(self, text: str | None) -> PhraseRule | None:
        if not text:
            return None
        try:
            return self.memo[text]
        except KeyError:
            pass
        squashed = words(text)
        found = next((r for r in self.rules if r.regex.search(squashed)), None) if squashed else None
        if len(self.memo) >= self.MEMO_LIMIT:
            self.memo.clear()
        self.memo[text] = found
        return found


class Verdict(NamedTuple):
    """What an event means: its canonical pair, whether the seller must act, and what to report as
    unknown (``None`` when a specific code or the words were recognised)."""

    status: Status
    substatus: Substatus
    action: bool
    reported: str | None
    notice: bool = False

    @property
    def canonical(self) -> Canonical:
        return self.status, self.substatus

    @property
    def unknown(self) -> bool:
        return self.reported is not None


@dataclass(frozen=True, slots=True)
class Classifier:
    """How one carrier's event becomes canonical: codes, words, vague codes, coarse code, ``default``."""

    carrier: str
    codes: CodeTable | Sequence[CodeTable] | None = None
    phrases: PhraseRules | None = None
    coarse: CodeTable | None = None
    default: Canonical = (Status.IN_TRANSIT, Substatus.IN_TRANSIT)
    code_tables: tuple[CodeTable, ...] = field(init=False, repr=False, compare=False)
    index: dict[str, Row] = field(init=False, repr=False, compare=False)
    """Every code table's rows by key, first table first: one lookup per key however many tables."""

    def __post_init__(self) -> None:
        tables = () if self.codes is None else (self.codes,) if isinstance(self.codes, CodeTable) else tuple(self.codes)
        index: dict[str, Row] = {}
        for table in reversed(tables):
            index.update(table.index)
        object.__setattr__(self, "code_tables", tables)
        object.__setattr__(self, "index", index)

    def lookup(self, key: str | None) -> Row | None:
        return self.index.get(key.strip().upper()) if key else None

    def classify(
        self,
        keys: Sequence[str | None] = (),
        text: str | None = None,
        coarse: str | None = None,
        vague: Sequence[str | None] = (),
    ) -> Verdict:
        """``keys`` are tried most specific first (e.g. ``"DE/08"`` then ``"DE"``); then the words;
        then ``vague`` codes, known but saying less than words would; then the coarse code."""
        for key in keys:
            hit = self.lookup(key)
            if hit is not None:
                return Verdict(hit.status, hit.substatus, hit.action, None, hit.notice)
        if self.phrases is not None:
            rule = self.phrases.match(text)
            if rule is not None:
                return Verdict(rule.status, rule.substatus, rule.action, None, rule.notice)
        reported = next((k.strip() for k in keys if k and k.strip()), None) or words(text) or "(no code)"
        record_unmapped(self.carrier, reported)
        for key in vague:
            hit = self.lookup(key)
            if hit is not None:
                return Verdict(hit.status, hit.substatus, hit.action, reported, hit.notice)
        coarse_hit = self.coarse.get(coarse) if self.coarse is not None else None
        if coarse_hit is not None:
            return Verdict(coarse_hit.status, coarse_hit.substatus, coarse_hit.action, reported)
        return Verdict(*self.default, False, reported)

    def tables(self) -> Iterable[CodeTable | PhraseRules]:
        return [t for t in (*self.code_tables, self.phrases, self.coarse) if t is not None]


FULL_TABLE_ROWS = 60
"""Code tables longer than this are summarised in docs/carriers.md (the CSV and ``carriers tables --full`` have them)."""


def coverage(classifier: Classifier) -> str:
    """One line: how many code rows and phrase rules (with published wordings) the carrier's tables hold."""
    codes = sum(len(t.rows) for t in classifier.code_tables)
    rules = len(classifier.phrases.rules) if classifier.phrases else 0
    wordings = sum(len(r.examples) for r in classifier.phrases.rules) if classifier.phrases else 0
    coarse = len(classifier.coarse.rows) if classifier.coarse else 0
    tables = len(classifier.code_tables)
    return (f"Coverage: {codes} code rows in {tables} table{'' if tables == 1 else 's'}, {rules} phrase rules "
            f"({wordings} published wordings tested), {coarse} coarse codes.\n")


def render_markdown(classifier: Classifier, full: bool = False) -> str:
    """The classifier's tables as Markdown, for docs/carriers.md (a test keeps the two in step)."""
    parts: list[str] = [coverage(classifier)]
    for table in classifier.tables():
        parts.append(f"#### {table.title}\n")
        if table.source:
            parts.append(f"Source: {table.source}\n")
        if isinstance(table, CodeTable):
            if not full and len(table.rows) > FULL_TABLE_ROWS:
                parts.append(_summary(table))
                continue
            parts.append("| code | carrier's meaning | status | substatus | flags |\n| --- | --- | --- | --- | --- |")
            parts.extend(
                f"| `{r.code}` | {_cell(r.meaning)} | {r.status} | {r.substatus} | {_flags(r)} |" for r in table.rows
            )
        else:
            parts.append("| # | phrase (regular expression, case-insensitive) | status | substatus | flags |")
            parts.append("| --- | --- | --- | --- | --- |")
            parts.extend(
                f"| {i} | `{_cell(r.pattern)}` | {r.status} | {r.substatus} | {_flags(r)} |"
                for i, r in enumerate(table.rules, 1)
            )
        parts.append("")
    default_status, default_sub = classifier.default
    parts.append(
        f"Anything unmatched falls back on the coarse status, else {default_status}/{default_sub}, "
        "and is marked unknown and counted.\n"
    )
    return "\n".join(parts)


def _flags(r: Row | PhraseRule) -> str:
    return ", ".join(name for name, on in (("seller acts", r.action), ("notice", r.notice)) if on)


def _cell(text: str) -> str:
    return text.replace("|", "&#124;")


def _summary(table: CodeTable) -> str:
    counts = Counter(f"{r.status}/{r.substatus}" for r in table.rows)
    acting = sum(r.action for r in table.rows)
    spread = ", ".join(f"{name} {n}" for name, n in counts.most_common())
    return (
        f"{len(table.rows)} rows ({acting} the seller must act on); `parceltrail carriers tables --full` prints "
        f"every row. By status: {spread}.\n"
    )
