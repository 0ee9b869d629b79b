"""The benchmark's report, and `run`: generate, settle and measure."""

import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.db import connection

from commissioning.benchmark.generate import Generated, Sizes, generate
from commissioning.benchmark.measure import Timing, benchmark_user, measure, settle

# --- the report ---------------------------------------------------------------------------------


def database_description() -> str:
    if connection.vendor == "postgresql":
        major, rest = divmod(connection.pg_version, 10000)
        return f"PostgreSQL {major}.{rest % 100} (database {connection.settings_dict['NAME']})"
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version} ({connection.settings_dict['NAME']})"
    return connection.vendor


@dataclass(frozen=True)
class BenchmarkReport:
    database: str
    debug: bool
    today: date
    sizes: Sizes
    generated: Generated
    timings: list[Timing]

    @property
    def baseline(self) -> Timing:
        return self.timings[0]

    def as_text(self) -> str:
        base = self.baseline.median_ms
        lines = [
            f"Database: {self.database}",
            f"DEBUG: {'on (queries are logged: figures are higher than in production)' if self.debug else 'off'}",
            f"Data as of {self.today:%d %b %Y}, generated in {self.generated.seconds:.1f} s:",
            "  " + ", ".join(f"{count:,} {name}" for name, count in self.generated.counts.items()),
            f"Server time of {self.baseline.requests} requests to each page, after one to warm up:",
            "",
        ]
        header = ("page", "median ms", "p95 ms", "queries", "x baseline", "url")
        rows = [
            (
                t.name,
                f"{t.median_ms:.1f}",
                f"{t.p95_ms:.1f}",
                str(t.queries),
                f"{t.median_ms / base:.1f}" if base else "-",
                t.url,
            )
            for t in self.timings
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        aligned = "<>>>><"
        for row in [header, *rows]:
            lines.append(
                "  ".join(f"{cell:{align}{width}}" for cell, align, width in zip(row, aligned, widths)).rstrip()
            )
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {
                "database": self.database,
                "debug": self.debug,
                "today": self.today.isoformat(),
                "sizes": asdict(self.sizes),
                "generation_seconds": round(self.generated.seconds, 1),
                "counts": self.generated.counts,
                "pages": [asdict(t) for t in self.timings],
            },
            indent=2,
        )


def run(
    *, sizes: Sizes, today: date, seed: int, requests: int, progress: Callable[[str], None] = lambda _: None
) -> BenchmarkReport:
    """Generate, settle and measure, in the current database, which must be empty."""
    generated = generate(sizes=sizes, today=today, seed=seed, progress=progress)
    progress("settling the database")
    settle()
    user = benchmark_user()
    progress("measuring")
    timings = measure(user=user, requests=requests)
    return BenchmarkReport(
        database=database_description(),
        debug=settings.DEBUG,
        today=today,
        sizes=sizes,
        generated=generated,
        timings=timings,
    )
