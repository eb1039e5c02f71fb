"""The one search syntax, parsed once and compiled for SQLite FTS5 and for PostgreSQL tsquery.

Users type the same query whichever engine holds the corpus, so it is parsed here into one small
tree, checked once, and each engine gets a string with the same meaning. Every word reaches an
engine quoted (FTS5 ``"..."``, tsquery ``'...'``), so user text is never read as engine syntax:
not FTS5's ``NEAR``, ``^`` or ``column:``, not tsquery's operators, weights or ``:*``.

Syntax: words (``strike``, ``drone*`` for a prefix), ``"phrases"``, uppercase ``AND``/``OR``/``NOT``
and parentheses (NOT > AND > OR; juxtaposition is AND), ``-x`` for ``NOT x``, and filters
``outlet:``, ``entity:``, ``technique:``, ``language:``, ``after:``, ``before:`` (value optionally
quoted; dates as YYYY-MM-DD; ``-outlet:x`` negates). Any other ``name:value`` is a QueryError
naming the known filters: a typo (``outlte:rt.com``) would otherwise be searched as words and
silently match nothing. A word that only ends with a colon (``Breaking:``) and a URL
(``https://...``) stay words, and quoted text (``"foo:bar"``) is always words.

A word is a run of non-space text trimmed to start and end with a letter, digit or mark; inner
punctuation stays (``U.S``, ``e-mail``, ``3.5``) because each engine splits a quoted word with the
tokeniser it used on the documents, and PostgreSQL keeps such words whole (``u.s``, ``3.5``) where
SQLite splits them: splitting them here would make them unfindable in PostgreSQL. Edge characters
every tokeniser drops are trimmed, and text with no letter or digit at all is dropped. Inside quotes
``*`` is such an edge character: a phrase is exact.

Filters always apply to the whole query, wherever they stand outside parentheses. Inside
parentheses, or as the only thing on one side of an OR, they are a QueryError, because there they
would read as part of the group. FTS5's NOT is binary, so an excluded part needs a positive sibling
in an AND: ``NOT a`` or ``a OR -b`` are rejected for both engines alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Iterator

FILTER_NAMES = frozenset({"outlet", "entity", "technique", "language", "after", "before"})
DATE_FILTERS = frozenset({"after", "before"})
OPERATORS = frozenset({"AND", "OR", "NOT"})
#: Parentheses deeper than this are refused (the parser, the checks and the compilers recurse).
MAX_DEPTH = 32

_FILTER = re.compile(r"([A-Za-z]+):")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class QueryError(ValueError):
    """A query that cannot be searched; the one-line message quotes the offending part."""


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Term | Phrase | And | Or | Not


@dataclass(frozen=True)
class Filter:
    name: str
    value: str
    negated: bool = False


@dataclass(frozen=True)
class Query:
    text: Node | None
    filters: tuple[Filter, ...]


# --- words ---------------------------------------------------------------------------------------


def _is_word_char(char: str) -> bool:
    """Letters, digits and combining marks: what the tokenisers keep (unicode-aware)."""
    return unicodedata.category(char)[0] in "LNM"


def _trim(text: str) -> str:
    """``text`` without the leading and trailing characters that no tokeniser keeps."""
    start, end = 0, len(text)
    while start < end and not _is_word_char(text[start]):
        start += 1
    while end > start and not _is_word_char(text[end - 1]):
        end -= 1
    return text[start:end]


def _term(chunk: str) -> Term | None:
    """A bare word as typed; a trailing ``*`` right after a letter or digit makes it a prefix."""
    word = _trim(chunk)
    stem = chunk.rstrip("*")
    return Term(word, prefix=stem != chunk and _is_word_char(stem[-1])) if word else None


def _phrase(inner: str) -> Term | Phrase | None:
    """The words between quotes; a single word is a Term, no word at all is nothing."""
    found = tuple(word for word in map(_trim, inner.split()) if word)
    if not found:
        return None
    return Term(found[0]) if len(found) == 1 else Phrase(found)


def _clean(query: str) -> str:
    """NFC, with control characters and lone surrogates as spaces (no engine takes them in a word)."""
    text = unicodedata.normalize("NFC", query)
    return "".join(" " if unicodedata.category(char) in ("Cc", "Cs") else char for char in text)


def _around(query: str, start: int, end: int) -> str:
    """The part of the query around ``[start, end)``, for a message."""
    return query[max(0, start - 20) : end + 20].strip()


# --- filters -------------------------------------------------------------------------------------


def _filter(name: str, value: str, source: str) -> Filter:
    name, value = name.lower(), " ".join(value.split())
    if not value:
        raise QueryError(f"filter '{source}' has no value")
    if name in DATE_FILTERS and not _is_date(value):
        raise QueryError(f"'{source}' is not a date: {name}: takes YYYY-MM-DD")
    return Filter(name, value)


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _show_filter(found: Filter) -> str:
    value = f'"{found.value}"' if " " in found.value else found.value
    return f"{'-' if found.negated else ''}{found.name}:{value}"


# --- tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "-", "word" (value: Node | None), "filter" (value: Filter)
    text: str
    start: int
    value: Node | Filter | None = None


def _closing_quote(query: str, start: int) -> int:
    end = query.find('"', start + 1)
    if end < 0:
        raise QueryError(f"unclosed quote in '{query[start:start + 40].strip()}'")
    return end


def _chunk_end(query: str, start: int) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in '()"':
        end += 1
    return end


def _chunk(query: str, start: int) -> tuple[_Token, int]:
    """The token of the bare text at ``start`` (operator, filter or word) and where the next one starts."""
    end = _chunk_end(query, start)
    text = query[start:end]
    if text in OPERATORS:
        return _Token(text, text, start), end
    name = _FILTER.match(text)
    if not name:
        return _Token("word", text, start, _term(text)), end
    value = text[name.end() :]
    if not value and query.startswith('"', end):
        close = _closing_quote(query, end)
        value, end = query[end + 1 : close], close + 1
    source = query[start:end]
    if name.group(1).lower() not in FILTER_NAMES:
        if not value or value.startswith("//"):  # "Breaking:" and "https://..." are words, not filters
            return _Token("word", text, start, _term(text)), end
        raise QueryError(
            f"unknown filter '{name.group(1)}:' in '{source}' (the filters are "
            f"{', '.join(f'{known}:' for known in sorted(FILTER_NAMES))}; "
            f"to search for the text, quote it: \"{source.replace(chr(34), '')}\")"
        )
    return _Token("filter", source, start, _filter(name.group(1), value, source)), end


def _is_negation(query: str, start: int) -> bool:
    """A ``-`` stuck to what follows it negates that; one standing alone is punctuation."""
    following = query[start + 1 : start + 2]
    return query[start] == "-" and following != "" and not following.isspace() and following != ")"


def _tokens(query: str) -> list[_Token]:
    found, at = [], 0
    while at < len(query):
        char = query[at]
        if char.isspace():
            at += 1
        elif char in "()":
            found.append(_Token(char, char, at))
            at += 1
        elif char == '"':
            close = _closing_quote(query, at)
            found.append(_Token("word", query[at : close + 1], at, _phrase(query[at + 1 : close])))
            at = close + 1
        elif _is_negation(query, at):
            found.append(_Token("-", "-", at))
            at += 1
        else:
            token, at = _chunk(query, at)
            found.append(token)
    return found


# --- the tree ------------------------------------------------------------------------------------


def _join(kind: type[And] | type[Or], parts: list[Node | None]) -> Node | None:
    """``kind`` over the parts that are there, nested ones of the same kind flattened; one part is itself."""
    flat: list[Node] = []
    for part in parts:
        if isinstance(part, kind):
            flat.extend(part.parts)
        elif part is not None:
            flat.append(part)
    if len(flat) < 2:
        return flat[0] if flat else None
    return kind(tuple(flat))


def _negate(item: Node | Filter | None) -> Node | Filter | None:
    if isinstance(item, Filter):
        return replace(item, negated=not item.negated)
    if isinstance(item, Not):
        return item.part
    return None if item is None else Not(item)


class _Parser:
    """Recursive descent over the tokens: or := and (OR and)*; and := unary (AND? unary)*;
    unary := (NOT | -)* primary; primary := word | filter | ( or ). Each level returns the text
    node (None when only dropped text was there) and the filters found, in order."""

    def __init__(self, query: str):
        self.query = query
        self.tokens = _tokens(query)
        self.at = 0

    def parse(self) -> tuple[Node | None, tuple[Filter, ...]]:
        node, filters = self.any_of(0)
        if self.at < len(self.tokens):  # only a ")" stops the top level early
            stray = self.tokens[self.at]
            raise QueryError(f"unmatched ')' in '{self.around(stray, stray)}'")
        return node, filters

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def any_of(self, depth: int) -> tuple[Node | None, tuple[Filter, ...]]:
        branches = [self.all_of(depth)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            branches.append(self.all_of(depth))
        if len(branches) > 1:
            for node, filters in branches:
                if node is None and filters:
                    raise QueryError(
                        f"filter '{_show_filter(filters[0])}' is one side of an OR: "
                        "filters apply to the whole query, so OR needs words on both sides"
                    )
        node = _join(Or, [node for node, _ in branches])
        return node, tuple(found for _, filters in branches for found in filters)

    def all_of(self, depth: int) -> tuple[Node | None, tuple[Filter, ...]]:
        items = [self.unary(depth)]
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            if token.kind == "AND":
                self.at += 1
            items.append(self.unary(depth))
        node = _join(And, [item for item in items if not isinstance(item, Filter)])
        return node, tuple(item for item in items if isinstance(item, Filter))

    def unary(self, depth: int) -> Node | Filter | None:
        negations = 0
        while (token := self.peek()) is not None and token.kind in ("NOT", "-"):
            self.at += 1
            negations += 1
        item = self.primary(depth)
        return _negate(item) if negations % 2 else item

    def primary(self, depth: int) -> Node | Filter | None:
        token = self.peek()
        if token is None or token.kind in (")", "AND", "OR"):
            raise self.missing_operand(token)
        self.at += 1
        if token.kind == "filter" and depth:
            raise QueryError(
                f"filter '{token.text}' is inside parentheses: filters apply to the whole query, "
                "so put it outside them"
            )
        if token.kind != "(":
            return token.value
        if depth >= MAX_DEPTH:
            raise QueryError(f"parentheses nested deeper than {MAX_DEPTH} in '{self.around(token, token)}'")
        node, _ = self.any_of(depth + 1)
        close = self.peek()
        if close is None:
            raise QueryError(f"unclosed '(' in '{self.query[token.start:token.start + 40].strip()}'")
        self.at += 1
        return node

    def missing_operand(self, token: _Token | None) -> QueryError:
        """The error for an operand expected at ``token`` (None: the end), told by what came before it."""
        before = self.tokens[self.at - 1] if self.at else None
        if before is not None and before.kind in ("AND", "OR", "NOT", "-"):
            return QueryError(f"nothing after '{before.text}' in '{self.around(before, before)}'")
        if token is not None and token.kind in ("AND", "OR"):
            return QueryError(f"nothing before '{token.text}' in '{self.around(token, token)}'")
        if before is not None and before.kind == "(":
            if token is None:
                return QueryError(f"unclosed '(' in '{self.around(before, None)}'")
            return QueryError(f"empty parentheses in '{self.around(before, token)}'")
        return QueryError(f"unmatched ')' in '{self.around(token, token)}'")

    def around(self, first: _Token | None, last: _Token | None) -> str:
        """The query around the tokens from ``first`` to ``last`` (None: the end), for a message."""
        start = first.start if first else len(self.query)
        return _around(self.query, start, last.start + len(last.text) if last else len(self.query))


# --- checks shared by both engines ---------------------------------------------------------------


def _show(node: Node) -> str:
    """``node`` in the query syntax, for messages."""
    match node:
        case Term(word, prefix):
            return word + ("*" if prefix else "")
        case Phrase(found):
            return '"' + " ".join(found) + '"'
        case Not(part):
            return "NOT " + (f"({_show(part)})" if isinstance(part, (And, Or)) else _show(part))
        case And(parts):
            return " ".join(f"({_show(part)})" if isinstance(part, Or) else _show(part) for part in parts)
        case Or(parts):
            return " OR ".join(map(_show, parts))
    raise QueryError(f"not a query node: {node!r}")


def _check(node: Node) -> None:
    """Raise QueryError unless both engines can search for ``node`` with the same meaning."""
    match node:
        case Term(word):
            if not _trim(word):
                raise QueryError(f"no letter or digit in the word {word!r}")
        case Phrase(found):
            if not found or not all(map(_trim, found)):
                raise QueryError(f"a phrase needs letters or digits in every word: {found!r}")
        case Or(parts):
            _check_parts(node)
            for part in parts:
                if isinstance(part, Not):
                    raise QueryError(
                        f"cannot search for '{_show(node)}': '{_show(part)}' excludes, so it needs a word "
                        "to search for beside it in an AND, not an OR"
                    )
                _check(part)
        case And(parts):
            _check_parts(node)
            if all(isinstance(part, Not) for part in parts):
                raise _only_excluded(node)
            for part in parts:
                _check(part.part if isinstance(part, Not) else part)
        case Not():
            raise _only_excluded(node)
        case _:
            raise QueryError(f"not a query node: {node!r}")


def _check_parts(node: And | Or) -> None:
    if not node.parts:
        raise QueryError(f"{type(node).__name__} with no parts")


def _only_excluded(node: Node) -> QueryError:
    return QueryError(
        f"nothing to search for in '{_show(node)}': an excluded part needs a word to search for beside it"
    )


# --- the API -------------------------------------------------------------------------------------


def parse(query: str) -> Query:
    """The query as a tree of text search and the filters that apply to all of it; QueryError if unusable."""
    text = _clean(query)
    if not text.strip():
        raise QueryError("empty query")
    node, filters = _Parser(text).parse()
    if node is None and not filters:
        raise QueryError(f"nothing to search for in '{_around(text, 0, 40)}': no letter or digit")
    if node is not None:
        _check(node)
    return Query(node, filters)


def to_fts5(node: Node) -> str:
    """An FTS5 MATCH expression: quoted strings, explicit parentheses, NOT as FTS5's binary operator."""
    _check(node)
    return _fts5(node)


