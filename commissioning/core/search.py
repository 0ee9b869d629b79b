"""One search over every kind of record, from a stored index.

Each kind of record (contracts, providers, reports, minutes...) is registered
here by the app that owns it, in its AppConfig.ready, with a function that
turns its records into `Entry`s; core imports no domain app. The services that
write those records call `index_refresh` with the ids they changed, so the
stored `SearchEntry` rows follow the records; `index_rebuild` (the command
`rebuild_search_index`) writes them all again, and `index_check` (run by the
daily `refresh_contracts`) rebuilds any kind whose entries no longer number its
records.

The same query finds the same records on PostgreSQL and on SQLite. Both see a
text as its *words*: runs of ASCII letters, or runs of digits, so "ACH22-035"
is the words ach, 22 and 035, and "support@home" is support and home. A query
is split the same way, and a record matches when, for every word of the query,
one of its words starts with it ("extens" finds "extension"). Each entry
stores its words, lower case, each after a space (" ach 22 035 home"):

- PostgreSQL: a generated tsvector column, `kind_vector`, holding each word
  prefixed by the entry's kind ("contract/home"), and each word of its title
  prefixed again ("contract.t.home"), with a GIN index (migration core/0003),
  asked with a prefix query per kind ('contract/ach':* & 'contract/22':*). So
  one index lookup finds one kind's matches, or its title matches, and the
  planner's statistics are per kind.
- SQLite: `words LIKE '% ach%'` for each query word, all ANDed (`title_words`
  for the title).

Ranking, the same on both: entries whose title holds every word first, then
newest, then the kind's own order (a reference, a position), then the id.

A search is two queries however many records match, one when none do:
1. the count of each kind's matches and of its title matches, each counted no
   further than COUNT_CAP + 1 (a page says "1,000+"), so a common word reads
   at most that many entries per kind;
2. for each kind, its first few title matches and its first few matches,
   newest first (a UNION ALL of LIMITed queries); Python puts the title
   matches first and fills up with the others. On PostgreSQL a kind with more
   than COUNT_CAP matches is read in the order of the btree
   core_searchentry_ranking (kind, date, order, id), stopping at the few it
   needs; one with fewer is found through the GIN index and its matches sorted.
Nothing sorts or numbers every match. Snippets are made for the few shown only.
"Show all" pages through one kind with a full count and sort.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Model, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from commissioning.core.models import SearchEntry

# A query longer than this is cut; more words than this are ignored.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
SNIPPET_LENGTH = 240

_WORD = re.compile(r"[a-z]+|[0-9]+", re.IGNORECASE | re.ASCII)


def words_of(text: str) -> tuple[str, ...]:
    """The distinct words of `text`, lower case, in order."""
    return tuple(dict.fromkeys(word.lower() for word in _WORD.findall(text)))


def query_words(query: str) -> tuple[str, ...]:
    """The words a query searches for: those of its first MAX_QUERY_LENGTH
    characters, at most MAX_WORDS of them."""
    return words_of(query[:MAX_QUERY_LENGTH])[:MAX_WORDS]


def stored_words(text: str) -> str:
    """`text`'s words as an entry stores them: each after a space."""
    return "".join(f" {word}" for word in words_of(text))


# --- the kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """What the index holds for one record."""

    object_id: int
    url: str
    title: str  # searched first, and the link text
    text: str = ""  # searched, and shown as a snippet
    label: str = ""  # shown before the title ("Item 8"), not searched
    detail: str = ""  # shown under the title ("Cabinet, 30 Nov 2022"), not searched
    date: datetime.date | None = None  # newest first
    order: str = ""  # then this, then the id


@dataclass(frozen=True)
class Kind:
    name: str  # stored in each entry, and the page's ?kind=
    label: str  # "Contracts"
    model: type[Model]  # a user who may view these records sees this kind
    # The entries of the records with these ids, or of every record when None;
    # a record whose id is not found has none.
    entries: Callable[[Sequence[int] | None], Iterable[Entry]]
    position: int  # where its group comes on the page, lowest first


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    """Make `kind` searchable."""
    ordered = sorted([*(k for k in _kinds.values() if k.name != kind.name), kind], key=lambda k: k.position)
    _kinds.clear()
    _kinds.update((k.name, k) for k in ordered)


def kinds() -> tuple[Kind, ...]:
    return tuple(_kinds.values())


def kinds_for(user) -> tuple[Kind, ...]:
    """The kinds `user` may search: those whose records they may view."""
    return tuple(
        kind
        for kind in _kinds.values()
        if user.has_perm(f"{kind.model._meta.app_label}.view_{kind.model._meta.model_name}")
    )


