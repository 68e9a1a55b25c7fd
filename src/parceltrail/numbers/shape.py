"""What a format's pattern says about the numbers it accepts: lengths, first characters, evidence, samples.

The format files hold one regular expression per format and nothing derived from it; this module reads
that expression with the standard library's own parser (``re._parser``, the parser ``re.compile`` uses)
so the dispatch table, the confidence figures and the number generator can never disagree with the
pattern. Patterns run on normalised numbers: upper-case letters and digits only, so the alphabet here
is ``0-9A-Z``.
"""

from __future__ import annotations

import math
import random
import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Mapping
from dataclasses import dataclass

DIGITS = frozenset("0123456789")
LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
ALPHABET = DIGITS | LETTERS
_ORDERED = "".join(sorted(ALPHABET))
MAX_LENGTH = 64  # longer inputs are never tracking numbers; bounds repeat expansion

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}


def _char_set(op: object, av: object) -> frozenset[str]:
    """The characters of the alphabet one LITERAL / NOT_LITERAL / ANY / IN node accepts."""
    if op is sre.LITERAL:
        return frozenset({chr(av)}) & ALPHABET
    if op is sre.NOT_LITERAL:
        return ALPHABET - {chr(av)}
    if op is sre.ANY:
        return ALPHABET
    accepted: set[str] = set()
    negate = False
    for item_op, item_av in av:
        if item_op is sre.NEGATE:
            negate = True
        elif item_op is sre.LITERAL:
            accepted.add(chr(item_av))
        elif item_op is sre.RANGE:
            accepted.update(c for c in ALPHABET if item_av[0] <= ord(c) <= item_av[1])
        elif item_op is sre.CATEGORY:
            accepted.update(c for c in ALPHABET if re.fullmatch(_CATEGORY_TEST[item_av], c))
        else:
            raise ValueError(f"unsupported character class item {item_op}")
    chosen = frozenset(accepted) & ALPHABET
    return ALPHABET - chosen if negate else chosen


_CATEGORY_TEST = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
}
_CHAR_OPS = {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}


def _lengths(seq) -> frozenset[int]:
    total = frozenset({0})
    for op, av in seq:
        total = frozenset(a + b for a in total for b in _node_lengths(op, av) if a + b <= MAX_LENGTH)
    return total


def _node_lengths(op, av) -> frozenset[int]:
    if op in _CHAR_OPS:
        return frozenset({1})
    if op in _ZERO_WIDTH:
        return frozenset({0})
    if op is sre.SUBPATTERN:
        return _lengths(av[3])
    if op is sre.BRANCH:
        return frozenset().union(*(_lengths(branch) for branch in av[1]))
    if op in _REPEATS:
        low, high, item = av
        item_lengths = _lengths(item)
        result: set[int] = set()
        current = frozenset({0})
        for count in range(min(high, MAX_LENGTH) + 1):
            if count >= low:
                result.update(current)
            current = frozenset(a + b for a in current for b in item_lengths if a + b <= MAX_LENGTH)
            if not current:
                break
        return frozenset(result)
    raise ValueError(f"unsupported pattern element {op}")


def _firsts(seq) -> tuple[frozenset[str], bool]:
    """First characters of a sequence, and whether the sequence can match the empty string."""
    firsts: set[str] = set()
    for op, av in seq:
        node_firsts, nullable = _node_firsts(op, av)
        firsts.update(node_firsts)
        if not nullable:
            return frozenset(firsts), False
    return frozenset(firsts), True


def _node_firsts(op, av) -> tuple[frozenset[str], bool]:
    if op in _CHAR_OPS:
        return _char_set(op, av), False
    if op in _ZERO_WIDTH:
        return frozenset(), True
    if op is sre.SUBPATTERN:
        return _firsts(av[3])
    if op is sre.BRANCH:
        results = [_firsts(branch) for branch in av[1]]
        return frozenset().union(*(f for f, _ in results)), any(n for _, n in results)
    if op in _REPEATS:
        firsts, nullable = _firsts(av[2])
        return firsts, nullable or av[0] == 0
    raise ValueError(f"unsupported pattern element {op}")


def _bits(seq) -> float:
    return sum(_node_bits(op, av) for op, av in seq)


