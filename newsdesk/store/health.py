"""Extraction health in the database: pages that gave no article, counted per site and per feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from newsdesk.store.tables import articles, page_failures

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True, slots=True)
class PageFailure:
    """One page that gave no article."""

    input: str
    status: str
    reason: str
    domain: str = ""
    feed_url: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SiteHealth:
    """How extraction went for one site (or feed) over a period."""

    name: str
    stored: int
    failed: int
    by_status: dict[str, int]
    last_reason: str

    @property
    def failure_rate(self) -> float:
        """Return the share of pages that failed."""
        total = self.stored + self.failed
        return self.failed / total if total else 0.0


class HealthStore:
    """Methods of Store for extraction failures."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def record_failures(self, failures: list[PageFailure]) -> None:
        """Remember pages that gave no article."""
        if not failures:
            return
        now = datetime.now(UTC)
        rows = [
            {
                "input": f.input[:2048],
                "domain": f.domain[:255],
                "feed_url": f.feed_url[:2048] if f.feed_url else None,
                "status": f.status[:32],
                "reason": f.reason,
                "at": f.at or now,
            }
            for f in failures
        ]
        with self.engine.begin() as connection:
            connection.execute(page_failures.insert(), rows)

    def extraction_health(self, *, by: str = "domain", days: int = 7, limit: int = 50) -> list[SiteHealth]:
        """Return per-site (by="domain") or per-feed (by="feed_url") stored and failed pages, worst first."""
        since = datetime.now(UTC) - timedelta(days=days)
        key = page_failures.c[by]
        failed_query = (
            select(key.label("name"), page_failures.c.status, func.count().label("n"), func.max(page_failures.c.id))
            .where(page_failures.c.at >= since, key.is_not(None))
            .group_by(key, page_failures.c.status)
        )
        stored_key = articles.c[by]
        stored_query = (
            select(stored_key.label("name"), func.count().label("n"))
            .where(articles.c.ingested_at >= since, stored_key.is_not(None))
            .group_by(stored_key)
        )
        with self.reader.connect() as connection:
            failed_rows = connection.execute(failed_query).all()
            names = list({r.name for r in failed_rows})
            stored = {r.name: int(r.n) for r in connection.execute(stored_query.where(stored_key.in_(names)))}
            last_ids = [r[3] for r in failed_rows]
            reasons = {
                r.name: r.reason
                for r in connection.execute(
                    select(page_failures.c[by].label("name"), page_failures.c.reason)
                    .where(page_failures.c.id.in_(last_ids))
                    .order_by(page_failures.c.id)
                )
            }
        by_status: dict[str, dict[str, int]] = {}
        for r in failed_rows:
            by_status.setdefault(r.name, {})[r.status] = int(r.n)
        found = [
            SiteHealth(name, stored.get(name, 0), sum(counts.values()), counts, reasons.get(name, ""))
            for name, counts in by_status.items()
        ]
        found.sort(key=lambda h: (-h.failure_rate, -h.failed, h.name))
        return found[:limit]
