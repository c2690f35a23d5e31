"""The school early-warning list page for the largest school, sorted by attendance rate.

    uv run python bench/early_warning_bench.py --db postgres [--pg-db NAME] [--repeat 60]
    uv run python bench/early_warning_bench.py --db sqlite --workdir DIR

Needs a database seeded with `casework seed --scale district` (its indicators are recomputed by the
seed). Requests the page through Django's test client exactly as a browser would (session login,
middleware, policy path, access logging, template), as the director (or a supervisor: the same
district-wide scope) and as a PPW assigned to that school, for page 1 sorted by attendance rate (the
default), page 2, with a flag filter and sorted by name; and the school picker (/early-warning/), which
counts the flags of every school the user reaches. Baselines in the same run: `/healthz` through
the same client (the framework's own cost) and a primary-key lookup of a student.
Prints median and p95 (the target: p95 under 150 ms on PostgreSQL).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, page_bench_args, print_baselines, summary, timed  # noqa: E402


def main() -> None:
    args = page_bench_args(__doc__.split("\n\n")[0])

    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from casework.accounts.models import RoleAssignment, User
    from casework.core.roles import Role
    from casework.indicators.models import StudentIndicator
    from casework.schools.models import School

    settings.ALLOWED_HOSTS = ["*"]
    largest = (StudentIndicator.objects.values("school").annotate(n=Count("id")).order_by("-n").first())
    if largest is None:
        sys.exit("No stored indicators: seed the district first (casework seed --scale district).")
    school = School.objects.get(pk=largest["school"])
    print(machine())
    print(f"school {school.code} ({school.level}): {largest['n']:,} students with indicators")
    # District-wide: the director, or a supervisor (same scope) where the seed made no director account.
    wide = (User.objects.filter(role_assignments__role=Role.DIRECTOR).first()
            or User.objects.filter(role_assignments__role=Role.SUPERVISOR).first())
    ppw_link = RoleAssignment.objects.filter(role=Role.PPW, school=school).select_related("user").first()
    users = [("district", wide)] + ([("ppw", ppw_link.user)] if ppw_link else [])
    url = f"/schools/{school.code}/early-warning/"
    cases = [("page 1, by rate", url), ("page 2, by rate", url + "?page=2"),
             ("chronic only", url + "?flag=chronic_absent"), ("by name", url + "?sort=name"),
             ("school picker", "/early-warning/")]  # every school of the user, its flags counted
    client = Client()
    for label, user in users:
        client.force_login(user)
        for name, target in cases:
            def get(target=target):
                response = client.get(target)
                assert response.status_code == 200, response.status_code
            print(f"{label:8} {name:18} {summary(timed(get, args.repeat))}")
    print_baselines(client, args.repeat, width=26)


if __name__ == "__main__":
    main()
