"""`manage.py load_demo_data [--today YYYY-MM-DD] [--seed-only]`: the demo users, each app's
demo data (the seed cases) and, unless `--seed-only`, the fictional Demoshire register
around `today` (`commissioning.projects.demo_register`).

Safe to run again: users and records that are already there are left as they are, and
the fictional register is added only when none of it is there.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from commissioning.core.dates import real_today
from commissioning.core.management import iso_date
from commissioning.core.roles import CLERKS, MANAGERS, OFFICERS, roles_sync
from commissioning.projects.defaults import create_defaults
from commissioning.projects.demo import load_commissioning_demo
from commissioning.projects.demo_register import PREFIX as DEMO_PREFIX
from commissioning.projects.demo_register_load import load_demo_register
from commissioning.projects.models import Gateway, ProcurementThreshold
from committees.demo import load_committees_demo
from contracts.demo import REGISTER_REFERENCES, load_register_demo
from contracts.models import Contract

DEMO_PASSWORD = "commissioning-demo"

# username, first name, last name, role
DEMO_USERS = (
    ("officer", "Priya", "Shah", OFFICERS),
    ("clerk", "Tom", "Clarke", CLERKS),
    ("manager", "Helen", "Ward", MANAGERS),
)

# One loader per app, each taking the day the demo stands on. Later apps add theirs here.
# The committees loader links decisions to the register's contracts, so it runs after it.
LOADERS = (load_register_demo, load_committees_demo, load_commissioning_demo)


def demo_users_load() -> list:
    """Create the demo users that are missing. An existing user keeps its password
    and details, so someone who changed the demo password is not reset."""
    User = get_user_model()
    users = []
    for username, first_name, last_name, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.org",
            )
        user.groups.add(Group.objects.get(name=role))
        users.append(user)
    return users


class Command(BaseCommand):
    help = (
        "Load the demo users, the seed cases and a fictional council's register around the day. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=iso_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="The day the demo data stands on: nothing dated after it is recorded. Default: today.",
        )
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="Load only the seed cases (the real councils' minutes), not the fictional register around the day.",
        )

    def handle(self, *args, today: date | None, seed_only: bool, **options) -> None:
        today = today or real_today()
        with transaction.atomic():
            roles_sync()
            # The migrations' defaults, in case the database was flushed since.
            create_defaults(Gateway, ProcurementThreshold)
            users = demo_users_load()
            for loader in LOADERS:
                loader(today=today)
            added = 0 if seed_only else load_demo_register(today=today)
        contracts = Contract.objects.filter(reference__in=REGISTER_REFERENCES).count()
        if seed_only:
            self.stdout.write(f"Demo data ready: {contracts} contracts, {len(users)} users.")
            return
        fictional = Contract.objects.filter(reference__startswith=DEMO_PREFIX).count()
        self.stdout.write(
            f"Demo data ready: {contracts} seed contracts, {fictional} fictional contracts "
            f"({added} added), {len(users)} users."
        )
