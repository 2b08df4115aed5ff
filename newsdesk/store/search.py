"""Finding articles: full-text search (SQLite FTS5, PostgreSQL tsvector), filtered listings, similar articles.

Highlighted snippets mark matches with the control characters ``MARK_START`` and ``MARK_END``
so that the web layer can escape the text first and only then turn the marks into ``<mark>``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, and_, bindparam, func, select, text
from sqlalchemy.sql.elements import ColumnElement

from newsdesk.model import Article
from newsdesk.store.articles import BRIEF_COLUMNS, BRIEF_TEXT, article_from_row
from newsdesk.store.tables import articles, comments, stories

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.sql import Executable

MARK_START = "\x02"
MARK_END = "\x03"
# the stored tsvector of headline and body (revision 0007; only the first 100,000 characters of huge pages)
PG_DOCUMENT = "a.search_vector"
PG_HEADLINE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=2"
RANK_WINDOW = 500
STORY_VERSION_SPAN = 10_000  # newest articles the content version looks among for the newest with a story
COUNT_CAP = 1000  # matches counted exactly: counting every match of a word in half the articles cost 30-60 ms
RECENT_IDS = 10_000  # PostgreSQL first seeks the newest matches among the newest ids (a word in 5% of articles fills
# the rank window from there)
# the Core columns by name (`a.*` would also carry PostgreSQL's stored search vector), the body cut short as
# lists read it (BRIEF_COLUMNS)
ARTICLE_COLUMNS = ", ".join(
    [f'a."{column.name}"' for column in articles.c if column.name != "text"]
    + [f"substr(a.text, 1, {BRIEF_TEXT}) AS text"]
)
# raw SQL results get the column types back by name, so dates come back as aware datetimes
RESULT_TYPES: dict[str, Any] = {c.name: c.type for c in articles.c} | {"hl_title": Text(), "hl_snippet": Text()}
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions on a listing or a search: language, section, outlet domain, story."""

    lang: str | None = None
    section: str | None = None
    domain: str | None = None
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the article and its highlighted title and snippet."""

    article: Article
    title: str
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    """A page of search results and how many matched in all (counted up to COUNT_CAP; more: there were more)."""

    hits: list[SearchHit]
    total: int
    more: bool = False


@functools.lru_cache(maxsize=512)
def _sql(statement: str, *, typed: bool = False, expanding: str = "") -> Executable:
    """Return the statement for this SQL text, built once (filters make a few dozen texts at most).

    typed: its result columns are the articles table's (and the highlights); expanding: a parameter taking a list.
    """
    clause = text(statement)
    if expanding:
        clause = clause.bindparams(bindparam(expanding, expanding=True))
    return clause.columns(**RESULT_TYPES) if typed else clause


def _count(connection: Connection, base: str, params: dict[str, Any]) -> tuple[int, bool]:
    """Return how many rows `SELECT … {base}` matches, up to COUNT_CAP, and whether there are more."""
    query = _sql(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT :cap) capped")
    found = int(connection.execute(query, params | {"cap": COUNT_CAP + 1}).scalar_one())
    return min(found, COUNT_CAP), found > COUNT_CAP


def fts5_query(query: str) -> str:
    """Return a safe FTS5 query for what a reader typed: words, "phrases", -exclusions, OR, prefix*."""
    wanted: list[str] = []
    excluded: list[str] = []
    for match in _TOKEN.finditer(query[:500]):
        negative, phrase, word = match.group(1), match.group(2), match.group(3)
        if word == "OR" and wanted and wanted[-1] != "OR":
            wanted.append("OR")
            continue
        if word is not None:
            negative, prefix = word.startswith("-"), word.endswith("*")
            terms = _WORD.findall(word)
        else:
            negative, prefix, terms = bool(negative), False, _WORD.findall(phrase)
        if not terms:
            continue
        quoted = '"' + " ".join(terms) + '"' + ("*" if prefix else "")
        (excluded if negative else wanted).append(quoted)
    while wanted and wanted[-1] == "OR":
        wanted.pop()
    if not wanted:
        return ""
    return " ".join(wanted) + "".join(f" NOT {term}" for term in excluded)


def _filters(f: Filters) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if f.lang:
        found.append(articles.c.lang == f.lang)
    if f.section:
        found.append(articles.c.section == f.section)
    if f.domain:
        found.append(articles.c.domain == f.domain)
    if f.story_id is not None:
        found.append(articles.c.story_id == f.story_id)
    return found


def _filter_sql(f: Filters) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    for name in ("lang", "section", "domain", "story_id"):
        value = getattr(f, name)
        if value is not None and value != "":
            clauses.append(f"a.{name} = :f_{name}")
            params[f"f_{name}"] = value
    return "".join(f" AND {c}" for c in clauses), params


class SearchStore:
    """Methods of Store for finding articles."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def browse_articles(self, filters: Filters | None = None, *, limit: int = 30, offset: int = 0) -> list[Article]:
        """Return the newest articles matching filters (undated ones last), as lists show them (BRIEF_COLUMNS)."""
        query = select(*BRIEF_COLUMNS).where(and_(True, *_filters(filters or Filters())))
        if self.engine.dialect.name == "postgresql":
            order = [articles.c.published.desc().nulls_last(), articles.c.id.desc()]
        else:  # SQLite sorts NULL lowest, so DESC puts undated articles last and can use the index
            order = [articles.c.published.desc(), articles.c.id.desc()]
        with self.reader.connect() as connection:
            rows = connection.execute(query.order_by(*order).limit(limit).offset(offset)).all()
        return [article_from_row(row) for row in rows]

    def facet_values(self, column: str, limit: int = 50) -> list[str]:
        """Return the most common non-empty values of lang, section or domain, for filter menus."""
        if column not in ("lang", "section", "domain"):
            raise ValueError(f"no facet {column!r}")
        col = articles.c[column]
        query = select(col).where(col != "").group_by(col).order_by(func.count().desc(), col).limit(limit)
        with self.reader.connect() as connection:
            return [row[0] for row in connection.execute(query)]

    def search_articles(
        self, query: str, filters: Filters | None = None, *, limit: int = 20, offset: int = 0
    ) -> SearchPage:
        """Return articles whose headline or body match query, best first, with highlighted snippets."""
        if not query.strip():
            return SearchPage([], 0)
        if self.engine.dialect.name == "postgresql":
            return self._search_pg(query, filters or Filters(), limit, offset)
        return self._search_sqlite(query, filters or Filters(), limit, offset)

    def _search_sqlite(self, query: str, filters: Filters, limit: int, offset: int) -> SearchPage:
        match = fts5_query(query)
        if not match:
            return SearchPage([], 0)
        where, params = _filter_sql(filters)
        params |= {"q": match, "window": max(RANK_WINDOW, offset + limit) - 1, "limit": limit, "offset": offset}
        join = " JOIN articles a ON a.id = articles_fts.rowid" if where else ""
        base = f"FROM articles_fts{join} WHERE articles_fts MATCH :q{where}"
        with self.reader.connect() as connection:
            # bm25 ranks only the newest matches, so that a common word costs a bounded amount of work
            floor = connection.execute(
                _sql(f"SELECT articles_fts.rowid {base} ORDER BY articles_fts.rowid DESC LIMIT 1 OFFSET :window"),
                params,
            ).scalar()
            ranked = _sql(
                f"SELECT articles_fts.rowid {base} AND articles_fts.rowid >= :floor "
                "ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT :limit OFFSET :offset"
            )
            ids = [row[0] for row in connection.execute(ranked, params | {"floor": floor or 0})]
            total, more = _count(connection, base, params)
            if not ids:
                return SearchPage([], total, more)
            # snippets only for the page of hits: SQLite would otherwise build one for every match it sorts
            # the ids as one expanding parameter: the same statement text every time, compiled once
            marked = _sql(
                f"SELECT {ARTICLE_COLUMNS}, highlight(articles_fts, 0, :ms, :me) AS hl_title, "
                "snippet(articles_fts, 1, :ms, :me, '…', 32) AS hl_snippet FROM articles_fts "
                "JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH :q AND articles_fts.rowid "
                "IN :ids",
                typed=True,
                expanding="ids",
            )
            found = connection.execute(marked, {"q": match, "ms": MARK_START, "me": MARK_END, "ids": ids})
            rows = {r.id: r for r in found}
        hits = [SearchHit(article_from_row(rows[i]), rows[i].hl_title, rows[i].hl_snippet) for i in ids if i in rows]
        return SearchPage(hits, total, more)

    def _search_pg(self, query: str, filters: Filters, limit: int, offset: int) -> SearchPage:
        where, params = _filter_sql(filters)
        base = f"FROM articles a WHERE {PG_DOCUMENT} @@ websearch_to_tsquery('simple', :q){where}"
        # rank only the newest matches so that a common word costs a bounded amount of work; OFFSET 0 keeps
        # PostgreSQL reading matches off the GIN index instead of walking ids backwards through to_tsvector.
        # The newest matches are sought among the newest ids first (a bitmap AND with an id range), and among
        # all only when those hold fewer than the window: the second branch runs only then (a one-time filter).
        newest = "(SELECT max(id) FROM articles) - :recent"
        page = _sql(
            f"WITH recent AS (SELECT m.id FROM (SELECT a.id {base} AND a.id > {newest} OFFSET 0) m "
            "  ORDER BY m.id DESC LIMIT :window), "
            "matched AS (SELECT id FROM recent WHERE (SELECT count(*) FROM recent) >= :window UNION ALL "
            f"  SELECT id FROM (SELECT m.id FROM (SELECT a.id {base} OFFSET 0) m ORDER BY m.id DESC LIMIT :window) o"
            "  WHERE (SELECT count(*) FROM recent) < :window), "
            f"found AS (SELECT a.id, ts_rank_cd({PG_DOCUMENT}, websearch_to_tsquery('simple', :q)) AS score"
            "  FROM matched JOIN articles a ON a.id = matched.id"
            "), best AS (SELECT id, score FROM found ORDER BY score DESC, id DESC LIMIT :limit OFFSET :offset) "
            f"SELECT {ARTICLE_COLUMNS}, "
            "ts_headline('simple', a.title, websearch_to_tsquery('simple', :q), :hl_all) AS hl_title, "
            "ts_headline('simple', left(a.text, 3000), websearch_to_tsquery('simple', :q), :hl) AS hl_snippet "
            "FROM best JOIN articles a ON a.id = best.id ORDER BY best.score DESC, a.id DESC",
            typed=True,
        )
        params |= {
            "q": query[:500],
            "limit": limit,
            "offset": offset,
            "hl": PG_HEADLINE_OPTIONS,
            "hl_all": f"StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true",
            "window": max(RANK_WINDOW, offset + limit),
            "recent": RECENT_IDS,
        }
        with self.reader.connect() as connection:
            rows = connection.execute(page, params).all()
            total, more = _count(connection, base, params)
        return SearchPage([SearchHit(article_from_row(r), r.hl_title, r.hl_snippet) for r in rows], total, more)

    def content_version(self) -> tuple[int, int, int, int]:
        """Return a fingerprint that changes when an article, story or comment is added, or articles join stories.

        The newest article, story and comment ids, and the newest article (among the newest 10,000) that has
        its story: the story stage assigns stories just after the articles are stored, and pages rendered in
        between must not outlive it. Each is a short walk down a primary-key index, so web workers can poll it
        often to know when cached pages went stale.
        """
        newest = select(func.max(articles.c.id)).scalar_subquery()
        clustered = (
            select(articles.c.id)
            .where(articles.c.id > newest - STORY_VERSION_SPAN, articles.c.story_id.is_not(None))
            .order_by(articles.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        query = select(
            newest,
            select(func.max(stories.c.id)).scalar_subquery(),
            select(func.max(comments.c.id)).scalar_subquery(),
            clustered,
        )
        with self.reader.connect() as connection:
            row = connection.execute(query).one()
        return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)


__all__ = ["MARK_END", "MARK_START", "Filters", "SearchHit", "SearchPage", "SearchStore", "fts5_query"]
