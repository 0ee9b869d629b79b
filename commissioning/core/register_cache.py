"""Figures over the whole register, worked out once for each state of it.

The dashboard, the pipeline and the lists' counts and totals add up every
contract, action or project in the register. What they show depends only on
the register and the day, so each is kept, once worked out, under the day, the
question asked (a list's filters) and the register's *state*: a random token
that is replaced after every transaction that wrote to a table of the register
has committed. A figure kept under an old token is never read again.

Every write is seen, however it is made: a database execute wrapper on every
connection looks at each statement, and an INSERT, UPDATE or DELETE on a table
of an app that `watch`es (the register's apps call it when they start) asks for
a new token when its transaction commits. Services, bulk imports, the admin,
management commands and the job worker all write through it. A write that is
rolled back changes nothing. Only a change made outside the site (by hand in
`psql`, say) goes unseen; kept figures last at most `REGISTER_CACHE_SECONDS`.

The token is kept where every process of the site reads it: the `register`
cache, Redis in production (shared by web replicas and the worker), a folder of
files otherwise. Replacing it is one SET, never an increment, so writers never
wait for one another: whichever of two writers sets it last sets it after both
have committed. A reader takes the token before it reads the register, so
whatever it keeps under that token is at least as new as the token. The
figures themselves are kept in the process (the `figures` cache, in memory),
so no process ever unpickles what another release of the code kept.

If the token's cache cannot be reached, the figures are worked out on every
request, as though nothing were kept; a failure to replace the token is logged
and every process then stops reading kept figures until it is replaced.

This module knows no domain app: each app says which tables are the register's.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

T = TypeVar("T")

TOKEN_KEY = "register-state"
_WRITES = ("INSERT", "UPDATE", "DELETE")
_watched_tables: set[str] = set()
# The token this process failed to replace: until it is replaced, nothing kept is read.
_broken = False


def watch(app_config) -> None:
    """Make every table of `app_config` (many-to-many tables included) part of
    the register: a committed write to any of them replaces the token."""
    for model in app_config.get_models(include_auto_created=True):
        _watched_tables.add(model._meta.db_table.lower())


def writes_register(sql: str) -> bool:
    """Whether a statement writes to a table of the register."""
    head = sql.lstrip()[:6].upper()
    if head not in _WRITES:
        return False
    words = sql.lstrip().split(None, 3)
    # INSERT INTO t / DELETE FROM t / UPDATE t
    table = words[1] if head == "UPDATE" else (words[2] if len(words) > 2 else "")
    return table.strip('"`').lower() in _watched_tables


def _replace_token() -> None:
    global _broken
    try:
        caches["register"].set(TOKEN_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the cache is down: nothing kept is read until it is back
        _broken = True
        logger.exception("Could not replace the register's state token; kept figures are not used meanwhile.")
    else:
        _broken = False


def _on_commit_registered(connection) -> bool:
    return any(entry[1] is _replace_token for entry in connection.run_on_commit)


def _watch_statement(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_register(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            _replace_token()
        elif not _on_commit_registered(connection):
            transaction.on_commit(_replace_token, using=connection.alias)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _watch_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_statement)


def install() -> None:
    """Watch the statements of every connection, those open already included."""
    connection_created.connect(_install, dispatch_uid="commissioning.core.register_cache")
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def token() -> str | None:
    """The register's state now, or None when kept figures must not be read."""
    if _broken or not settings.REGISTER_CACHE_SECONDS:
        return None
    try:
        value = caches["register"].get(TOKEN_KEY)
        if value is None:
            value = uuid.uuid4().hex
            # Only if no writer set one meanwhile.
            if not caches["register"].add(TOKEN_KEY, value, timeout=None):
                value = caches["register"].get(TOKEN_KEY)
        return value
    except Exception:
        logger.exception("Could not read the register's state token; working the figures out.")
        return None


def _key(name: str, today: date, question: Iterable, state: str) -> str:
    digest = hashlib.sha256(repr(tuple(question)).encode()).hexdigest()[:32]
    return f"{name}:{today.isoformat()}:{state}:{digest}"


def remember(name: str, compute: Callable[[], T], *, today: date, question: Iterable = ()) -> T:
    """`compute()`, kept for the register's present state, `today` and the
    `question` (anything with a stable `repr`, such as sorted filters)."""
    state = token()
    if state is None:
        return compute()
    key = _key(name, today, question, state)
    figures = caches["figures"]
    found = figures.get(key, _MISSING)
    if found is not _MISSING:
        return found
    value = compute()
    figures.set(key, value, timeout=settings.REGISTER_CACHE_SECONDS)
    return value


def question_of(params, *, leave_out: Iterable[str] = ()) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A list's filters as a stable key: each parameter's values, by name."""
    skip = set(leave_out)
    return tuple(sorted((name, tuple(params.getlist(name))) for name in params if name not in skip))


_MISSING: Any = object()
