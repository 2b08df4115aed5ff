"""What the analysis stage found, in the database: entities, mentions, quotes, attributions."""

from __future__ import annotations

import json
import random
import time
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from newsdesk.model import Article, Attribution, Entity, Mention, Quote
from newsdesk.store.tables import attributions, entities, mentions, quotes

if TYPE_CHECKING:
    from sqlalchemy import Engine

DEADLOCK_RETRIES = 5


# the statements of the article page's reads, built once: building a statement cost more than running it on SQLite
_MENTIONS_OF = (
    select(mentions, entities.c.name)
    .outerjoin(entities, mentions.c.entity_id == entities.c.id)
    .where(mentions.c.article_id == bindparam("article"))
    .order_by(mentions.c.start)
)
_QUOTES_OF = select(quotes).where(quotes.c.article_id == bindparam("article")).order_by(quotes.c.start)
_ATTRIBUTIONS_OF = select(attributions).where(attributions.c.article_id == bindparam("article"))


class AnalysisStore:
    """Methods of Store for analysis results."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def save_analysis(self, article_id: int, article: Article, found: list[Entity] | None = None) -> None:
        """Replace the stored mentions, quotes and attributions of one article with article's."""
        for attempt in range(DEADLOCK_RETRIES):
            try:
                return self._save_analysis(article_id, article, found)
            except OperationalError as error:
                # concurrent writers (backfill workers) share entity rows; PostgreSQL aborts one of two
                # transactions that wait on each other, and running that one again is the remedy
                if getattr(error.orig, "sqlstate", None) != "40P01" or attempt == DEADLOCK_RETRIES - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.1) * (attempt + 1))

    def _save_analysis(self, article_id: int, article: Article, found: list[Entity] | None) -> None:
        known = {(e.name, e.label): e for e in found or []}
        with self.engine.begin() as connection:
            self._count_mentions(connection, article_id, -1)
            for table in (mentions, quotes, attributions):
                connection.execute(delete(table).where(table.c.article_id == article_id))
            # rows are locked in one order (names, then ids) by every writer, which keeps deadlocks rare
            entity_ids = {
                key: self._entity_id(connection, known.get(key) or Entity(*key))
                for key in sorted({(m.entity, m.label) for m in article.mentions if m.entity})
            }
            mention_rows = [
                {
                    "article_id": article_id,
                    "entity_id": entity_ids.get((m.entity, m.label)),
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "label": m.label[:8],
                }
                for m in article.mentions
            ]
            quote_rows = [
                {
                    "article_id": article_id,
                    "text": q.text,
                    "speaker": q.speaker[:512],
                    "cue": q.cue[:128],
                    "kind": q.kind[:16],
                    "start": q.start,
                    "end": q.end,
                }
                for q in article.quotes
            ]
            source_rows = [
                {"article_id": article_id, "source": a.source[:512], "cites": a.cites[:512]}
                for a in article.attributions
            ]
            for table, rows in ((mentions, mention_rows), (quotes, quote_rows), (attributions, source_rows)):
                if rows:
                    connection.execute(table.insert(), rows)
            self._count_mentions(connection, article_id, +1)

    def _count_mentions(self, connection: Connection, article_id: int, sign: int) -> None:
        """Add (or take away) one article's mentions to its entities' mention counts."""
        query = (
            select(mentions.c.entity_id, func.count().label("n"))
            .where(mentions.c.article_id == article_id, mentions.c.entity_id.is_not(None))
            .group_by(mentions.c.entity_id)
            .order_by(mentions.c.entity_id)
        )
        for row in connection.execute(query).all():
            counted = entities.c.mention_count + sign * int(row.n)
            connection.execute(entities.update().where(entities.c.id == row.entity_id).values(mention_count=counted))

    def _entity_id(self, connection: Connection, entity: Entity) -> int:
        entity = Entity(entity.name[:512], entity.label[:8], entity.variants, entity.role)
        key = (entities.c.name == entity.name) & (entities.c.label == entity.label)
        row = connection.execute(select(entities.c.id, entities.c.variants, entities.c.role).where(key)).first()
        if row is None:
            values = {
                "name": entity.name,
                "label": entity.label,
                "role": entity.role[:512],
                "variants": json.dumps(sorted(set(entity.variants))),
            }
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(entities).values(**values).on_conflict_do_nothing().returning(entities.c.id)
            new_id = connection.execute(statement).scalar()
            if new_id is not None:
                return int(new_id)
            # another writer stored this entity meanwhile: merge into its row below
            row = connection.execute(select(entities.c.id, entities.c.variants, entities.c.role).where(key)).one()
        variants = sorted(set(json.loads(row.variants)) | set(entity.variants))
        role = (entity.role or row.role)[:512]
        if variants != json.loads(row.variants) or role != row.role:
            connection.execute(
                entities.update().where(entities.c.id == row.id).values(variants=json.dumps(variants), role=role)
            )
        return int(row.id)

    def mentions_of(self, article_ids: list[int]) -> dict[int, list[Mention]]:
        """Return the stored mentions of many articles at once, with their entities' canonical names."""
        found: dict[int, list[Mention]] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(article_ids), 500):
                query = (
                    select(mentions, entities.c.name)
                    .outerjoin(entities, mentions.c.entity_id == entities.c.id)
                    .where(mentions.c.article_id.in_(article_ids[start : start + 500]))
                    .order_by(mentions.c.article_id, mentions.c.start)
                )
                for r in connection.execute(query):
                    found.setdefault(r.article_id, []).append(Mention(r.start, r.end, r.text, r.label, r.name or ""))
        return found

    def known_entities(self, *, limit: int = 5000) -> list[Entity]:
        """Return the stored entities, the most mentioned first, with their known spellings."""
        query = select(entities).order_by(entities.c.mention_count.desc(), entities.c.id).limit(limit)
        with self.reader.connect() as connection:
            rows = connection.execute(query).all()
        return [Entity(r.name, r.label, tuple(json.loads(r.variants)), r.role, r.id) for r in rows]

    def get_entity(self, entity_id: int) -> Entity | None:
        """Return the entity with this id, or None."""
        with self.reader.connect() as connection:
            row = connection.execute(select(entities).where(entities.c.id == entity_id)).first()
        if row is None:
            return None
        return Entity(row.name, row.label, tuple(json.loads(row.variants)), row.role, row.id)

    def article_analysis(self, article_id: int) -> tuple[list[Mention], list[Quote], list[Attribution]]:
        """Return the stored mentions, quotes and attributions of one article."""
        with self.reader.connect() as connection:
            m_rows = connection.execute(_MENTIONS_OF, {"article": article_id}).all()
            q_rows = connection.execute(_QUOTES_OF, {"article": article_id}).all()
            a_rows = connection.execute(_ATTRIBUTIONS_OF, {"article": article_id}).all()
        found_mentions = [Mention(r.start, r.end, r.text, r.label, r.name or "") for r in m_rows]
        found_quotes = [Quote(r.text, r.speaker, r.cue, r.kind, r.start, r.end) for r in q_rows]
        return found_mentions, found_quotes, [Attribution(r.source, r.cites) for r in a_rows]
