"""The search syntax: its trees, its errors, and the same matches from real SQLite FTS5 and PostgreSQL."""

from __future__ import annotations

import random
import sqlite3
import uuid

import pytest

from unspin.store.query import (
    And,
    Filter,
    Not,
    Or,
    Phrase,
    Query,
    QueryError,
    Term,
    parse,
    to_fts5,
    to_tsquery,
    words,
)

DOCS = {
    1: "A drone strike hit Baghdad airport on Friday.",
    2: "Officials denied the rumour of a strike near the airport in Baghdad.",
    3: "Drones were seen over the capital; no strike was reported.",
    4: "The U.S. army said the airport would reopen.",
    5: "Rumours spread about an e-mail from the minister's office.",
    6: 'The quiz asked: is NEAR(x y) or title:foo valid? O\'Brien said "no"; costs rose 3.5% at example.com.',
    7: "A café in Zürich reopened.",
    8: "Президент заявил о ударе беспилотника.",
}

#: Queries and the documents both engines must match. Left out on purpose, because the engines' own
#: tokenisers differ (not the compiled query): ``zurich`` (only FTS5 removes diacritics), ``s`` or
#: ``example`` alone (PostgreSQL keeps ``U.S.`` and ``example.com`` as one lexeme), and words whose
#: Porter and Snowball stems differ (``new`` finds ``news`` only in FTS5).
CASES = [
    ("strike", {1, 2, 3}),
    ("STRIKE", {1, 2, 3}),
    ("strikes", {1, 2, 3}),
    ("drone", {1, 3}),
    ("drone*", {1, 3}),
    ("airp*", {1, 2, 4}),
    ("reopen*", {4, 7}),
    ('"Baghdad airport"', {1}),
    ("Baghdad airport", {1, 2}),
    ("Baghdad AND airport", {1, 2}),
    ("(strike) (((airport)))", {1, 2}),
    ("strike OR rumour", {1, 2, 3, 5}),
    ("drone OR strike", {1, 2, 3}),
    ("drone or strike", set()),
    ("title or valid", {6}),
    ("strike -drone", {2}),
    ("strike NOT drone", {2}),
    ("-drone strike", {2}),
    ("airport -(drone OR officials)", {4}),
    ('airport -"Baghdad airport"', {2, 4}),
    ("airport OR rumour strike", {1, 2, 4}),
    ("(airport OR rumour) strike", {1, 2}),
    ("strike AND (Baghdad OR capital) -rumour", {1, 3}),
    ("drone NOT -strike", {1, 3}),
    ("U.S.", {4}),
    ('"the U.S. army"', {4}),
    ("e-mail", {5}),
    ("mail", {5}),
    ("minister's", {5}),
    ("O'Brien", {6}),
    ("3.5%", {6}),
    ("example.com", {6}),
    ('"title:foo"', {6}),  # quoted: an unknown name: is text only inside quotes
    ("NEAR(x y)", {6}),
    ("x^y", {6}),
    ("Zürich", {7}),
    ("ZÜRICH café", {7}),
    ("Zu\u0308rich", {7}),
    ("президент", {8}),
    ("ПРЕЗИДЕНТ*", {8}),
    ("'; DROP TABLE t; --", set()),
    ('strike "Baghdad airport" OR drone NOT -rumour outlet:example.com after:2020-01-01', {1}),
]

#: Text that must never reach an engine as syntax: each either parses and runs, or is a QueryError.
HOSTILE = [
    '"',
    "'",
    "\\",
    ":",
    "*",
    "^",
    "NEAR(",
    "NEAR(a b, 2)",
    "a NEAR b",
    "^strike",
    "body:strike",
    "{body}:strike",
    "- body : strike",
    "strike:",
    ":strike",
    "strike*:*",
    "strike:*",
    "strike:AB",
    "a & b | !c <-> d",
    "'a' | 'b'",
    "a\\' | \\'b",
    "it''s",
    '""strike""',
    "'; DROP TABLE t; --",
    '" OR 1=1 --',
    "1' OR '1'='1",
    "strike); DELETE FROM t; --",
    "a\x00b",
    "a\nOR\tb",
    "\ud800strike",
    "+strike",
    "strike AND",
]

