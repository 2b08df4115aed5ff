"""Storage: the one narrow interface to the database (SQLite by default, PostgreSQL in production).

Every other part of newsdesk reads and writes through :class:`Store`; nothing else builds SQL.
"""

from newsdesk.store.database import Store, default_db_url, open_store

__all__ = ["Store", "default_db_url", "open_store"]
