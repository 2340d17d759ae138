"""Many regular expressions run over one text at the cost of a few.

The label vocabulary is some 175 patterns, and every line of a document is searched with
each of them. Calling ``finditer`` per pattern spends most of its time starting the regex
engine at positions where no label can begin. ``PatternSet`` gives exactly the matches
those calls would give while asking the engine only where a pattern can start:

- every pattern opens with the same word-start assertion, so only word starts are tried;
- there, one scan with all patterns in one alternation finds the positions where any of
  them matches; the patterns are grouped by the characters they can begin with, and a group
  is tried only where one of its characters stands (the possible first characters come
  from the regex compiler's own parse; the test of a character against them is made by the
  regex engine under the patterns' flags, so case folding is the engine's);
- at such a position the patterns that can begin with its character are tried in one
  ``match`` of a combined expression in which each one sits in a capturing lookahead, so
  each capture is the match that pattern alone gives there; where the next character is
  known too, only the patterns that can begin with the two are tried, each with its own
  ``match`` (at a label's first letter some fifty of 400 can begin, a handful with its
  second: the combined expression tried all fifty).

Replaying each pattern's left-to-right, non-overlapping scan over the positions gives its
``finditer`` matches; that holds for patterns that never match the empty string and
capture nothing, which the constructor checks.
"""

from __future__ import annotations

import re
from re import _constants as c, _parser  # the compiler's own parse of a pattern (first characters, width)
from typing import Optional, Sequence

_CLASS_OF_CATEGORY = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_SPACE: r"\s",
                      c.CATEGORY_NOT_SPACE: r"\S", c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W"}
_ZERO_WIDTH = (c.AT, c.ASSERT, c.ASSERT_NOT)
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)


class PatternSet:
    """``finditer`` of each of ``patterns`` over a text; every pattern starts with ``prefix``
    (a zero-width assertion such as a word start) and is compiled with ``flags``."""

    def __init__(self, patterns: Sequence[str], prefix: str, flags: int = 0):
        for p in patterns:
            if not p.startswith(prefix):
                raise ValueError(f"pattern does not start with {prefix!r}: {p!r}")
            compiled = _parser.parse(p, flags)
            if compiled.state.groups > 1 or compiled.getwidth()[0] == 0:
                raise ValueError(f"pattern captures or can match the empty string: {p!r}")
            if len(compiled.data) == 1 and compiled.data[0][0] is c.BRANCH:
                raise ValueError(f"the prefix applies only to the first branch of {p!r}: group the branches")
        self.patterns, self.flags = list(patterns), flags
        firsts = [_first_parts(p, flags) for p in patterns]
        self._can_start = [re.compile(f"[{''.join(f)}]", flags) if f else None for f in firsts]
        # where any pattern matches: the patterns' alternatives (``_alternatives``: only whether
        # one matches counts here, and a pattern's alternatives of other first characters cost
        # a try at every word start) grouped by a character they can begin with (one may
        # stand in several groups), each group tried only where that character stands, and in
        # it the alternatives grouped again by their second character where it is known
        groups: dict[Optional[str], dict[Optional[str], list[str]]] = {}
        for alt in (a for p in patterns for a in _alternatives(p[len(prefix):])):
            second = _second_class(alt, flags)
            for part in _first_parts(alt, flags) or (None,):
                groups.setdefault(part, {}).setdefault(second, []).append(f"(?:{alt})")
        union = "|".join(f"(?=[{part}])(?:{_by_second(sub)})" if part else _by_second(sub) for part, sub in groups.items())
        self._starts = re.compile(f"{prefix}(?=(?:{union or '(?!)'}))", flags)
        self._by_char: dict[str, tuple[int, ...]] = {}
        self._combined: dict[tuple[int, ...], re.Pattern] = {}
        # per pattern (made at its first use, as the combined expressions are), a test of the
        # two characters at a position, None where its alternatives' first two characters are
        # not known (its first character's test alone decides), and the pattern compiled alone
        self._prefix_length = len(prefix)
        self._pair_tests: dict[int, tuple[Optional[re.Pattern], re.Pattern]] = {}
        self._by_pair: dict[str, tuple[tuple[int, re.Pattern], ...]] = {}

    def matches(self, text: str) -> list[list[tuple[int, int]]]:
        """Per pattern, the (start, end) of each match ``finditer`` gives, in order."""
        found = self.spans(text)
        return [found.get(i, []) for i in range(len(self.patterns))]

    def spans(self, text: str) -> dict[int, list[tuple[int, int]]]:
        """``matches`` for the patterns that match at all, by pattern index: a line holds a
        label or two of some 175, and a list per pattern cost more than the scan."""
        found: dict[int, list[tuple[int, int]]] = {}
        last = len(text) - 1
        for start in self._starts.finditer(text):
            s = start.start()
            if s < last:  # the pair's patterns, each alone (the others cannot match here)
                spans = [(i, m.span()) for i, rx in self._opening(text[s:s + 2]) if (m := rx.match(text, s)) is not None]
            else:
                indices, combined = self._at(text[s])
                if combined is None:
                    continue
                spans = [(i, span) for i, span in zip(indices, combined.match(text, s).regs[1:]) if span[0] >= 0]
            for i, span in spans:
                got = found.get(i)
                if got is None:
                    found[i] = [span]
                elif s >= got[-1][1]:  # each pattern's own scan goes on after its last match
                    got.append(span)
        return found

    def _opening(self, pair: str) -> tuple[tuple[int, re.Pattern], ...]:
        """(index, pattern) of the patterns that can begin with the two characters ``pair``:
        those its first character lets through whose pair test (if any) takes the two."""
        entry = self._by_pair.get(pair)
        if entry is None:
            entry = self._by_pair[pair] = tuple(
                (i, alone) for i, (test, alone) in map(self._pair_test, self._indices(pair[0]))
                if test is None or test.fullmatch(pair))
        return entry

    def _pair_test(self, i: int) -> tuple[int, tuple[Optional[re.Pattern], re.Pattern]]:
        entry = self._pair_tests.get(i)
        if entry is None:
            pattern = self.patterns[i]
            entry = self._pair_tests[i] = (_pair_test(pattern[self._prefix_length:], self.flags),
                                           re.compile(pattern, self.flags))
        return i, entry

    def _at(self, ch: str) -> tuple[tuple[int, ...], Optional[re.Pattern]]:
        """The patterns that can begin with ``ch``, and their combined expression (compiled
        at its first use: only a text's last character needs it, see ``spans``)."""
        indices = self._indices(ch)
        combined = self._combined.get(indices)
        if combined is None and indices:
            combined = self._combined[indices] = re.compile(
                "".join(f"(?:(?=({self.patterns[i]}))|)" for i in indices), self.flags)
        return indices, combined

    def _indices(self, ch: str) -> tuple[int, ...]:
        indices = self._by_char.get(ch)
        if indices is None:
            indices = self._by_char[ch] = tuple(i for i, rx in enumerate(self._can_start) if rx is None or rx.fullmatch(ch))
        return indices


