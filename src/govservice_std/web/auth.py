"""Access tokens for the hall service: one per terminal or client, each with a role.

A token is a random secret handed out once (``govstd serve token create``); the database keeps
only its SHA-256 digest, so a copy of the database gives nobody a usable token. Each token has
a role:

======== ===================================================================================
role     may
======== ===================================================================================
kiosk    issue tickets, check appointments in, book
counter  sign in and out, open and close *its* window, call, recall, start, finish, mark
         no-shows, reactivate, transfer, park, resume and cancel tickets
board    show the display board
manager  everything, and the live figures
api      issue, check in, book and cancel; read figures (another government application)
======== ===================================================================================

Tokens live in the hall's own database (SQLite file or PostgreSQL), in a table of their own,
so every process and host serving the hall sees the same tokens and a revocation takes effect
everywhere at the next request.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from govservice_std.errors import GovServiceError, QueueStoreError

__all__ = [
    "AccessDeniedError",
    "Permission",
    "Role",
    "TokenInfo",
    "TokenStore",
    "csrf_token",
    "digest",
]

TOKEN_PREFIX = "gst_"  # noqa: S105 - a marker that a string is a token, not a secret


class AccessDeniedError(GovServiceError):
    """A request without a valid token, or with a token whose role may not do it.

    Attributes:
        status: 401 when no valid token was given, 403 when the role is not enough.
    """

    def __init__(self, message: str, message_zh: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.message_zh = message_zh
        self.status = status

    def localized(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        return self.message_zh if lang == "zh" else str(self)


class Role(enum.Enum):
    """What a token's holder is."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    BOARD = "board"
    MANAGER = "manager"
    API = "api"


class Permission(enum.Enum):
    """A kind of request the service guards."""

    ISSUE = "issue"
    WINDOW = "window"
    BOARD = "board"
    FIGURES = "figures"
    CANCEL = "cancel"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.KIOSK: frozenset({Permission.ISSUE}),
    Role.COUNTER: frozenset({Permission.WINDOW, Permission.CANCEL}),
    Role.BOARD: frozenset({Permission.BOARD}),
    Role.MANAGER: frozenset(Permission),
    Role.API: frozenset({Permission.ISSUE, Permission.CANCEL, Permission.FIGURES}),
}