T = Term


def test_words_phrases_and_prefixes():
    assert parse("strike") == Query(T("strike"), ())
    assert parse("drone*") == Query(T("drone", prefix=True), ())
    assert parse('"Baghdad airport"').text == Phrase(("Baghdad", "airport"))
    assert parse('"strike"').text == T("strike")
    assert parse("Президент*").text == T("Президент", prefix=True)


def test_words_are_kept_as_typed_but_trimmed_to_letters_and_digits():
    assert parse("U.S.").text == T("U.S")
    assert parse('"the U.S. army"').text == Phrase(("the", "U.S", "army"))
    assert parse("#hashtag 3.5% (e-mail)").text == And((T("hashtag"), T("3.5"), T("e-mail")))
    assert parse("e-mai*").text == T("e-mai", prefix=True)
    assert parse("*drone").text == T("drone")
    assert parse("drone**").text == T("drone", prefix=True)
    assert parse('"drone*"').text == T("drone")  # quotes are exact
    assert parse('"Baghdad - airport"').text == Phrase(("Baghdad", "airport"))
    assert parse('a ^ "^" - b').text == And((T("a"), T("b")))  # no letter or digit: dropped
    assert parse("Zu\u0308rich").text == T("Zürich")  # NFC
    assert parse("a\nb\x00c").text == And((T("a"), T("b"), T("c")))


def test_boolean_operators_and_juxtaposition():
    a, b, c = T("a"), T("b"), T("c")
    assert parse("a b").text == And((a, b))
    assert parse("a AND b").text == And((a, b))
    assert parse("a OR b").text == Or((a, b))
    assert parse("a NOT b").text == And((a, Not(b)))
    assert parse("a -b").text == And((a, Not(b)))
    assert parse('a -"b c"').text == And((a, Not(Phrase(("b", "c")))))
    assert parse("a -(b OR c)").text == And((a, Not(Or((b, c)))))
    assert parse("a or b and not c").text == And((a, T("or"), b, T("and"), T("not"), c))


def test_precedence_not_and_or():
    a, b, c = T("a"), T("b"), T("c")
    assert parse("a OR b c").text == Or((a, And((b, c))))
    assert parse("a b OR c").text == Or((And((a, b)), c))
    assert parse("a AND b OR c").text == Or((And((a, b)), c))
    assert parse("(a OR b) c").text == And((Or((a, b)), c))
    assert parse("NOT a b").text == And((Not(a), b))
    assert parse("a OR NOT b c").text == Or((a, And((Not(b), c))))


def test_groups_flatten_and_double_negation_cancels():
    a, b, c = T("a"), T("b"), T("c")
    assert parse("a (b c)").text == And((a, b, c))
    assert parse("a OR (b OR c)").text == Or((a, b, c))
    assert parse("a (-b -c)").text == And((a, Not(b), Not(c)))
    assert parse("a NOT -b").text == And((a, b))
    assert parse("--a").text == a
    assert parse("a -(NOT b)").text == And((a, b))


def test_filters():
    query = parse('strike "Baghdad airport" OR drone NOT -rumour outlet:example.com after:2020-01-01')
    strike_at_airport = And((T("strike"), Phrase(("Baghdad", "airport"))))
    assert query.text == Or((strike_at_airport, And((T("drone"), T("rumour")))))
    assert query.filters == (Filter("outlet", "example.com"), Filter("after", "2020-01-01"))
    assert parse('entity:"Joe  Biden" strike').filters == (Filter("entity", "Joe Biden"),)
    assert parse("strike -outlet:x.com").filters == (Filter("outlet", "x.com", negated=True),)
    assert parse("strike NOT outlet:x.com").filters == (Filter("outlet", "x.com", negated=True),)
    assert parse("strike NOT -outlet:x.com").filters == (Filter("outlet", "x.com"),)
    assert parse("Outlet:X.com Language:en").filters == (Filter("outlet", "X.com"), Filter("language", "en"))
    assert parse("technique:loaded_language before:2021-12-31").filters == (
        Filter("technique", "loaded_language"),
        Filter("before", "2021-12-31"),
    )
    assert parse("outlet:https://x.com/a:b").filters == (Filter("outlet", "https://x.com/a:b"),)


