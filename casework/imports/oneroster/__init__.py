"""1EdTech OneRoster 1.2 CSV bundles (`casework import oneroster PATH`): bundle.py opens and checks the
bundle, translate.py turns its rows into the plain-CSV vocabulary, and the shared importers write them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from casework.imports.csvfile import Refused

from .bundle import open_bundle
from .common import Located
from .people import users_without_roles
from .translate import Translation

# (importer kind, OneRoster file the rows come from, Translation method), in dependency order.
_STAGES = (
    ("schools", "orgs.csv", "school_rows"),
    ("sessions", "academicSessions.csv", "session_rows"),
    ("grading_periods", "academicSessions.csv", "grading_period_rows"),
    ("students", "users.csv", "student_rows"),
    ("students", "roles.csv", "role_problem_rows"),
    ("guardians", "users.csv", "guardian_rows"),
    ("student_guardians", "users.csv", "student_guardian_rows"),
    ("enrollments", "classes.csv", "class_problem_rows"),
    ("enrollments", "enrollments.csv", "enrollment_rows"),
    ("enrollments", "users.csv", "fallback_enrollment_rows"),
)


def oneroster_stages(paths: list[Path]) -> list:
    """The stages of a OneRoster import, in dependency order; raises Refused."""
    from casework.imports.importers import IMPORTERS
    from casework.imports.services import Stage

    bundle = open_bundle([Path(p) for p in paths])
    # A delta's users without a role are told apart by what Casework holds; a bulk 1.2 users.csv without
    # roles.csv by enrollments.csv's student role (people.py).
    if users_without_roles(bundle) and not bundle.has("enrollments"):
        raise Refused("users.csv has no role column and manifest.csv declares neither roles.csv nor "
                      "enrollments.csv: Casework cannot tell students from guardians.")
    missing = sorted({kind for kind, _, _ in _STAGES} - set(IMPORTERS))
    if missing:
        raise Refused(f"This Casework cannot import {', '.join(missing)} yet, so it cannot import OneRoster.")
    translation = Translation(bundle)
    # Every file read, as the run's Encoding line says (demographics.csv and classes.csv have no stage).
    stages = BundleStages(encodings=[(f.name, f.encoding) for f in bundle.files.values()],
                          warnings=translation.delta_warnings() if bundle.is_delta else ())
    for kind, file, method in _STAGES:
        if file == "academicSessions.csv" and not bundle.has("academicSessions"):
            continue
        if file in ("enrollments.csv", "roles.csv", "classes.csv") and not bundle.has(file.removesuffix(".csv")):
            continue
        stages.append(Stage(kind, file, _rows(getattr(translation, method))))
    return stages


class BundleStages(list):
    """The run's stages, and how each file of the bundle was decoded: (file name, encoding)."""

    def __init__(self, stages=(), encodings=(), warnings=()):
        super().__init__(stages)
        self.encodings: list[tuple[str, str]] = list(encodings)
        self.warnings: list[str] = list(warnings)


def _rows(make: Callable[[], list[Located]]):
    def rows(report: Callable[[int, int], None] | None):
        located = make()
        for done, item in enumerate(located, 1):
            if report is not None and done % 5000 == 0:
                report(done, len(located), "rows")
            yield item
        if report is not None:
            report(len(located), len(located), "rows")
    return rows
