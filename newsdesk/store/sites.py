"""Site templates in the database: block fingerprints of a site's recent pages, and the blocks learned from them.

The learning itself is the extract stage's (``newsdesk.extract.learn_template``); this module only keeps data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from newsdesk.store.tables import site_templates

if TYPE_CHECKING:
    from sqlalchemy import Engine

KEEP_PAGES = 30  # fingerprints of the latest pages kept per site, enough to relearn a changed template


class SiteRecord(NamedTuple):
    """A site's stored template: how many pages were seen, their recent fingerprints, the blocks to strip."""

    domain: str
    pages_seen: int
    page_prints: list[list[str]]
    blocks: list[str]


class SiteStore:
    """Methods of Store for learned site templates."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def add_site_page(self, domain: str, fingerprints: list[str]) -> SiteRecord:
        """Record one page's block fingerprints for domain and return the site's record."""
        record = self.site_record(domain)
        prints = [*(record.page_prints if record else []), list(fingerprints)][-KEEP_PAGES:]
        seen = (record.pages_seen if record else 0) + 1
        values = {"pages_seen": seen, "page_prints": json.dumps(prints), "updated_at": datetime.now(UTC)}
        with self.engine.begin() as connection:
            inserted = 0
            if record is None:  # another writer may add the site first: then this page updates its row
                dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
                statement = dialect.insert(site_templates).values(domain=domain, blocks="[]", **values)
                inserted = connection.execute(statement.on_conflict_do_nothing()).rowcount
            if not inserted:
                connection.execute(site_templates.update().where(site_templates.c.domain == domain).values(**values))
        return SiteRecord(domain, seen, prints, record.blocks if record else [])

    def save_site_blocks(self, domain: str, blocks: list[str]) -> None:
        """Store the blocks learned for domain."""
        with self.engine.begin() as connection:
            connection.execute(
                site_templates.update().where(site_templates.c.domain == domain).values(blocks=json.dumps(blocks))
            )

    def site_record(self, domain: str) -> SiteRecord | None:
        """Return what is stored about domain, or None."""
        with self.reader.connect() as connection:
            row = connection.execute(select(site_templates).where(site_templates.c.domain == domain)).first()
        if row is None:
            return None
        return SiteRecord(row.domain, row.pages_seen, json.loads(row.page_prints), json.loads(row.blocks))

    def site_blocks(self) -> dict[str, list[str]]:
        """Return the learned blocks of every site that has some, by domain."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(site_templates.c.domain, site_templates.c.blocks)).all()
        return {row.domain: blocks for row in rows if (blocks := json.loads(row.blocks))}
