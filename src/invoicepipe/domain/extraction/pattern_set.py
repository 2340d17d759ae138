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
  each capture is the match that pattern alone gives there.

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
        # stand in several groups), each group tried only where that character stands
        groups: dict[Optional[str], list[str]] = {}
        for alt in (a for p in patterns for a in _alternatives(p[len(prefix):])):
            for part in _first_parts(alt, flags) or (None,):
                groups.setdefault(part, []).append(f"(?:{alt})")
        union = "|".join(f"(?=[{part}])(?:{'|'.join(body)})" if part else "|".join(body) for part, body in groups.items())
        self._starts = re.compile(f"{prefix}(?=(?:{union or '(?!)'}))", flags)
        self._by_char: dict[str, tuple[tuple[int, ...], Optional[re.Pattern]]] = {}
        self._combined: dict[tuple[int, ...], re.Pattern] = {}

    def matches(self, text: str) -> list[list[tuple[int, int]]]:
        """Per pattern, the (start, end) of each match ``finditer`` gives, in order."""
        found = self.spans(text)
        return [found.get(i, []) for i in range(len(self.patterns))]

    def spans(self, text: str) -> dict[int, list[tuple[int, int]]]:
        """``matches`` for the patterns that match at all, by pattern index: a line holds a
        label or two of some 175, and a list per pattern cost more than the scan."""
        found: dict[int, list[tuple[int, int]]] = {}
        for start in self._starts.finditer(text):
            s = start.start()
            indices, combined = self._at(text[s])
            if combined is None:
                continue
            for i, span in zip(indices, combined.match(text, s).regs[1:]):
                if span[0] >= 0:
                    got = found.get(i)
                    if got is None:
                        found[i] = [span]
                    elif s >= got[-1][1]:  # each pattern's own scan goes on after its last match
                        got.append(span)
        return found

    def _at(self, ch: str) -> tuple[tuple[int, ...], Optional[re.Pattern]]:
        entry = self._by_char.get(ch)
        if entry is None:
            indices = tuple(i for i, rx in enumerate(self._can_start) if rx is None or rx.fullmatch(ch))
            combined = self._combined.get(indices)
            if combined is None and indices:
                combined = self._combined[indices] = re.compile(
                    "".join(f"(?:(?=({self.patterns[i]}))|)" for i in indices), self.flags)
            entry = self._by_char[ch] = (indices, combined)
        return entry


def _alternatives(pattern: str) -> list[str]:
    """Patterns that together match where ``pattern`` matches (at a position, one of them
    matches iff it does): a leading plain group's branches, each followed by what follows
    the group ("(?:a|b)c" is "ac" and "bc"), split again the same way; else the pattern."""
    if pattern.startswith("(?:"):
        end = _closing(pattern)
        rest = pattern[end + 1:]
        if end > 0 and rest[:1] not in ("*", "+", "?", "{"):
            return [alt for branch in _branches(pattern[3:end]) for alt in _alternatives(branch + rest)]
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
