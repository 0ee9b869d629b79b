"""Search the committee record: report references and titles, agenda items and
what was resolved.

The same query finds the same records on PostgreSQL and on SQLite. Both see a
text as its *words*: runs of ASCII letters, or runs of digits, so "ACH22-035"
is the words ach, 22 and 035, and "support@home" is support and home. A query
is split the same way, and a record matches when, for every word of the query,
one of its words starts with it ("extend" finds "extension"). A report also
matches when its reference contains the query as typed (`Document "D"`).

- PostgreSQL: full text search with the 'simple' configuration (no stemming,
  no stop words) over the text with everything but letters and digits turned
  into spaces, and a prefix `to_tsquery` ('ach:* & 22:*'). Cleaning the text
  first means the text search parser sees only plain words, never e-mail
  addresses, hosts or numbers with decimal points, so it splits the text
  exactly as the SQLite regular expression does.
- SQLite: one case-insensitive regular expression per word, matching it at the
  start of a word, all ANDed.

Results come back in three groups, each newest meeting first, with a short
snippet whose matching words are marked.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery, TextField, Value

from committees.models import AgendaItem, Report, ResolutionPart

# A query longer than this is cut; more words than this are ignored.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
SNIPPET_LENGTH = 240

_WORD = re.compile(r"[a-z]+|[0-9]+", re.IGNORECASE | re.ASCII)


def query_words(query: str) -> tuple[str, ...]:
    """The distinct words of `query`, lower case, in order."""
    words = dict.fromkeys(word.lower() for word in _WORD.findall(query[:MAX_QUERY_LENGTH]))
    return tuple(words)[:MAX_WORDS]


def _word_start(word: str) -> str:
    """A regular expression for `word` at the start of a word: not straight after a
    letter (for a word of letters) or a digit (for a word of digits)."""
    before = "[0-9]" if word.isdigit() else "[a-z]"
    # Scoped ASCII mode: the caller (Django's iregex) adds the case-insensitive flag.
    return rf"(?a:(?<!{before}){re.escape(word)})"


# --- matching: PostgreSQL -----------------------------------------------------------


class _Words(Func):
    """The text with letters and digits separated into plain words, as `query_words` does."""

    output_field = TextField()

    def __init__(self, expression):
        only_letters_and_digits = Func(
            expression, Value("[^0-9A-Za-z]+"), Value(" "), Value("g"), function="REGEXP_REPLACE"
        )
        letter_then_digit = Func(
            only_letters_and_digits, Value("([A-Za-z])([0-9])"), Value(r"\1 \2"), Value("g"), function="REGEXP_REPLACE"
        )
        super().__init__(
            letter_then_digit, Value("([0-9])([A-Za-z])"), Value(r"\1 \2"), Value("g"), function="REGEXP_REPLACE"
        )


def _postgres_match(queryset: QuerySet, fields: Sequence[str], words: Sequence[str]) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchVector

    document = SearchVector(*(_Words(F(field)) for field in fields), config="simple")
    # Safe to pass raw: every word is only letters or only digits.
    query = SearchQuery(" & ".join(f"{word}:*" for word in words), config="simple", search_type="raw")
    return queryset.alias(document=document).filter(document=query)


# --- matching: SQLite and anything else ----------------------------------------------


def _regex_match(queryset: QuerySet, fields: Sequence[str], words: Sequence[str]) -> QuerySet:
    for word in words:
        pattern = _word_start(word)
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__iregex": pattern})
        queryset = queryset.filter(any_field)
    return queryset


def _matching(queryset: QuerySet, fields: Sequence[str], words: Sequence[str], *, also: Q | None = None) -> QuerySet:
    """`queryset` narrowed to the rows whose `fields` hold every word, or that match `also`."""
    condition = also if also is not None else Q(pk__in=[])
    if words:
        match = _postgres_match if connection.vendor == "postgresql" else _regex_match
        condition |= Q(pk__in=match(queryset.model.objects.all(), fields, words).values("pk"))
    return queryset.filter(condition)


# --- snippets -----------------------------------------------------------------------


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


# --- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportHit:
    report: Report
    reference: Snippet
    title: Snippet

    @property
    def meetings(self):
        """The meetings that considered it, earliest first (prefetched)."""
        return [item.meeting for item in self.report.items.all()]

    @property
    def url(self) -> str:
        return self.report.get_absolute_url()


@dataclass(frozen=True)
class ItemHit:
    item: AgendaItem
    title: Snippet
    minutes: Snippet

    @property
    def url(self) -> str:
        return self.item.get_absolute_url()


@dataclass(frozen=True)
class PartHit:
    part: ResolutionPart
    text: Snippet

    @property
    def url(self) -> str:
        return self.part.get_absolute_url()


@dataclass(frozen=True)
class SearchResults:
    query: str
    words: tuple[str, ...]
    reports: tuple[ReportHit, ...] = ()
    items: tuple[ItemHit, ...] = ()
    parts: tuple[PartHit, ...] = ()
    # True when a group had more matches than the limit.
    truncated: bool = False

    @property
    def count(self) -> int:
        return len(self.reports) + len(self.items) + len(self.parts)

    def __bool__(self) -> bool:
        return self.count > 0


def _report_queryset() -> QuerySet[Report]:
    last_meeting = (
        AgendaItem.objects.filter(report=OuterRef("pk"))
        .order_by("-meeting__starts_at")
        .values("meeting__starts_at")[:1]
    )
    return (
        Report.objects.select_related("council")
        .annotate(last_meeting_at=Subquery(last_meeting))
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related("meeting__committee").order_by("meeting__starts_at", "pk"),
            )
        )
        .order_by(F("last_meeting_at").desc(nulls_last=True), "reference", "pk")
    )


def search(*, query: str, limit: int = 50) -> SearchResults:
    """Reports, agenda items and resolution parts matching `query`, at most `limit`
    of each, newest meeting first. Four queries, however many results."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    words = query_words(query)
    if not query:
        return SearchResults(query=query, words=words)

    reports = list(
        _matching(_report_queryset(), ["reference", "title"], words, also=Q(reference__icontains=query))[: limit + 1]
    )
    items = list(
        _matching(
            AgendaItem.objects.select_related("meeting__committee__council", "report").order_by(
                "-meeting__starts_at", "position", "pk"
            ),
            ["title", "minutes"],
            words,
        )[: limit + 1]
    )
    parts = list(
        _matching(
            ResolutionPart.objects.select_related(
                "item__meeting__committee__council", "item__report", "recommended_to", "delegation"
            ).order_by("-item__meeting__starts_at", "item__position", "item__pk", "position", "pk"),
            ["text"],
            words,
        )[: limit + 1]
    )
    return SearchResults(
        query=query,
        words=words,
        reports=tuple(
            ReportHit(report=report, reference=snippet(report.reference, words), title=snippet(report.title, words))
            for report in reports[:limit]
        ),
        items=tuple(
            ItemHit(item=item, title=snippet(item.title, words), minutes=snippet(item.minutes, words))
            for item in items[:limit]
        ),
        parts=tuple(PartHit(part=part, text=snippet(part.text, words)) for part in parts[:limit]),
        truncated=max(len(reports), len(items), len(parts)) > limit,
    )
