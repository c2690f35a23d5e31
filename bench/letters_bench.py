"""A batch of 1,000 Tier 1 letters into one merged print-ready PDF, through the real job handler.

    uv run python bench/letters_bench.py --db sqlite [--workdir DIR] [--students 20000] [--reuse]
    uv run python bench/letters_bench.py --db postgres [--pg-db casework_bench_letters] [--reuse]

Seeds its own database with `casework seed --scale demo --students N` (calendars, attendance, indicators
recomputed) unless --reuse, then picks the school with the most students with unlawful absences and
starts a mailing for its 1,000 students with the most unlawful days (mailings.services.mailing_create,
as the director). The job handler (mailings.jobs.run: read the batch's shared data once, then find or open
each attendance case, letter_create, then letters_pdf once, stored) runs in a child process, as a jobs
worker would, and reports:

- letter records: the seconds until every letter row exists (cases opened, letters rendered and saved), and
  the SQL statements the job sent until then, per letter (each a round trip; psycopg's implicit BEGIN and
  the COMMITs are not counted, SQLite's BEGIN is);
- PDF render: the seconds letters.render.letters_pdf takes for the whole batch;
- total: the handler from start to the stored PDF.

Baseline in the same run: fpdf2 writing the same 1,000 letter texts (the stored body_text) as 1,000
pages with no database (the floor any PDF batch pays). While the batch runs, the parent requests
/healthz and a student page through Django's test client and reports their latency against the same
requests on an idle machine (the web app must stay responsive). Target: under 60 s total.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import configure, ensure_postgres_database, machine, summary  # noqa: E402

BATCH = 1000


def seed(db: str, workdir: Path, pg_db: str, students: int, reuse: bool) -> None:
    if db == "postgres" and not reuse:
        ensure_postgres_database(pg_db, recreate=True)
    if db == "sqlite" and not reuse:
        for name in ("casework.sqlite3", "casework.sqlite3-wal", "casework.sqlite3-shm"):
            (workdir / name).unlink(missing_ok=True)
    configure(db, workdir=workdir, pg_db=pg_db)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a reused database may predate the newest migrations
    if reuse:
        return
    started = time.perf_counter()
    call_command("seed", scale="demo", students=students, verbosity=0)
    print(f"seeded {students} students in {time.perf_counter() - started:.0f} s")


def pick(n: int, offset: int = 0):
    """The school with the most students with unlawful absences, and its n students with the most
    (after the first `offset`: a re-run on a reused database can take students with no letter yet)."""
    from django.db.models import Count, Max

    from casework.indicators.models import StudentIndicator

    ytd = StudentIndicator.objects.filter(period_key="year_to_date", days_unlawful__gt=0)
    latest = ytd.aggregate(d=Max("as_of"))["d"]
    top = (ytd.filter(as_of=latest).values("school").annotate(n=Count("id")).order_by("-n").first())
    if top is None or top["n"] < n + offset:
        sys.exit(f"No school has {n} students with unlawful absences (best: {top and top['n']}); seed more "
                 "students (--students).")
    ids = list(ytd.filter(as_of=latest, school=top["school"]).order_by("-days_unlawful", "student_id")
               .values_list("student_id", flat=True)[offset:offset + n])
    return top["school"], ids, top["n"]


def director():
    from django.utils import timezone

    from casework.accounts.models import RoleAssignment, User
    from casework.core.roles import Role

    found = (RoleAssignment.objects.active(timezone.localdate()).filter(role=Role.DIRECTOR)
             .select_related("user").first())
    if found:
        return found.user
    user, _ = User.objects.get_or_create(username="bench-director", defaults={"first_name": "Bench"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.DIRECTOR, school=None)
    return user


def run_batch(job_pk: int, out) -> None:
    """Child process: the job handler as a worker runs it, with the two phases timed."""
    from django.db import connections

    connections.close_all()  # the parent's connections are not ours to share
    import casework.letters.render as render
    from casework.core.context import Source, audit_context
    from casework.jobs.models import Job
    from casework.mailings.jobs import run

    marks: dict[str, float] = {}
    real_pdf = render.letters_pdf
    queries = {"records": 0, "counting": True}

    def count(execute, sql, params, many, context):  # round trips until the PDF step starts
        if queries["counting"]:
            queries["records"] += 1
        return execute(sql, params, many, context)

    def timed_pdf(letters):
        queries["counting"] = False
        marks["records_done"] = time.perf_counter()
        pdf = real_pdf(letters)
        marks["pdf_done"] = time.perf_counter()
        return pdf

    render.letters_pdf = timed_pdf
    job = Job.objects.select_related("created_by").get(pk=job_pk)
    started = time.perf_counter()
    with audit_context(actor=job.created_by, source=Source.JOB), connections["default"].execute_wrapper(count):
        outcome = run(job, lambda done, total=None, message="": None)
    ended = time.perf_counter()
    out.send({"records": marks["records_done"] - started, "pdf": marks["pdf_done"] - marks["records_done"],
              "total": ended - started, "outcome": outcome, "queries": queries["records"]})
    out.close()


def baseline(texts: list[str]) -> float:
    """fpdf2 alone: one page per letter text, the same fonts, no database."""
    from fpdf import FPDF

    from casework.letters.pdffonts import SERIF, add_fonts, printable
    from casework.letters.render import BODY_SIZE

    started = time.perf_counter()
    pdf = FPDF(orientation="portrait", unit="in", format="letter")
    pdf.set_margins(1, 1, 1)
    add_fonts(pdf)  # the letters' embedded fonts
    for text in texts:
        pdf.add_page()
        pdf.set_font(SERIF, size=BODY_SIZE)
        for paragraph in text.split("\n\n"):  # as the letters are laid out: a paragraph per cell
            pdf.multi_cell(0, 0.19, printable(paragraph), new_x="LMARGIN", new_y="NEXT")
    bytes(pdf.output())
    return time.perf_counter() - started


def latencies(client, urls: list[str], until=None, repeat: int = 20) -> dict[str, list[float]]:
    for url in urls:  # warm-up: the first request of each page pays for imports and template loading
        client.get(url)
    out: dict[str, list[float]] = {url: [] for url in urls}
    while True:
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            out[url].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        if until is None and len(out[urls[0]]) >= repeat:
            return out
        if until is not None and until():
            return out
        time.sleep(0.2)  # a person clicking, not a load test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--pg-db", default="casework_bench_letters")
    parser.add_argument("--students", type=int, default=20000, help="Students to seed (demo scale's schools)")
    parser.add_argument("--reuse", action="store_true", help="Use the already seeded database")
    parser.add_argument("--offset", type=int, default=0, help="Skip the first N students (a re-run on --reuse)")
    args = parser.parse_args()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / f"casework-bench-letters-{args.db}")
    workdir.mkdir(parents=True, exist_ok=True)
    seed(args.db, workdir, args.pg_db, args.students, args.reuse)

    from django.conf import settings
    from django.test import Client

    from casework.letters.models import Letter
    from casework.mailings.services import mailing_create
    from casework.schools.models import School

    settings.ALLOWED_HOSTS = ["*"]
    settings.CASEWORK_JOBS_INLINE = False  # the child process below is the worker
    print(machine())
    school_pk, student_ids, with_unlawful = pick(BATCH, args.offset)
    school = School.objects.get(pk=school_pk)
    print(f"school {school.code}: {with_unlawful} students with unlawful absences; batch of {len(student_ids)}")
    actor = director()
    client = Client()
    client.force_login(actor)
    urls = ["/healthz", f"/students/{student_ids[0]}/"]
    idle = latencies(client, urls)

    mailing = mailing_create(actor=actor, school=school, criteria={"students": student_ids})
    from django.db import connections

    connections.close_all()
    parent_end, child_end = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=run_batch, args=(mailing.job_id, child_end))
    child.start()
    busy = latencies(client, urls, until=lambda: not child.is_alive())
    child.join()
    result = parent_end.recv()

    mailing.refresh_from_db()
    texts = list(Letter.objects.filter(mailing=mailing).order_by("pk").values_list("body_text", flat=True))
    base = baseline(texts)
    print(f"outcome: {result['outcome']} (mailing {mailing.pk}, status {mailing.status})")
    per_letter = result["records"] / max(1, len(texts)) * 1000
    print(f"letter records: {result['records']:.1f} s ({per_letter:.1f} ms a letter); {result['queries']} SQL "
          f"statements, {result['queries'] / max(1, len(texts)):.1f} a letter (PostgreSQL's BEGIN/COMMIT not counted)")
    print(f"PDF render:     {result['pdf']:.1f} s")
    print(f"total:          {result['total']:.1f} s   (target under 60 s)")
    print(f"baseline (fpdf2, {len(texts)} pages, no database): {base:.1f} s; PDF render / baseline = "
          f"{result['pdf'] / base:.1f}x; total / baseline = {result['total'] / base:.1f}x")
    for url in urls:  # /healthz only reads; the student page also writes its access-log row
        print(f"GET {url}: idle {summary(idle[url])} ({len(idle[url])} GETs); during the batch "
              f"{summary(busy[url])} ({len(busy[url])} GETs); median ratio "
              f"{statistics.median(busy[url]) / statistics.median(idle[url]):.1f}x")


if __name__ == "__main__":
    main()
