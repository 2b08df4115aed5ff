"""Reader accounts and their comments in the database, with moderation (hide a comment, block a user).

Passwords arrive here already hashed; hashing is the web layer's job.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from newsdesk.errors import StoreError
from newsdesk.model import Comment, User
from newsdesk.store.tables import comments, users

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _user(row: Any) -> User:
    return User(row.name, row.password_hash, bool(row.is_admin), bool(row.blocked), row.id)


def _comment(row: Any) -> Comment:
    return Comment(row.article_id, row.user_id, row.body, row.id, row.created_at, bool(row.hidden), row.name)


_COMMENT_COLUMNS = (comments, users.c.name)
# an article's comments, oldest first, built once (the article page reads them on every view)
_ALL_COMMENTS_OF = (
    select(*_COMMENT_COLUMNS)
    .join(users, users.c.id == comments.c.user_id)
    .where(comments.c.article_id == bindparam("article"))
    .order_by(comments.c.created_at, comments.c.id)
    .limit(bindparam("limit"))
)
_VISIBLE_COMMENTS_OF = _ALL_COMMENTS_OF.where(comments.c.hidden.is_(False), users.c.blocked.is_(False))


class AccountStore:
    """Methods of Store for users and comments."""

    engine: Engine
    reader: Engine  # the same database, for reads only (autocommit on PostgreSQL)

    def add_user(self, name: str, password_hash: str, *, is_admin: bool = False) -> User:
        """Create an account; raise StoreError when the name is taken."""
        values = {
            "name": name,
            "password_hash": password_hash,
            "is_admin": is_admin,
            "blocked": False,
            "created_at": datetime.now(UTC),
        }
        try:
            with self.engine.begin() as connection:
                new_id = connection.execute(users.insert().values(**values).returning(users.c.id)).scalar_one()
        except IntegrityError as exc:
            raise StoreError(f"the name {name!r} is taken", input=name) from exc
        return User(name, password_hash, is_admin, False, int(new_id))

    def get_user(self, user_id: int) -> User | None:
        """Return the user with this id, or None."""
        with self.reader.connect() as connection:
            row = connection.execute(select(users).where(users.c.id == user_id)).first()
        return None if row is None else _user(row)

    def user_by_name(self, name: str) -> User | None:
        """Return the user with this name, or None."""
        with self.reader.connect() as connection:
            row = connection.execute(select(users).where(users.c.name == name)).first()
        return None if row is None else _user(row)

    def set_user_flags(
        self,
        user_id: int,
        *,
        blocked: bool | None = None,
        is_admin: bool | None = None,
        password_hash: str | None = None,
    ) -> None:
        """Block or unblock a user, make them admin or not, or change their password hash."""
        values = {
            k: v
            for k, v in {"blocked": blocked, "is_admin": is_admin, "password_hash": password_hash}.items()
            if v is not None
        }
        if values:
            with self.engine.begin() as connection:
                connection.execute(users.update().where(users.c.id == user_id).values(**values))

    def add_comment(self, article_id: int, user_id: int, body: str) -> Comment:
        """Store a new comment and return it."""
        now = datetime.now(UTC)
        values = {"article_id": article_id, "user_id": user_id, "body": body, "created_at": now, "hidden": False}
        with self.engine.begin() as connection:
            new_id = connection.execute(comments.insert().values(**values).returning(comments.c.id)).scalar_one()
        return Comment(article_id, user_id, body, int(new_id), now)

    def get_comment(self, comment_id: int) -> Comment | None:
        """Return the comment with this id (hidden or not), or None."""
        query = (
            select(*_COMMENT_COLUMNS).join(users, users.c.id == comments.c.user_id).where(comments.c.id == comment_id)
        )
        with self.reader.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _comment(row)

    def list_comments(self, article_id: int, *, include_hidden: bool = False, limit: int = 500) -> list[Comment]:
        """Return an article's comments, oldest first; hidden ones and blocked users' only when asked."""
        query = _ALL_COMMENTS_OF if include_hidden else _VISIBLE_COMMENTS_OF
        with self.reader.connect() as connection:
            rows = connection.execute(query, {"article": article_id, "limit": limit}).all()
        return [_comment(row) for row in rows]

    def count_comments(self, article_id: int) -> int:
        """Return how many comments readers can see on an article."""
        query = (
            select(func.count())
            .select_from(comments)
            .join(users, users.c.id == comments.c.user_id)
            .where(comments.c.article_id == article_id, comments.c.hidden.is_(False), users.c.blocked.is_(False))
        )
        with self.reader.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def count_recent_comments(self, user_id: int, since: datetime) -> int:
        """Return how many comments a user wrote since a time (for the per-account rate limit)."""
        query = (
            select(func.count())
            .select_from(comments)
            .where(comments.c.user_id == user_id, comments.c.created_at >= since)
        )
        with self.reader.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def edit_comment(self, comment_id: int, body: str) -> None:
        """Replace a comment's text."""
        with self.engine.begin() as connection:
            connection.execute(
                comments.update().where(comments.c.id == comment_id).values(body=body, updated_at=datetime.now(UTC))
            )

    def delete_comment(self, comment_id: int) -> None:
        """Delete a comment."""
        with self.engine.begin() as connection:
            connection.execute(comments.delete().where(comments.c.id == comment_id))

    def hide_comment(self, comment_id: int, hidden: bool = True) -> None:
        """Hide a comment from readers (moderation), or show it again."""
        with self.engine.begin() as connection:
            connection.execute(comments.update().where(comments.c.id == comment_id).values(hidden=hidden))


__all__ = ["AccountStore"]