def _fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts5(node: Node) -> str:
    match node:
        case Term(word, prefix):
            return _fts5_string(word) + ("*" if prefix else "")
        case Phrase(found):
            return _fts5_string(" ".join(found))
        case Or(parts):
            return "(" + " OR ".join(map(_fts5, parts)) + ")"
        case And(parts):
            wanted = [_fts5(part) for part in parts if not isinstance(part, Not)]
            excluded = [_fts5(part.part) for part in parts if isinstance(part, Not)]
            head = wanted[0] if len(wanted) == 1 else "(" + " AND ".join(wanted) + ")"
            return "(" + " NOT ".join([head, *excluded]) + ")" if excluded else head
    raise QueryError(f"not a query node: {node!r}")  # unreachable after _check


def to_tsquery(node: Node) -> str:
    """A string for PostgreSQL ``to_tsquery('unspin', :q)``: quoted lexemes, ``& | ! <->``, parentheses."""
    _check(node)
    return _tsquery(node)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(node: Node) -> str:
    match node:
        case Term(word, prefix):
            return _lexeme(word) + (":*" if prefix else "")
        case Phrase(found):
            return "(" + " <-> ".join(map(_lexeme, found)) + ")"
        case Or(parts):
            return "(" + " | ".join(map(_tsquery, parts)) + ")"
        case And(parts):
            return "(" + " & ".join(map(_tsquery, parts)) + ")"
        case Not(part):
            return "!" + _tsquery(part)
    raise QueryError(f"not a query node: {node!r}")  # unreachable after _check


def words(node: Node | None) -> list[str]:
    """The words searched for (not those excluded), each once, in order, as typed; prefixes without ``*``."""
    first: dict[str, str] = {}
    for word in _wanted(node):
        first.setdefault(word.casefold(), word)
    return list(first.values())


def _wanted(node: Node | None) -> Iterator[str]:
    match node:
        case Term(word):
            yield word
        case Phrase(found):
            yield from found
        case And(parts) | Or(parts):
            for part in parts:
                yield from _wanted(part)