def test_filters_apply_to_the_whole_query_wherever_they_stand_outside_parentheses():
    query = parse("outlet:x.com strike OR drone entity:Iran")
    assert query.text == Or((T("strike"), T("drone")))
    assert query.filters == (Filter("outlet", "x.com"), Filter("entity", "Iran"))
    assert parse("strike AND outlet:x.com").text == T("strike")


def test_a_query_of_filters_only_has_no_text():
    assert parse("outlet:x.com -entity:Iran") == Query(
        None, (Filter("outlet", "x.com"), Filter("entity", "Iran", negated=True))
    )
    assert parse("-outlet:x.com") == Query(None, (Filter("outlet", "x.com", negated=True),))


def test_urls_quoted_prefixes_and_column_syntax_are_words():
    assert parse("http://example.com/a").text == T("http://example.com/a")
    assert parse('"title:foo"').text == T("title:foo")
    assert parse("Breaking: strike").text == And((T("Breaking"), T("strike")))
    assert parse("strike {title}:x").text == And((T("strike"), T("title}:x")))
    assert parse("NEAR(a b)").text == And((T("NEAR"), T("a"), T("b")))


@pytest.mark.parametrize("query", ["outlte:rt.com", "foo:bar", "strike title:foo", 'body:"a b"', "-Outlets:x"])
def test_an_unknown_filter_is_an_error_naming_the_known_ones(query):
    with pytest.raises(QueryError) as caught:
        parse(query)
    message = str(caught.value)
    assert "unknown filter" in message and "\n" not in message
    assert all(f"{name}:" in message for name in ("outlet", "entity", "technique", "language", "after", "before"))


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty query"),
        ("  \n ", "empty query"),
        ("NOT strike", "nothing to search for in 'NOT strike'"),
        ("-strike", "nothing to search for in 'NOT strike'"),
        ("-strike -drone", "'NOT strike NOT drone'"),
        ("NOT (a OR b)", "'NOT (a OR b)'"),
        ("outlet:x.com -strike", "'NOT strike'"),
        ("a OR -b", "cannot search for 'a OR NOT b'"),
        ("NOT a OR b", "'NOT a' excludes"),
        ("(a", "unclosed '(' in '(a'"),
        ("a (", "unclosed '('"),
        ("a)", "unmatched ')' in 'a)'"),
        ("(a)) b", "unmatched ')'"),
        (") a", "unmatched ')'"),
        ('"a b', "unclosed quote in '\"a b'"),
        ('a "b" "c', "unclosed quote in '\"c'"),
        ('entity:"Joe', "unclosed quote"),
        ("()", "empty parentheses in '()'"),
        ("a AND", "nothing after 'AND' in 'a AND'"),
        ("AND a", "nothing before 'AND' in 'AND a'"),
        ("a OR", "nothing after 'OR'"),
        ("OR a", "nothing before 'OR'"),
        ("(OR a)", "nothing before 'OR'"),
        ("a OR OR b", "nothing after 'OR'"),
        ("a AND OR b", "nothing after 'AND'"),
        ("a NOT", "nothing after 'NOT'"),
        ("a (NOT)", "nothing after 'NOT'"),
        ("a -AND b", "nothing after '-'"),
        ("after:2020-02-30", "'after:2020-02-30' is not a date"),
        ("before:yesterday", "'before:yesterday' is not a date"),
        ("after:2020-1-1", "YYYY-MM-DD"),
        ("after:20200101", "YYYY-MM-DD"),
        ("outlet:", "filter 'outlet:' has no value"),
        ('entity:"  "', "has no value"),
        ("(a outlet:x.com)", "filter 'outlet:x.com' is inside parentheses"),
        ("a -(b -outlet:x.com)", "filter 'outlet:x.com' is inside parentheses"),
        ("a OR outlet:x.com", "filter 'outlet:x.com' is one side of an OR"),
        ("-entity:Iran OR a", "filter '-entity:Iran' is one side of an OR"),
        ("^^ ** -- -", "nothing to search for in '^^ ** -- -'"),
        ('"" "."', "nothing to search for"),
        ("(" * 40 + "a" + ")" * 40, "nested deeper than 32"),
    ],
)
def test_errors(query, message):
    with pytest.raises(QueryError) as raised:
        parse(query)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_to_fts5():
    a, b, c, d = T("a"), T("b"), T("c"), T("d")
    assert to_fts5(T("drone", prefix=True)) == '"drone"*'
    assert to_fts5(Phrase(("Baghdad", "airport"))) == '"Baghdad airport"'
    assert to_fts5(Or((a, b))) == '("a" OR "b")'
    assert to_fts5(And((a, b))) == '("a" AND "b")'
    assert to_fts5(And((a, b, Not(c), Not(d)))) == '(("a" AND "b") NOT "c" NOT "d")'
    assert to_fts5(And((Not(c), a))) == '("a" NOT "c")'
    assert to_fts5(And((Or((a, b)), Not(And((c, Not(d))))))) == '(("a" OR "b") NOT ("c" NOT "d"))'
    assert to_fts5(T('say "hi"')) == '"say ""hi"""'
    assert to_fts5(T("title:foo")) == '"title:foo"'


