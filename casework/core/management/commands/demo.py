import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.accounts.views import DEMO_ACCOUNTS, DEMO_PASSWORD
from casework.audit.models import ChangeRecord
from casework.cases.models import Case
from casework.core.context import Source
from casework.jobs.runner import start_in_process
from casework.seed.accounts import ensure_demo_accounts
from casework.seed.casework_demo import seed_casework
from casework.students.models import Student

from .serve import _db_label, run_gunicorn


class Command(BaseCommand):
    help = "Run Casework with a synthetic demo district: migrate, seed when empty, print the accounts, serve."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for the demo district")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the data and exit")

    def handle(self, *args, **opts):
        self.stdout.write(f"Database: {_db_label()}")
        call_command("migrate", interactive=False, verbosity=0)
        if Student.objects.exists():
            if not _seeded():
                raise CommandError("This database holds data that the seed did not make. `casework demo` runs "
                                   "only on a synthetic district: use another --data-dir or unset DATABASE_URL.")
            self.stdout.write(f"Reusing the existing data ({Student.objects.count():,} students).")
        else:
            self.stdout.write("Empty database: seeding a synthetic demo district (takes a few seconds)...")
            call_command("seed", scale="demo", seed=opts["seed"], stdout=self.stdout)
        ensure_demo_accounts()
        if not Case.objects.exists():
            self.stdout.write("Adding the demo caseload: cases, referrals, contacts, plans, tasks...")
            seed_casework(seed=opts["seed"], today=timezone.localdate())
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for username, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<11} {description}")
        if opts["no_serve"]:
            return
        self.stdout.write(f"\nOpen http://{opts['host']}:{opts['port']}/ — press Ctrl+C to stop.\n")
        self.stdout.flush()
        if "CASEWORK_BASE_URL" not in os.environ:  # the digest's links point where the demo is served
            settings.CASEWORK_BASE_URL = f"http://{opts['host']}:{opts['port']}"
        # The worker's schedule (the daily digest) runs in a thread of each web worker; the job's unique
        # key per day keeps it to one digest.
        run_gunicorn(host=opts["host"], port=opts["port"], workers=2, threads=4, in_each_worker=start_in_process)


def _seeded() -> bool:
    """Demo accounts with a published password go only into a database the seed generator filled."""
    return ChangeRecord.objects.filter(source=Source.SEED, action=ChangeRecord.Action.BULK).exists()
