"""`manage.py benchmark`: generate a council-sized register and time the main pages on it.

By default it works in a database of its own beside the configured one
(`<name>_benchmark` on the same PostgreSQL server, or `<name>_benchmark.sqlite3`
next to the SQLite file), made with Django's test-database machinery and
dropped at the end, so the real data is never touched. `--keep` keeps it, and
`--reuse` measures the register a kept database holds without generating it
again (generating 20,000 contracts takes minutes). `--in-place` uses the
configured database instead, inside a transaction that is rolled back, and
only when that database holds no register or committee records.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from commissioning.benchmark import generate
from commissioning.benchmark.report import BenchmarkReport, rolled_back, run
from commissioning.core.dates import real_today


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise ValueError(f"{value} is less than {minimum}")
        return value

    parse.__name__ = f"whole number of at least {minimum}"
    return parse


def benchmark_database_name(settings_dict: dict) -> str:
    name = str(settings_dict["NAME"])
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(name)
        return str(path.with_name(f"{path.stem}_benchmark.sqlite3"))
    return f"{name}_benchmark"


class Command(BaseCommand):
    help = (
        "Generate a council-sized data set in a database of its own and report, for the main pages, "
        "the median and 95th-percentile server time and the query count, next to a minimal signed-in page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sizes = generate.Sizes()
        parser.add_argument("--contracts", type=_at_least(1), default=sizes.contracts)
        parser.add_argument("--meetings", type=_at_least(1), default=sizes.meetings)
        parser.add_argument("--parts", type=_at_least(0), default=sizes.parts, help="Resolution parts.")
        parser.add_argument("--actions", type=_at_least(0), default=sizes.actions)
        parser.add_argument(
            "--requests", type=_at_least(1), default=20, help="Timed requests to each page (after one warm-up)."
        )
        parser.add_argument(
            "--import-rows",
            type=_at_least(0),
            default=6000,
            help="Rows of a generated Transparency Code register to import, timed (0 to skip).",
        )
        parser.add_argument("--seed", type=int, default=1, help="The same seed makes the same data.")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the benchmark database afterwards (the next run replaces it).",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help=(
                "Measure the register kept by an earlier --keep or --reuse run, without generating it again "
                "(migrations are applied to it first); when there is none, generate one and keep it."
            ),
        )
        parser.add_argument("--json", dest="json_file", metavar="FILE", help="Also write the figures to FILE as JSON.")
        parser.add_argument(
            "--in-place",
            action="store_true",
            help=(
                "Use the configured database, which must hold no contracts, organisations, providers, "
                "meetings or projects, and roll everything back."
            ),
        )

    def handle(self, *args, in_place: bool, keep: bool, reuse: bool, json_file: str | None, **options) -> None:
        try:
            sizes = generate.Sizes(
                contracts=options["contracts"],
                meetings=options["meetings"],
                parts=options["parts"],
                actions=options["actions"],
            )
        except generate.BenchmarkError as error:
            raise CommandError(str(error)) from None
        if in_place and (keep or reuse):
            raise CommandError(
                "--keep and --reuse are for the benchmark's own database; --in-place rolls everything back."
            )
        if settings.DEBUG:
            self.stderr.write(
                "DEBUG is on: Django keeps a log of every query, so the times are higher than in production. "
                "Run with DEBUG=false (and SECRET_KEY set) for figures to compare."
            )
        arguments = {
            "sizes": sizes,
            "today": real_today(),
            "seed": options["seed"],
            "requests": options["requests"],
            "import_rows": options["import_rows"],
            "progress": self._progress if options["verbosity"] >= 1 else lambda _: None,
        }
        try:
            if in_place:
                report = self._in_place(arguments)
            else:
                report = self._in_own_database(arguments, keep=keep or reuse, reuse=reuse)
        except generate.BenchmarkError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(report.as_text())
        if json_file:
            Path(json_file).write_text(report.as_json() + "\n")
            self.stdout.write(f"\nFigures written to {json_file}.")

    def _progress(self, step: str) -> None:
        self.stderr.write(f"  {step} ...")

    def _in_place(self, arguments: dict) -> BenchmarkReport:
        if generate.holds_data():
            raise CommandError(
                "--in-place needs a database with no contracts, organisations, providers, meetings or projects: "
                "this one has some. Leave out --in-place to benchmark in a database of its own."
            )
        self.stderr.write(f"Benchmarking in the configured database ({connection.vendor}), rolled back afterwards.")
        with rolled_back():
            return run(**arguments)

    def _in_own_database(self, arguments: dict, *, keep: bool, reuse: bool) -> BenchmarkReport:
        creation = connection.creation
        real_name = connection.settings_dict["NAME"]
        name = benchmark_database_name(connection.settings_dict)
        connection.settings_dict.setdefault("TEST", {})["NAME"] = name
        if reuse:
            # keepdb: an existing database is kept and migrated, so the indexes of a newer branch are there.
            self.stderr.write(f"Opening the kept benchmark database {name} ({connection.vendor}) ...")
        else:
            self.stderr.write(f"Creating the benchmark database {name} ({connection.vendor}) ...")
        creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=reuse)
        try:
            return run(**arguments, reuse=reuse)
        finally:
            if keep:
                self.stderr.write(f"Kept the benchmark database {name}.")
            else:
                creation.destroy_test_db(real_name, verbosity=0)
                self.stderr.write(f"Dropped the benchmark database {name}.")