def digest(token: str) -> str:
    """The SHA-256 digest (hex) under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token(token: str) -> str:
    """The CSRF token a page signed in with ``token`` sends back with each write.

    Derived from the secret itself, so every process serving the hall agrees on it without a
    shared key, and a page on another site cannot compute it.
    """
    return hmac.new(token.encode(), b"govstd-csrf", hashlib.sha256).hexdigest()


@attrs.frozen
class TokenInfo:
    """A stored token (never the secret itself).

    Attributes:
        id: A short public id for listing and revoking (the digest's first 12 characters).
        role: The token's role.
        hall: The hall it is for.
        window: For a counter token, its window.
        label: A note, such as where the terminal stands.
        created_at: When it was created.
        revoked_at: When it was revoked, if it was.
    """

    id: str
    role: Role
    hall: str
    window: str | None
    label: str
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        """Whether the token still works."""
        return self.revoked_at is None

    def allows(self, permission: Permission, window: str | None = None) -> bool:
        """Whether the token may do ``permission`` (at ``window``: a counter only at its own)."""
        if not self.active or permission not in _GRANTS[self.role]:
            return False
        return self.role is not Role.COUNTER or window is None or window == self.window


_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_tokens (
    digest TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hall TEXT NOT NULL,
    window_code TEXT,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
)
"""

_COLUMNS = "digest, role, hall, window_code, label, created_at, revoked_at"


def _where(url: str) -> str:
    # A connection URL without its password, for messages.
    scheme, sep, rest = url.partition("://")
    if sep and "@" in rest:
        user, _, host = rest.rpartition("@")
        return f"{scheme}://{user.split(':')[0]}@{host}"
    return url


def _row_info(row: tuple[Any, ...]) -> TokenInfo:
    return TokenInfo(
        id=str(row[0])[:12],
        role=Role(row[1]),
        hall=str(row[2]),
        window=row[3],
        label=str(row[4]),
        created_at=str(row[5]),
        revoked_at=None if row[6] is None else str(row[6]),
    )


class TokenStore:
    """The tokens of the halls kept in one database.

    Args:
        db: A SQLite file path or a ``postgresql://`` URL: the same database as the queue.
    """

    def __init__(self, db: str | Path) -> None:
        self._db = str(db)
        self._postgres = self._db.startswith(("postgresql://", "postgres://")) or (
            "dbname=" in self._db
        )
        with self._connect() as con:
            con.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        # Every database failure becomes the library's own error, naming the database.
        if self._postgres:
            import psycopg  # noqa: PLC0415 - an optional extra, imported when used

            try:
                with psycopg.connect(self._db, autocommit=True) as pg:
                    yield pg
            except psycopg.Error as exc:
                raise QueueStoreError(
                    f"{_where(self._db)}: cannot use the tokens table: {exc}",
                    f"{_where(self._db)}：无法使用令牌表：{exc}",
                ) from exc
            return
        try:
            con = sqlite3.connect(self._db, timeout=30.0, isolation_level=None)
            try:
                yield con
            finally:
                con.close()
        except sqlite3.Error as exc:
            raise QueueStoreError(
                f"{self._db}: not a usable hall database: {exc}",
                f"{self._db}：不是可用的服务场所数据库：{exc}",
            ) from exc

    def _mark(self) -> str:
        return "%s" if self._postgres else "?"

    def create(
        self, role: Role | str, hall: str, *, window: str | None = None, label: str = ""
    ) -> tuple[str, TokenInfo]:
        """Create a token; returns the secret (shown once) and what is stored.

        Raises:
            ValueError: If a counter token has no window, or another role names one.
        """
        role = Role(role)
        if (role is Role.COUNTER) != (window is not None):
            raise ValueError("a counter token needs its window; other roles take none")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(24)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row = (digest(secret), role.value, hall, window, label, now, None)
        m = self._mark()
        with self._connect() as con:
            con.execute(
                f"INSERT INTO web_tokens ({_COLUMNS}) VALUES ({', '.join([m] * 7)})",  # noqa: S608
                row,
            )
        return secret, _row_info(row)

    def check(self, secret: str, hall: str) -> TokenInfo | None:
        """The active token ``secret`` is, for ``hall``; ``None`` if it is not one."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        m = self._mark()
        with self._connect() as con:
            row = con.execute(
                f"SELECT {_COLUMNS} FROM web_tokens WHERE digest = {m} AND hall = {m}",  # noqa: S608
                (digest(secret), hall),
            ).fetchone()
        if row is None:
            return None
        info = _row_info(tuple(row))
        return info if info.active else None

    def tokens(self, hall: str | None = None) -> list[TokenInfo]:
        """Every token (of one hall), oldest first."""
        m = self._mark()
        where, params = (f" WHERE hall = {m}", (hall,)) if hall is not None else ("", ())
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {_COLUMNS} FROM web_tokens{where} ORDER BY created_at, digest",  # noqa: S608
                params,
            ).fetchall()
        return [_row_info(tuple(row)) for row in rows]

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke the token whose public id is ``token_id``.

        Raises:
            KeyError: If no active token has that id.
        """
        if len(token_id) < 8 or not all(c in "0123456789abcdef" for c in token_id):
            raise KeyError(token_id)
        m = self._mark()
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._connect() as con:
            rows = con.execute(
                f"SELECT {_COLUMNS} FROM web_tokens WHERE digest LIKE {m} "  # noqa: S608
                "AND revoked_at IS NULL",
                (token_id + "%",),
            ).fetchall()
            if len(rows) != 1:
                raise KeyError(token_id)
            con.execute(
                f"UPDATE web_tokens SET revoked_at = {m} WHERE digest = {m}",  # noqa: S608
                (now, rows[0][0]),
            )
        return attrs.evolve(_row_info(tuple(rows[0])), revoked_at=now)