def _pair_test(body: str, flags: int) -> Optional[re.Pattern]:
    """A test (``fullmatch`` of two characters) that every two characters a match of
    ``body`` can begin with pass, or None when some alternative's are not known. Each of
    ``body``'s alternatives (``_alternatives``) gives the class of its first consuming item
    and of its second (a class, a literal or a category, or one repeated at least once);
    one whose second item is something else, or absent, takes any second character.
    Compiled under ``flags``: the engine folds case as the pattern's own search does."""
    tests = []
    for alt in _alternatives(body):
        items = [item for item in _parser.parse(alt, flags).data if item[0] not in _ZERO_WIDTH]
        first = _one_character(items[0]) if items else None
        if first is None:
            return None
        second = _one_character(items[1], repeated=True) if len(items) > 1 else None
        tests.append(f"[{''.join(first)}]" + (f"[{''.join(second)}]" if second is not None else "(?s:.)"))
    return re.compile("|".join(tests), flags) if tests else None


def _second_class(alt: str, flags: int) -> Optional[str]:
    """The class of the second character of every match of ``alt`` when its first two
    consuming items take one character each (the second may repeat), else None."""
    items = [item for item in _parser.parse(alt, flags).data if item[0] not in _ZERO_WIDTH]
    if len(items) < 2 or _one_character(items[0]) is None:
        return None
    second = _one_character(items[1], repeated=True)
    return None if second is None else f"[{''.join(second)}]"


def _by_second(sub: dict[Optional[str], list[str]]) -> str:
    """Alternatives of one first character, each group of one second character tried only
    where it stands (a look-ahead past the first), those of no known second as they are."""
    return "|".join(f"(?=(?s:.){second})(?:{'|'.join(alts)})" if second else "|".join(alts) for second, alts in sub.items())


def _one_character(item, repeated: bool = False) -> Optional[list[str]]:
    """The class parts of an item that takes one character (a literal, a class or a
    category; with ``repeated``, also such an item repeated at least once), else None."""
    op, av = item
    if repeated and op in _REPEATS and av[0] >= 1 and len(av[2].data) == 1:
        op, av = av[2].data[0]
    if op is c.LITERAL:
        return [re.escape(chr(av))]
    if op is c.CATEGORY:
        return [_CLASS_OF_CATEGORY[av]] if av in _CLASS_OF_CATEGORY else None
    if op is c.IN:
        parts = _class_parts(av)
        return None if parts is None else parts[0]
    return None