def test_to_tsquery():
    a, b, c = T("a"), T("b"), T("c")
    assert to_tsquery(T("drone", prefix=True)) == "'drone':*"
    assert to_tsquery(Phrase(("Baghdad", "airport"))) == "('Baghdad' <-> 'airport')"
    assert to_tsquery(Or((a, b))) == "('a' | 'b')"
    assert to_tsquery(And((a, b, Not(c)))) == "('a' & 'b' & !'c')"
    assert to_tsquery(And((a, Not(Or((b, c)))))) == "('a' & !('b' | 'c'))"
    assert to_tsquery(T("it's")) == "'it''s'"
    assert to_tsquery(T("a\\b")) == "'a\\\\b'"


@pytest.mark.parametrize(
    "node",
    [
        Not(T("a")),
        Or((T("a"), Not(T("b")))),
        And((Not(T("a")), Not(T("b")))),
        And((T("a"), Not(Not(T("b"))))),
        And(()),
        Or(()),
        T(""),
        T("***"),
        Phrase(()),
        Phrase(("a", "")),
        "strike",
    ],
)
def test_both_compilers_reject_the_same_trees(node):
    with pytest.raises(QueryError):
        to_fts5(node)
    with pytest.raises(QueryError):
        to_tsquery(node)


def test_words_for_highlighting():
    assert words(parse('strike "Baghdad airport" OR drone* -rumour -"fake news"').text) == [
        "strike",
        "Baghdad",
        "airport",
        "drone",
    ]
    assert words(parse("Strike strike STRIKE U.S.").text) == ["Strike", "U.S"]
    assert words(None) == []


# --- the real engines ----------------------------------------------------------------------------


def compiled(query: str) -> tuple[str, str] | None:
    """The query for FTS5 and for tsquery; None when it is a QueryError or has no text."""
    try:
        text = parse(query).text
    except QueryError:
        return None
    return None if text is None else (to_fts5(text), to_tsquery(text))


def fuzz(count: int = 300) -> list[str]:
    """Deterministic nonsense built from the pieces either engine might read as syntax."""
    pieces = ['"', "'", "\\", ":", "*", "^", "(", ")", "{", "}", "-", "+", ";", "&", "|", "!", "<->", "%"]
    pieces += ["_", " ", "AND", "OR", "NOT", "NEAR", "a", "é", "1", "outlet:", "title:", "after:"]
    pieces += ["--", "\x00", "\n"]
    rng = random.Random(20240501)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 9))) for _ in range(count)]


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", DOCS.items())

    def search(expression: str) -> set[int]:
        return {row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))}

    yield search
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (len(DOCS),)
    conn.close()


