"""newsdesk: a self-hosted news desk — ingest, extract, analyse, deduplicate, cluster, rank, publish."""

from newsdesk.model import (
    Article,
    Attribution,
    Comment,
    Entity,
    ExtractionStatus,
    Feed,
    Image,
    Link,
    Mention,
    Outlet,
    Quote,
    RawPage,
    Source,
    Story,
    User,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Attribution",
    "Comment",
    "Entity",
    "ExtractionStatus",
    "Feed",
    "Image",
    "Link",
    "Mention",
    "Outlet",
    "Quote",
    "RawPage",
    "Source",
    "Story",
    "User",
]