def chunked(queryset, ids: Sequence[int] | None, *, size: int = 2000) -> Iterator[Model]:
    """For a kind's `entries`: the rows of `queryset` with these ids, or every
    row (when None) read `size` at a time in order of id."""
    if ids is not None:
        yield from queryset.filter(pk__in=ids)
        return
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1].pk


# --- keeping the index ---------------------------------------------------------------------

_BATCH = 500


def _row(kind: str, entry: Entry) -> SearchEntry:
    return SearchEntry(
        kind=kind,
        object_id=entry.object_id,
        url=entry.url,
        label=entry.label[:200],
        title=entry.title[:500],
        text=entry.text,
        detail=entry.detail[:500],
        date=entry.date,
        order=entry.order[:100],
        title_words=stored_words(entry.title),
        words=stored_words(f"{entry.title} {entry.text}"),
    )


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def index_refresh(kind: str, ids: Iterable[int]) -> None:
    """Write again the entries of the records of `kind` with these ids; a record
    that no longer exists loses its entry. Services call it in their transaction."""
    ids = sorted({int(pk) for pk in ids})
    with transaction.atomic():
        for chunk in _chunks(ids, _BATCH):
            SearchEntry.objects.filter(kind=kind, object_id__in=chunk).delete()
            SearchEntry.objects.bulk_create([_row(kind, entry) for entry in _kinds[kind].entries(chunk)])


def index_rebuild(names: Iterable[str] | None = None) -> int:
    """Write again every entry of these kinds (every kind when None). Returns how many."""
    written = 0
    with transaction.atomic():
        for name in _kinds if names is None else names:
            SearchEntry.objects.filter(kind=name).delete()
            batch = []
            for entry in _kinds[name].entries(None):
                batch.append(_row(name, entry))
                if len(batch) == _BATCH:
                    written += len(SearchEntry.objects.bulk_create(batch))
                    batch = []
            written += len(SearchEntry.objects.bulk_create(batch))
    return written