@pytest.mark.parametrize("query, expected", CASES)
def test_sqlite_matches(fts, query, expected):
    assert fts(to_fts5(parse(query).text)) == expected


@pytest.mark.parametrize(
    "node, expected",
    [
        (T("x' | 'y"), {6}),  # the phrase x y, not x OR y
        (T("a\\b"), set()),
        (T('"no"'), {3, 6}),
        (T("title:foo"), {6}),
        (T("{body}:strike"), set()),
        (T("NEAR(x"), {6}),
        (Phrase(('"O', "Brien'")), {6}),
    ],
)
def test_sqlite_reads_hostile_words_as_words(fts, node, expected):
    assert fts(to_fts5(node)) == expected


def test_sqlite_takes_every_hostile_query(fts):
    for query in HOSTILE + fuzz():
        if (found := compiled(query)) is not None:
            fts(found[0])  # an sqlite3.OperationalError here is FTS5 reading user text as syntax


# PostgreSQL: only with a server the tester points at; nothing is left behind (all in one rolled-back
# transaction, in a schema of its own).

PG_SETUP = [
    "CREATE TEXT SEARCH DICTIONARY unspin_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION unspin (COPY = simple)",
    """ALTER TEXT SEARCH CONFIGURATION unspin ALTER MAPPING FOR asciiword, word, numword, asciihword, hword,
        hword_part, hword_asciipart, hword_numpart WITH unspin_stem""",
    "CREATE TABLE t (id integer PRIMARY KEY, body tsvector)",
]


@pytest.fixture(scope="module")
def pg_conn(postgres_url):
    """A plain psycopg connection to the session's throwaway cluster (tests/conftest.py)."""
    import psycopg

    conn = psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        yield conn
    finally:
        conn.rollback()
        conn.close()


@pytest.fixture(scope="module")
def pg(pg_conn):
    """A search function over DOCS in a fresh schema of the open transaction."""
    schema = f"unspin_query_test_{uuid.uuid4().hex}"
    pg_conn.execute(f"CREATE SCHEMA {schema}")
    pg_conn.execute(f"SET LOCAL search_path TO {schema}")
    for statement in PG_SETUP:
        pg_conn.execute(statement)
    with pg_conn.cursor() as cursor:
        cursor.executemany("INSERT INTO t VALUES (%s, to_tsvector('unspin', %s))", DOCS.items())

    def search(tsquery: str) -> set[int]:
        with pg_conn.transaction():  # a savepoint: one failing query does not end the others
            rows = pg_conn.execute("SELECT id FROM t WHERE body @@ to_tsquery('unspin', %s)", (tsquery,))
            return {row[0] for row in rows}

    return search


def tsquery_text(conn, tsquery: str) -> str:
    """What PostgreSQL made of a compiled query."""
    with conn.transaction():
        return conn.execute("SELECT to_tsquery('unspin', %s)::text", (tsquery,)).fetchone()[0]


@pytest.mark.parametrize("query, expected", CASES)
def test_postgres_matches_what_sqlite_matches(pg, fts, query, expected):
    text = parse(query).text
    assert pg(to_tsquery(text)) == expected == fts(to_fts5(text))


def test_postgres_reads_hostile_words_as_words(pg, pg_conn):
    assert tsquery_text(pg_conn, to_tsquery(T("x' | 'y"))) == "'x' <-> 'y'"
    assert tsquery_text(pg_conn, to_tsquery(T("a\\b"))) == "'a' <-> 'b'"
    assert tsquery_text(pg_conn, to_tsquery(T("drone':*"))) == "'drone'"
    assert tsquery_text(pg_conn, to_tsquery(T("strike:AB"))) == "'strike' <-> 'ab'"
    assert pg(to_tsquery(T("title:foo"))) == {6}
    assert pg(to_tsquery(Phrase(('"O', "Brien'")))) == {6}


def test_postgres_takes_every_hostile_query(pg):
    for query in HOSTILE + fuzz():
        if (found := compiled(query)) is not None:
            pg(found[1])  # a psycopg error here is to_tsquery reading user text as syntax