def _alternatives(pattern: str) -> list[str]:
    """Patterns that together match where ``pattern`` matches (at a position, one of them
    matches iff it does): a leading plain group's branches, each followed by what follows
    the group ("(?:a|b)c" is "ac" and "bc"), and a leading optional group's, and what
    follows it alone ("(?:a|b)?c" is "ac", "bc" and "c"; not a possessive "?+", which never
    gives back what it took), split again the same way; else the pattern."""
    if pattern.startswith("(?:"):
        end = _closing(pattern)
        rest = pattern[end + 1:]
        if end > 0 and rest[:1] not in ("*", "+", "?", "{"):
            return [alt for branch in _branches(pattern[3:end]) for alt in _alternatives(branch + rest)]
        if end > 0 and rest[:1] == "?" and rest[1:2] != "+":
            rest = rest[2:] if rest[1:2] == "?" else rest[1:]
            return [*(alt for branch in _branches(pattern[3:end]) for alt in _alternatives(branch + rest)),
                    *_alternatives(rest)]
    return [pattern]


def _tokens(pattern: str):
    """(index, character) of ``pattern``'s characters outside escapes and character classes."""
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: up to the first unescaped "]" but its first character
            i += 2 if pattern[i + 1:i + 2] == "^" else 1
            i += 1 if pattern[i:i + 1] == "]" else 0
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        yield i, ch
        i += 1


def _closing(pattern: str) -> int:
    """Where the group opening ``pattern`` closes (-1: it does not)."""
    depth = 0
    for i, ch in _tokens(pattern):
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return i
    return -1


def _branches(pattern: str) -> list[str]:
    """``pattern`` cut at its top-level "|"."""
    cuts, depth = [], 0
    for i, ch in _tokens(pattern):
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            cuts.append(i)
    return [pattern[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(pattern)])]


def first_class(pattern: str, flags: int = 0) -> Optional[str]:
    """A character class (``[...]``) holding every character a match of ``pattern`` can
    start with, or None when that is any character. Read under ``flags``, it can guard a
    pattern the regex engine would otherwise try in full at every position:
    ``(?=class)(?:pattern)`` finds the same matches."""
    parts = _first_parts(pattern, flags)
    return None if parts is None else f"[{''.join(parts)}]"


def compile_guarded(pattern: str, flags: int = 0) -> re.Pattern:
    """``pattern`` compiled with a look-ahead for the characters a match can start with
    (``first_class``): the same matches, but a search passes over the other positions at
    once instead of trying a long alternation at every one of them (with ``re.I`` the
    engine has no quick test for a branch's first letter). Flags go in ``flags``: an
    inline global flag must open the whole expression."""
    guard = first_class(pattern, flags)
    return re.compile(pattern if guard is None else f"(?={guard})(?:{pattern})", flags)


def _first_parts(pattern: str, flags: int) -> Optional[list[str]]:
    """The parts of a character class (characters, ranges, categories) holding every
    character a match of ``pattern`` can start with, or None when that is any character (or
    the parse says too little)."""
    parts = _first(_parser.parse(pattern, flags).data)
    return None if parts is None or parts[1] else list(dict.fromkeys(parts[0]))


def _first(items) -> Optional[tuple[list[str], bool]]:
    """(class parts, can be empty) of a sequence of parsed items; None: any character."""
    out: list[str] = []
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        item = _first_of(op, av)
        if item is None:
            return None
        out += item[0]
        if not item[1]:
            return out, False
    return out, True


def _first_of(op, av) -> Optional[tuple[list[str], bool]]:
    if op is c.LITERAL:
        return [re.escape(chr(av))], False
    if op is c.CATEGORY:
        return ([_CLASS_OF_CATEGORY[av]], False) if av in _CLASS_OF_CATEGORY else None
    if op is c.IN:
        return _class_parts(av)
    if op is c.BRANCH:
        parts, empty = [], False
        for branch in av[1]:
            found = _first(branch.data)
            if found is None:
                return None
            parts += found[0]
            empty = empty or found[1]
        return parts, empty
    if op is c.SUBPATTERN:
        return _first(av[3].data)
    if op is c.ATOMIC_GROUP:
        return _first(av.data)
    if op in _REPEATS:
        found = _first(av[2].data)
        return None if found is None else (found[0], found[1] or av[0] == 0)
    return None


def _class_parts(items) -> Optional[tuple[list[str], bool]]:
    parts = []
    for op, av in items:
        if op is c.LITERAL:
            parts.append(re.escape(chr(av)))
        elif op is c.RANGE:
            parts.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is c.CATEGORY and av in _CLASS_OF_CATEGORY:
            parts.append(_CLASS_OF_CATEGORY[av])
        else:  # a negated class or something rarer: any character
            return None
    return parts, False