def index_check() -> list[str]:
    """Rebuild the kinds whose entries do not number their records (an index
    never filled, records written around the services); returns their names."""
    stored = dict(SearchEntry.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    stale = [name for name, kind in _kinds.items() if stored.get(name, 0) != kind.model._default_manager.count()]
    stale += [name for name in stored if name not in _kinds]
    if stale:
        SearchEntry.objects.filter(kind__in=[name for name in stale if name not in _kinds]).delete()
        index_rebuild([name for name in stale if name in _kinds])
    return stale


# --- matching ------------------------------------------------------------------------------


def _has_all(field: str, words: Sequence[str]) -> Q:
    # Every stored word follows a space, so " ext" is a word starting with "ext".
    return Q(*(Q(**{f"{field}__contains": f" {word}"}) for word in words))


def _matching(words: Sequence[str], kind: str, *, in_title: bool = False):
    """The entries of `kind` with every word (in their title when `in_title`)."""
    if connection.vendor == "postgresql":
        # A prefix query on the kind's own lexemes ("contract/ext:*", or
        # "contract.t.ext:*" in the title): see migration core/0003. Safe to pass as
        # a raw tsquery: a kind's name and every word are only letters, digits and _.
        marker = ".t." if in_title else "/"
        match = RawSQL(
            f"{SearchEntry._meta.db_table}.kind_vector @@ %s::tsquery",
            [" & ".join(f"'{kind}{marker}{word}':*" for word in words)],
            output_field=BooleanField(),
        )
        # No filter on `kind`: the lexemes are the kind's only, and the planner would
        # read the (kind, object_id) index for nothing.
        return SearchEntry.objects.filter(match)
    return SearchEntry.objects.filter(_has_all("title_words" if in_title else "words", words), kind=kind)


def _ranking() -> tuple:
    # Text compared byte by byte, as SQLite does: the same order on both, and the
    # order of the btree core_searchentry_ranking on PostgreSQL.
    order = Collate(F("order"), "C") if connection.vendor == "postgresql" else F("order")
    return (F("date").desc(nulls_last=True), order.asc(), F("object_id").asc())


# Each kind's matches are counted up to this many; a page says "1,000+" beyond.
COUNT_CAP = 1000


# The counts and the first few are a dozen small queries in one statement: written
# here as SQL, as Django would compile them, since compiling a dozen querysets
# takes longer than the database takes to answer them.
_TABLE = SearchEntry._meta.db_table
_SHOWN = ", ".join(
    f'"{column}"' for column in ("id", "kind", "object_id", "url", "label", "title", "text", "detail", "date", "order")
)


def _where(words: Sequence[str], kind: str, *, in_title: bool) -> tuple[str, list]:
    """SQL for `_matching(words, kind, in_title=in_title)`, filtered by kind."""
    if connection.vendor == "postgresql":
        marker = ".t." if in_title else "/"
        return '"kind_vector" @@ %s::tsquery AND "kind" = %s', [
            " & ".join(f"'{kind}{marker}{word}':*" for word in words),
            kind,
        ]
    field = "title_words" if in_title else "words"
    return " AND ".join(['"kind" = %s', *(f'"{field}" LIKE %s' for _ in words)]), [
        kind,
        *(f"% {word}%" for word in words),
    ]


def _counts(words: Sequence[str], names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """How many entries of each kind match, and how many with every word in their
    title, counting no further than COUNT_CAP + 1: one query, each count reading at
    most that many entries. (Filtered by kind as well on PostgreSQL, which the
    lexemes make redundant: so the planner does not think that a scan of the whole
    table would find the first COUNT_CAP soon.)"""
    columns, params = [], []
    for name in names:
        for in_title in (False, True):
            where, more = _where(words, name, in_title=in_title)
            columns.append(
                f'(SELECT COUNT(*) FROM (SELECT 1 FROM "{_TABLE}" WHERE {where} LIMIT {COUNT_CAP + 1}) AS m)'
            )
            params += more
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return {name: (row[2 * i], row[2 * i + 1]) for i, name in enumerate(names)}


_ORDER = {
    "postgresql": '"date" DESC NULLS LAST, "order" COLLATE "C", "object_id"',
    "sqlite": '"date" DESC NULLS LAST, "order", "object_id"',
}


def _first(words: Sequence[str], name: str, *, in_title: bool, count: int, limit: int) -> tuple[str, list]:
    """SQL for the first `limit` matches of kind `name`, `count` of them."""
    where, params = _where(words, name, in_title=in_title)
    order = _ORDER.get(connection.vendor, _ORDER["sqlite"])
    if connection.vendor == "postgresql" and count <= COUNT_CAP:
        # Few matches: find them all through the GIN index and sort them. OFFSET 0
        # keeps the planner from walking the ranking btree through every entry of
        # the kind instead, should it guess there are many.
        return (
            f'SELECT * FROM (SELECT {_SHOWN} FROM "{_TABLE}" WHERE {where} OFFSET 0) AS found'
            f" ORDER BY {order} LIMIT {int(limit)}"
        ), params
    # Many: on PostgreSQL, the first few in the order of the ranking btree, which
    # begins with the kind.
    return f'SELECT {_SHOWN} FROM "{_TABLE}" WHERE {where} ORDER BY {order} LIMIT {int(limit)}', params


def _firsts(words: Sequence[str], counts: dict[str, tuple[int, int]], limit: int) -> dict[str, list[SearchEntry]]:
    """The first `limit` entries of each kind with a match, ranked: those with every
    word in their title, newest first, then the others, newest first. One query.

    For each kind it reads the first `limit` title matches and the first `limit`
    matches of any sort: when fewer than `limit` title matches come back they are
    all of them, so the first `limit` matches hold enough others to fill up with."""
    branches, params = [], []
    for name, (count, in_title_count) in counts.items():
        for in_title, n in ((1, in_title_count), (0, count)):
            if n:
                sql, more = _first(words, name, in_title=bool(in_title), count=n, limit=limit)
                branches.append(f"SELECT *, {in_title} AS in_title FROM ({sql}) AS {name}_{in_title}")
                params += more
    found: dict[str, tuple[list, list]] = {name: ([], []) for name in counts}
    for entry in SearchEntry.objects.raw(" UNION ALL ".join(branches), params):
        found[entry.kind][0 if entry.in_title else 1].append(entry)
    firsts = {}
    for name, (titled, others) in found.items():
        titled.sort(key=_sort_key)
        others.sort(key=_sort_key)
        seen = {entry.pk for entry in titled}
        firsts[name] = (titled + [entry for entry in others if entry.pk not in seen])[:limit]
    return firsts


def _sort_key(entry: SearchEntry) -> tuple:
    # The ranking again, for the few entries the query returned in no set order:
    # newest first, no date last, then the order byte by byte, then the id.
    return (entry.date is None, -entry.date.toordinal() if entry.date else 0, entry.order.encode(), entry.object_id)


# --- snippets ------------------------------------------------------------------------------

Snippet = tuple[tuple[str, bool], ...]
"""Text in pieces, each marked True where it is a word the query matched."""


def _highlighter(words: Sequence[str]) -> re.Pattern | None:
    if not words:
        return None
    letters = [re.escape(word) for word in words if not word.isdigit()]
    digits = [re.escape(word) for word in words if word.isdigit()]
    alternatives = []
    if letters:
        alternatives.append(rf"(?<![a-z])(?:{'|'.join(letters)})[a-z]*")
    if digits:
        alternatives.append(rf"(?<![0-9])(?:{'|'.join(digits)})[0-9]*")
    return re.compile("|".join(alternatives), re.IGNORECASE | re.ASCII)


def snippet(text: str, words: Sequence[str], *, length: int = SNIPPET_LENGTH) -> Snippet:
    """About `length` characters of `text` around its first match, cut at spaces,
    with "…" where text is left out, split into plain and matched pieces."""
    text = " ".join(text.split())
    pattern = _highlighter(words)
    first = pattern.search(text) if pattern else None
    start = 0
    if first and len(text) > length and first.end() > length * 2 // 3:
        # Start a little before the match, but not so late that the window runs short.
        start = min(first.start() - length // 4, len(text) - length)
        start = text.rfind(" ", 0, start) + 1
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    window = text[start:end]
    pieces: list[tuple[str, bool]] = [("…", False)] if start else []
    position = 0
    for match in pattern.finditer(window) if pattern else ():
        if match.start() > position:
            pieces.append((window[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(window):
        pieces.append((window[position:], False))
    if end < len(text):
        pieces.append((" …", False))
    return tuple(pieces)


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    entry: SearchEntry
    title: Snippet
    text: Snippet

    @property
    def url(self) -> str:
        return self.entry.url


@dataclass(frozen=True)
class Group:
    kind: Kind
    count: int  # every match of the kind, up to COUNT_CAP
    hits: tuple[Hit, ...]  # the first few
    capped: bool = False  # more than COUNT_CAP match

    @property
    def more(self) -> bool:
        return self.capped or self.count > len(self.hits)

    @property
    def shown(self) -> str:
        """The count as a page gives it: "12", "1,000+"."""
        return f"{self.count:,}{'+' if self.capped else ''}"


@dataclass(frozen=True)
class Results:
    query: str
    words: tuple[str, ...]
    groups: tuple[Group, ...] = ()

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)

    @property
    def capped(self) -> bool:
        return any(group.capped for group in self.groups)

    @property
    def shown(self) -> str:
        return f"{self.count:,}{'+' if self.capped else ''}"

    def group(self, name: str) -> Group | None:
        return next((group for group in self.groups if group.kind.name == name), None)

    def __bool__(self) -> bool:
        return self.count > 0


def hit(entry: SearchEntry, words: Sequence[str]) -> Hit:
    return Hit(entry=entry, title=snippet(entry.title, words), text=snippet(entry.text, words))


def clean_query(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def search(*, query: str, kinds: Sequence[Kind], limit: int = 5) -> Results:
    """How many entries of each of `kinds` match `query` (up to COUNT_CAP), and the
    first `limit` of each. Two queries however many match, one when none do, none
    without a word to look for."""
    query = clean_query(query)
    words = query_words(query)
    if not words or not kinds:
        return Results(query=query, words=words)
    counts = {name: counted for name, counted in _counts(words, [kind.name for kind in kinds]).items() if counted[0]}
    firsts = _firsts(words, counts, limit) if counts else {}
    return Results(
        query=query,
        words=words,
        groups=tuple(
            Group(
                kind=kind,
                count=min(counts[kind.name][0], COUNT_CAP),
                capped=counts[kind.name][0] > COUNT_CAP,
                hits=tuple(hit(entry, words) for entry in firsts[kind.name]),
            )
            for kind in kinds
            if kind.name in counts
        ),
    )


def search_kind(*, query: str, kind: Kind):
    """Every entry of `kind` matching `query`, ranked, to be paged."""
    words = query_words(clean_query(query))
    if not words:
        return SearchEntry.objects.none()
    in_title = Case(When(_has_all("title_words", words), then=Value(1)), default=Value(0))
    return (
        _matching(words, kind.name)
        .filter(kind=kind.name)
        .alias(in_title=in_title)
        .defer("words", "title_words")
        .order_by(F("in_title").desc(), *_ranking())
    )
