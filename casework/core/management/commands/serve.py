import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def run_gunicorn(*, host: str, port: int, workers: int, threads: int, in_each_worker=None) -> None:
    """`in_each_worker()` runs in every worker process after the fork (threads must start there: a thread
    started in the master before the fork can leave its locks held in the children, which then hang)."""
    from gunicorn.app.base import BaseApplication

    from casework.core.logging import gunicorn_logger_class
    from config.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 60,
                "accesslog": "-",
                # %(U)s is the path without the query string: search words never reach the log.
                "access_log_format": '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
                "logger_class": gunicorn_logger_class(),  # masks the calendar feed's secret in the path
                "errorlog": "-",
                "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            }
            if in_each_worker is not None:
                options["post_fork"] = lambda server, worker: in_each_worker()
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    Server().run()


class Command(BaseCommand):
    help = "Run Casework's production web server (gunicorn). Static files are served by the app itself."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("CASEWORK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args, **opts):
        try:
            pending = pending_migrations()
        except DatabaseError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"Cannot reach the database ({_db_label()}): {reason}") from None
        if pending:
            raise CommandError("The database is not up to date. Run `casework migrate` first.")
        self.stdout.write(f"Casework at http://{opts['host']}:{opts['port']}/  (database: {_db_label()})")
        run_gunicorn(host=opts["host"], port=opts["port"], workers=opts["workers"], threads=opts["threads"])


def _db_label() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('HOST') or 'local'}/{db.get('NAME')}"