def _node_bits(op, av) -> float:
    """Evidence in bits: how much less likely a random character of the same kind is to fit this part.

    A position that takes any digit (or any letter, or anything) carries no evidence; a fixed letter
    carries log2(26), a fixed digit log2(10), a class of k letters log2(26/k). Only what tells formats
    of the same length apart counts.
    """
    if op in _CHAR_OPS:
        accepted = _char_set(op, av)
        universe = DIGITS if accepted <= DIGITS else LETTERS if accepted <= LETTERS else ALPHABET
        return math.log2(len(universe) / len(accepted)) if accepted else 0.0
    if op in _ZERO_WIDTH:
        return 0.0
    if op is sre.SUBPATTERN:
        return _bits(av[3])
    if op is sre.BRANCH:
        return min(_bits(branch) for branch in av[1])
    if op in _REPEATS:
        return av[0] * _bits(av[2])
    raise ValueError(f"unsupported pattern element {op}")


def _classes(seq) -> frozenset[str]:
    """Every character any part of the sequence can consume."""
    chars: set[str] = set()
    for op, av in seq:
        if op in _CHAR_OPS:
            chars.update(_char_set(op, av))
        elif op is sre.SUBPATTERN:
            chars.update(_classes(av[3]))
        elif op is sre.BRANCH:
            for branch in av[1]:
                chars.update(_classes(branch))
        elif op in _REPEATS:
            chars.update(_classes(av[2]))
    return frozenset(chars)


def _position_kinds(seq) -> set[str]:
    kinds: set[str] = set()
    for op, av in seq:
        if op in _CHAR_OPS:
            accepted = _char_set(op, av)
            kinds.add("digits" if accepted <= DIGITS else "letters" if accepted <= LETTERS else "any")
        elif op is sre.SUBPATTERN:
            kinds |= _position_kinds(av[3])
        elif op is sre.BRANCH:
            for branch in av[1]:
                kinds |= _position_kinds(branch)
        elif op in _REPEATS and av[0] > 0:
            kinds |= _position_kinds(av[2])
    return kinds


@dataclass(frozen=True, slots=True)
class Shape:
    """Facts derived once from a format's pattern."""

    lengths: frozenset[int]
    first_chars: frozenset[str]
    digits_only: bool
    mixed: bool  # has positions only letters fill and positions only digits fill
    structure_bits: float


def shape_of(pattern: str) -> Shape:
    parsed = sre_parse.parse(pattern, re.ASCII)
    digits_only = _classes(parsed.data) <= DIGITS
    kinds = _position_kinds(parsed.data)
    firsts, _ = _firsts(parsed.data)
    return Shape(
        lengths=_lengths(parsed.data),
        first_chars=firsts,
        digits_only=digits_only,
        mixed={"letters", "digits"} <= kinds,
        structure_bits=round(_bits(parsed.data), 3),
    )


class _Sampler:
    """Builds one random string along a parsed pattern, recording where each named group landed."""

    def __init__(self, parsed, rng: random.Random, fixed: Mapping[str, str]) -> None:
        self.rng = rng
        self.fixed = fixed
        self.names = {index: name for name, index in parsed.state.groupdict.items()}
        self.out: list[str] = []
        self.spans: dict[str, tuple[int, int]] = {}

    def length(self) -> int:
        return sum(len(part) for part in self.out)

    def walk(self, seq) -> None:
        for op, av in seq:
            self.node(op, av)

    def node(self, op, av) -> None:
        if op in _CHAR_OPS:
            self.out.append(self.rng.choice(sorted(_char_set(op, av))))
        elif op in _ZERO_WIDTH:
            return
        elif op is sre.SUBPATTERN:
            name = self.names.get(av[0])
            start = self.length()
            if name in self.fixed:
                self.out.append(self.fixed[name])
            else:
                self.walk(av[3])
            if name is not None:
                self.spans[name] = (start, self.length())
        elif op is sre.BRANCH:
            self.walk(self.rng.choice(av[1]))
        elif op in _REPEATS:
            low, high, item = av
            for _ in range(self.rng.randint(low, min(high, low + 8))):
                self.walk(item)
        else:
            raise ValueError(f"unsupported pattern element {op}")


def sample(pattern: str, rng: random.Random, fixed: Mapping[str, str]) -> tuple[str, dict[str, tuple[int, int]]]:
    """One random string shaped like ``pattern`` (lookaheads ignored: callers re-check with fullmatch).

    ``fixed`` gives the exact text of named groups whose values must come from a table (an S10 country).
    """
    parsed = sre_parse.parse(pattern, re.ASCII)
    sampler = _Sampler(parsed, rng, fixed)
    sampler.walk(parsed.data)
    return "".join(sampler.out), sampler.spans
