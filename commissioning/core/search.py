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

- PostgreSQL: a generated tsvector column over those words with a GIN index
  (migration core/0002), asked with a prefix query ('ach:* & 22:*'). The words
  are already plain, so the text search parser splits them as stored.
- SQLite: `words LIKE '% ach%'` for each query word, all ANDed.

Ranking, the same on both: entries whose title holds every word first, then
newest, then the kind's own order (a reference, a position), then the id.
A search asks for the count of each kind and its first few entries, in two
queries however many records match; snippets are made for those few only.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, Model, Q, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, RowNumber

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


def _matching(words: Sequence[str]):
    if connection.vendor == "postgresql":
        # Safe to pass as a raw tsquery: every word is only letters or only digits.
        return RawSQL(
            f"{SearchEntry._meta.db_table}.vector @@ to_tsquery('simple', %s)",
            [" & ".join(f"{word}:*" for word in words)],
            output_field=BooleanField(),
        )
    return _has_all("words", words)


def _ranked(words: Sequence[str], names: Sequence[str]):
    """The entries of these kinds matching `words`, with their ranking."""
    in_title = Case(When(_has_all("title_words", words), then=Value(1)), default=Value(0))
    return (
        SearchEntry.objects.filter(_matching(words), kind__in=names)
        .alias(in_title=in_title)
        .defer("words", "title_words")
    )


def _ranking() -> tuple:
    # Text compared byte by byte, as SQLite does: the same order on both, and PostgreSQL
    # sorts many matches much faster than by the locale's rules.
    order = Collate(F("order"), "C") if connection.vendor == "postgresql" else F("order")
    return (F("in_title").desc(), F("date").desc(nulls_last=True), order.asc(), F("object_id").asc())


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
    count: int  # every match of the kind
    hits: tuple[Hit, ...]  # the first few

    @property
    def more(self) -> bool:
        return self.count > len(self.hits)


@dataclass(frozen=True)
class Results:
    query: str
    words: tuple[str, ...]
    groups: tuple[Group, ...] = ()

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)

    def group(self, name: str) -> Group | None:
        return next((group for group in self.groups if group.kind.name == name), None)

    def __bool__(self) -> bool:
        return self.count > 0


def hit(entry: SearchEntry, words: Sequence[str]) -> Hit:
    return Hit(entry=entry, title=snippet(entry.title, words), text=snippet(entry.text, words))


def clean_query(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def search(*, query: str, kinds: Sequence[Kind], limit: int = 5) -> Results:
    """How many entries of each of `kinds` match `query`, and the first `limit`
    of each. Two queries however many match; none without a word to look for."""
    query = clean_query(query)
    words = query_words(query)
    if not words or not kinds:
        return Results(query=query, words=words)
    by_name = {kind.name: kind for kind in kinds}
    ranked = (
        _ranked(words, list(by_name))
        .annotate(
            place=Window(RowNumber(), partition_by=[F("kind")], order_by=list(_ranking())),
            found=Window(Count("pk"), partition_by=[F("kind")]),
        )
        .filter(place__lte=limit)
        .values_list("pk", "kind", "place", "found")
    )
    ranked = list(ranked)
    places = {pk: (kind, place) for pk, kind, place, _ in ranked}
    counts = {kind: found for _, kind, _, found in ranked}
    entries = sorted(
        SearchEntry.objects.filter(pk__in=places).defer("words", "title_words"), key=lambda e: places[e.pk]
    )
    return Results(
        query=query,
        words=words,
        groups=tuple(
            Group(
                kind=kind,
                count=counts[kind.name],
                hits=tuple(hit(entry, words) for entry in entries if entry.kind == kind.name),
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
    return _ranked(words, [kind.name]).order_by(*_ranking())
