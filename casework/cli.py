"""The `casework` command: Casework's own subcommands (demo, serve, seed, createuser, token) and every
Django management command (`casework migrate`, `casework check`, ...), all on one data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

USAGE = """usage: casework [--data-dir DIR] COMMAND [options]

Casework commands:
  demo         migrate, seed a synthetic demo district when empty, and serve it on http://127.0.0.1:8000/
  serve        run the production web server (gunicorn)
  seed         generate a synthetic district: --scale demo|district [--seed N]
  createuser   add a staff account with a role
  token        print a new API token for a user

Any Django management command also works, e.g. `casework migrate`, `casework check`.
The data directory (SQLite database, secret key, cache) is ./var/ unless --data-dir or
CASEWORK_DATA_DIR says otherwise; DATABASE_URL selects PostgreSQL instead of SQLite.
`casework COMMAND --help` describes a command's options.
"""


def _pop_option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            value = argv[i + 1]
            del argv[i : i + 2]
            return value
        if arg.startswith(name + "="):
            del argv[i]
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir = _pop_option(argv, "--data-dir")
    if data_dir:
        os.environ["CASEWORK_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    if argv[0] == "demo":
        os.environ["CASEWORK_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
    if not os.environ.get("DATABASE_URL"):
        Path(os.environ.get("CASEWORK_DATA_DIR") or Path.cwd() / "var").mkdir(parents=True, exist_ok=True)

    if argv[0] in _NEED_MIGRATED and not {"-h", "--help", "--template", "--no-db"} & set(argv):
        _refuse_unmigrated(argv[0])

    from django.core.management import execute_from_command_line

    execute_from_command_line(["casework", *argv])


# Commands that read or write the district's data: on a database that is not migrated they would end in a
# "no such table" traceback, so they stop first and say what to do. `--template` and `seed --no-db` touch no database.
_NEED_MIGRATED = {"import", "indicators", "recompute", "rules", "descriptors", "worker", "createuser", "token",
                  "seed", "summaries", "ladder"}


def _refuse_unmigrated(command: str) -> None:
    import django
    from django.db import DatabaseError

    django.setup()
    from casework.core.management.commands.serve import pending_migrations

    try:
        pending = pending_migrations()
    except DatabaseError as exc:
        sys.stderr.write(f"casework {command}: cannot reach the database ({exc}).\n")
        raise SystemExit(1) from None
    if pending:
        sys.stderr.write(f"casework {command}: the database is not migrated ({len(pending)} migration(s) pending). "
                         "Run `casework migrate` first (or `casework demo`).\n")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
