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
from commissioning.benchmark.register_import import ImportTiming, measure_import

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
    register_import: ImportTiming | None = None

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
        if (timed := self.register_import) is not None:
            lines += [
                "",
                f"Import of {timed.rows:,} generated Transparency Code rows ({timed.encoding}): "
                f"{timed.seconds:.1f} s ({timed.created:,} contracts created, {timed.rejected:,} rows rejected and skipped)",
            ]
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
                "register_import": asdict(self.register_import) if self.register_import else None,
            },
            indent=2,
        )


def run(
    *,
    sizes: Sizes,
    today: date,
    seed: int,
    requests: int,
    import_rows: int = 0,
    progress: Callable[[str], None] = lambda _: None,
) -> BenchmarkReport:
    """Generate, settle and measure, in the current database, which must be empty; then,
    when `import_rows`, time the import of a generated register of that many rows."""
    generated = generate(sizes=sizes, today=today, seed=seed, progress=progress)
    progress("settling the database")
    settle()
    user = benchmark_user()
    progress("measuring")
    timings = measure(user=user, requests=requests)
    register_import = None
    if import_rows:
        progress(f"importing {import_rows:,} generated register rows")
        register_import = measure_import(import_rows, seed=seed)
    return BenchmarkReport(
        database=database_description(),
        debug=settings.DEBUG,
        today=today,
        sizes=sizes,
        generated=generated,
        timings=timings,
        register_import=register_import,
    )
