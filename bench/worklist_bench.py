"""The alerts worklist page at district scale: the director's district-wide list and the busiest PPW's.

    uv run python bench/worklist_bench.py --db postgres [--pg-db NAME] [--repeat 60]
    uv run python bench/worklist_bench.py --db sqlite --workdir DIR

Needs a database seeded with `casework seed --scale district` (its recompute opens the flag crossings the
worklist lists). Requests the page through Django's test client exactly as a browser would (session login,
middleware, policy path, access logging, template), as the director (or a supervisor: the same district-wide
scope) and as the PPW with the most open alerts (a PPW covers several schools of a cluster), for page 1
newest first (the default), page 1 sorted by flag, a deep page (page 20, or the last page if there are
fewer) and with a flag filter; the district-wide user, who picks a school first, for the page that asks for
one and for those four on the school with the most open alerts. Prints how many open, unacknowledged alerts
and student rows each user sees, the SQL queries each page runs (one request, counted) and, on PostgreSQL,
when the alerts table was last analysed (without statistics the grouped query's plan is a different one:
docs/performance.md, "Worklist at district scale"). Baselines in the same run: `/healthz` through the same
client (the framework's own cost) and a primary-key lookup of a student. Prints median and p95 (the target:
p95 under 150 ms on PostgreSQL, as the early-warning page).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, page_bench_args, print_baselines, summary, timed  # noqa: E402

DEEP_PAGE = 20
FLAG = "chronic_absent"



def main() -> None:
    args = page_bench_args(__doc__.split("\n\n")[0])

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from casework.accounts.models import User
    from casework.core.roles import Role
    from casework.indicators import selectors
    from casework.indicators.models import FlagCrossing
    from casework.indicators.views import PAGE_SIZE

    settings.ALLOWED_HOSTS = ["*"]
    print(machine())
    if connection.vendor == "postgresql":
        # The planner's statistics decide the grouped query's plan: say whether the crossings have any.
        with connection.cursor() as c:
            c.execute("SELECT coalesce(greatest(last_analyze, last_autoanalyze)::text, 'never') "
                      "FROM pg_stat_user_tables WHERE relname = %s", [FlagCrossing._meta.db_table])
            print(f"{FlagCrossing._meta.db_table} last analyzed: {c.fetchone()[0]}")

    def alerts_of(user) -> int:
        return selectors._worklist_alerts(user, None, {}).count()

    # District-wide: the director, or a supervisor (same scope) where the seed made no director account.
    wide = (User.objects.filter(role_assignments__role=Role.DIRECTOR).first()
            or User.objects.filter(role_assignments__role=Role.SUPERVISOR).first())
    if wide is None or not alerts_of(wide):
        sys.exit("No open alerts: seed the district first (casework seed --scale district).")
    ppws = User.objects.filter(role_assignments__role=Role.PPW).distinct().order_by("pk")
    busiest = max(ppws, key=alerts_of, default=None)
    users = [("district", wide)] + ([("ppw", busiest)] if busiest else [])

    url = reverse("indicators:worklist")
    cases = [("page 1, newest", {}), ("page 1, by flag", {"sort": "flag"}),
             (f"page {DEEP_PAGE}, newest", {"page": str(DEEP_PAGE)}), (f"{FLAG}", {"flag": FLAG})]
    # A district-wide user picks a school first (above views.OVERVIEW_MAX_SCHOOLS): their cases name the
    # school with the most open alerts, after the page that asks for one.
    from django.db.models import Count as _Count

    top = (selectors.worklist_students(wide).order_by().values("school__code").annotate(n=_Count("student_id"))
           .order_by("-n").first())
    wide_cases = [("no school: pick one", {})] + [
        (f"{name}, school {top['school__code']}", {**params, "school": top["school__code"]}) for name, params in cases
    ] if top else cases
    client = Client()
    for label, user in users:
        codes = sorted(user.role_assignments.filter(role=Role.PPW).values_list("school__code", flat=True))
        rows = selectors.worklist_students(user).count()
        flagged = selectors.worklist_students(user, filters={"flag": FLAG}).count()
        pages = max(1, -(-rows // PAGE_SIZE))
        print(f"{label:8} {user.get_username()}: {len(codes) or 'all'} school(s) {' '.join(codes)}".rstrip())
        print(f"{label:8} {alerts_of(user):,} open alerts, {rows:,} student rows ({pages:,} pages of {PAGE_SIZE}); "
              f"{FLAG}: {flagged:,} student rows; page {DEEP_PAGE} is page {min(DEEP_PAGE, pages)}")
        client.force_login(user)
        for name, params in (wide_cases if user is wide else cases):
            def get(params=params):
                response = client.get(url, params)
                assert response.status_code == 200, response.status_code
            get()
            with CaptureQueriesContext(connection) as queries:
                get()
            # Counted now: the next request empties the connection's log. BEGIN/COMMIT (the access log's
            # transaction) are not queries.
            count = sum(q["sql"] not in ("BEGIN", "COMMIT") for q in queries.captured_queries)
            print(f"{label:8} {name:22} {summary(timed(get, args.repeat))}, {count} queries")
    print_baselines(client, args.repeat, width=31)


if __name__ == "__main__":
    main()
