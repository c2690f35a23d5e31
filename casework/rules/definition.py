"""The shape of a rule set's `values`, its validation, and which way each threshold tightens.

No legal number lives here: the numbers are in the shipped definitions under `defaults/` (loaded by the
data migration) and in the rule set rows copied from them. This module knows only the *kind* of each
value (a rate, a day count, minutes, a list of codes) and, for the statutory ones, which direction is
"stricter" — COMAR 13A.08.01.04C lets a local school system be more strict, never less.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"

# Period kinds the engine knows. A quarter is a marking period of a four-period year; "marking_period"
# is any other grading period (trimester, six weeks); both are marking periods under COMAR .04C.
# A reason code as the imports read one (upper-cased, e.g. "E" or "PP-CHILD"): a rule set's code must match
# it, or no imported absence could ever carry it.
REASON_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
PERIOD_KINDS = ("quarter", "marking_period", "semester", "year")

RATE_KEYS = ("chronic_absence_rate", "habitual_truant_rate", "abc_attendance_rate_below")
COUNT_KEYS = ("chronic_min_days_enrolled", "abc_min_suspensions", "abc_min_course_failures")
MINUTE_KEYS = ("full_day_minutes", "half_day_minutes", "school_day_minutes")
# Keys a valid rule set may lack: they were added after a shipped version (school_day_minutes in 2026.2),
# and a set without one keeps the meaning it had (see engine.Rules.from_values).
# Each optional key's stand-in when a set lacks it: the value it was read as before the key existed.
OPTIONAL_KEYS = {"school_day_minutes": "full_day_minutes"}
# Course failures (the "C" of the ABC flags) are not law: they follow the district's grading scale. A set
# without these keys (every set before they existed) reads these values: a letter E or F (Maryland
# systems use either), or a numeric grade under 60 where no letter is given, and one failed course.
COURSE_DEFAULTS: dict[str, Any] = {"course_failing_letter_grades": ["E", "F"], "course_failing_numeric_below": 60,
                                   "abc_min_course_failures": 1}
KEYS = (
    *MINUTE_KEYS, "lawful_reasons", "suspension_reason_code", "chronic_absence_rate", "chronic_min_days_enrolled",
    "habitual_truant_rate", "habitual_truant_period_kinds", "truant_day_limits", "attendance_bands",
    "abc_attendance_rate_below", "abc_min_suspensions", "tardies_per_unlawful_absence", *COURSE_DEFAULTS,
)
LETTER_GRADE = re.compile(r"^\S{1,20}$")

# Statutory thresholds and the direction in which a district may move them. "lower": a smaller number
# flags more students (a rate or a day limit); "higher": a larger number counts fewer minutes as presence.
TIGHTEN_DIRECTION: dict[str, str] = {
    "habitual_truant_rate": "lower",
    "chronic_absence_rate": "lower",
    "chronic_min_days_enrolled": "lower",
    "full_day_minutes": "higher",
    "half_day_minutes": "higher",
    # A longer day turns the same Ed-Fi EventDuration into more minutes present: fewer absences. A school
    # whose day is longer says so per event (minutes scheduled), which takes precedence.
    "school_day_minutes": "lower",
}
MINUTES_IN_A_DAY = 24 * 60


def load_shipped(filename: str) -> dict[str, Any]:
    """A shipped definition (name, version, effective date, values with citations)."""
    return json.loads((DEFAULTS_DIR / filename).read_text(encoding="utf-8"))


def value(values: Mapping[str, Any], key: str) -> Any:
    """The rule's value; for an optional rule the set predates, the value it stood for then."""
    if key not in values and key in COURSE_DEFAULTS:
        return COURSE_DEFAULTS[key]
    if key not in values and key in OPTIONAL_KEYS:
        key = OPTIONAL_KEYS[key]
    return values[key]["value"]


def as_fraction(number: float | int) -> Fraction:
    """Exact decimal: 0.1 stored in JSON is one tenth, so 'exactly 10%' compares equal."""
    return Fraction(str(number))


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _pct(x: Any) -> str:
    return f"{float(as_fraction(x) * 100):g}%" if _is_number(x) else repr(x)


def validate_values(values: Any) -> dict[str, list[str]]:
    """{key: [messages]} for everything wrong with `values`; empty when it is a usable rule set."""
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if not isinstance(values, dict):
        return {"values": ["The rule values must be an object of named entries."]}
    for key in sorted(set(values) - set(KEYS)):
        err(key, f"Unknown rule {key!r}. Known rules: {', '.join(KEYS)}.")
    for key in KEYS:
        entry = values.get(key)
        if entry is None and (key in OPTIONAL_KEYS or key in COURSE_DEFAULTS):
            continue
        if entry is None:
            err(key, "This rule is missing.")
        elif not isinstance(entry, dict) or "value" not in entry:
            err(key, 'Each rule is an object with a "value" and a "source" citation.')
        elif not isinstance(entry.get("source"), str) or not entry["source"].strip():
            err(key, "Cite the source of this rule (statute, regulation, policy) in its \"source\".")
    if errors:
        return errors
    v = {key: values[key]["value"] for key in KEYS if key in values}
    v.update({key: default for key, default in COURSE_DEFAULTS.items() if key not in v})

    for key in RATE_KEYS:
        x = v[key]
        if not _is_number(x) or not 0 < x <= 1:
            err(key, f"A rate must be a number above 0 and at most 1 (0.2 means 20%); got {x!r}.")
    for key in COUNT_KEYS:
        if not _is_int(v[key]) or v[key] < 1:
            err(key, f"Must be a whole number of at least 1; got {v[key]!r}.")
    for key in MINUTE_KEYS:
        if key not in v:
            continue
        x = v[key]
        if not _is_int(x) or not 0 < x <= MINUTES_IN_A_DAY:
            err(key, f"Minutes must be a whole number from 1 to {MINUTES_IN_A_DAY}; got {x!r}.")
    if (_is_int(v["full_day_minutes"]) and _is_int(v["half_day_minutes"])
            and v["half_day_minutes"] >= v["full_day_minutes"]):
        err("half_day_minutes", f"Half-day minutes ({v['half_day_minutes']}) must be fewer than full-day "
                                f"minutes ({v['full_day_minutes']}).")
    day = v.get("school_day_minutes")
    if _is_int(day) and _is_int(v["full_day_minutes"]) and day < v["full_day_minutes"]:
        err("school_day_minutes", f"A school day ({day} minutes) cannot be shorter than a full day present "
                                  f"({v['full_day_minutes']} minutes).")

    reasons = v["lawful_reasons"]
    codes: list[str] = []
    if not isinstance(reasons, list) or not reasons:
        err("lawful_reasons", "List at least one lawful absence reason.")
    else:
        for i, reason in enumerate(reasons, 1):
            if not isinstance(reason, dict) or not all(
                    isinstance(reason.get(f), str) and reason[f].strip() for f in ("code", "label")):
                err("lawful_reasons", f"Reason {i} needs a non-empty \"code\" and \"label\".")
                continue
            if not REASON_CODE.match(reason["code"]):
                err("lawful_reasons", f"Reason code {reason['code']!r}: use capital letters, digits and hyphens, "
                                      "up to 20 characters (E, PP-CHILD), as imports read the SIS's codes.")
            codes.append(reason["code"])
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            err("lawful_reasons", f"Reason codes must be unique; repeated: {', '.join(duplicates)}.")
    if v["suspension_reason_code"] not in codes:
        err("suspension_reason_code", f"The suspension reason {v['suspension_reason_code']!r} must be one of "
                                      "the lawful reason codes (COMAR 13A.08.01.03H).")

    kinds = v["habitual_truant_period_kinds"]
    if not isinstance(kinds, list) or not kinds or any(k not in PERIOD_KINDS for k in kinds):
        err("habitual_truant_period_kinds", f"List the period kinds to check, from {', '.join(PERIOD_KINDS)}; "
                                            f"got {kinds!r}.")
    limits = v["truant_day_limits"]
    if not isinstance(limits, dict) or not limits:
        err("truant_day_limits", "Give a day limit per period kind, e.g. {\"quarter\": 8}.")
    else:
        for kind, limit in limits.items():
            if kind not in PERIOD_KINDS:
                err("truant_day_limits", f"Unknown period kind {kind!r}; use {', '.join(PERIOD_KINDS)}.")
            elif not _is_int(limit) or limit < 1:
                err("truant_day_limits", f"The {kind} limit must be a whole number of days of at least 1; "
                                         f"got {limit!r}.")

    bands = v["attendance_bands"]
    if not isinstance(bands, list) or not bands:
        err("attendance_bands", "List the attendance bands, lowest absence rate first.")
    else:
        edges: list[Any] = []
        names: list[Any] = []
        for i, band in enumerate(bands, 1):
            ok = isinstance(band, dict) and all(isinstance(band.get(f), str) and band[f] for f in ("name", "label"))
            edge: Any = band.get("min_absence_rate") if isinstance(band, dict) else None
            if not ok or not _is_number(edge) or not 0 <= edge < 1:
                err("attendance_bands", f"Band {i} needs a name, a label and a min_absence_rate from 0 to under 1.")
                continue
            edges.append(edge)
            names.append(band["name"])
        if edges and edges[0] != 0:
            err("attendance_bands", f"The first band must start at 0% absent; it starts at {_pct(edges[0])}.")
        if any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
            err("attendance_bands", "Band edges must ascend: "
                                    f"{', '.join(_pct(e) for e in edges)}.")
        if len(set(names)) != len(names):
            err("attendance_bands", "Band names must be unique.")

    letters = v["course_failing_letter_grades"]
    if not isinstance(letters, list) or not all(isinstance(g, str) and LETTER_GRADE.match(g) for g in letters):
        err("course_failing_letter_grades", 'List the failing letter grades as the SIS writes them, e.g. ["E", "F"] '
                                            f"(an empty list: letters never fail); got {letters!r}.")
    below = v["course_failing_numeric_below"]
    if not _is_number(below) or not 0 < below <= 1000:
        err("course_failing_numeric_below", f"A numeric grade under this fails: a number above 0 (60 on a 100-point "
                                            f"scale); got {below!r}.")

    tardies = v["tardies_per_unlawful_absence"]
    if tardies is not None and (not _is_int(tardies) or tardies < 1):
        err("tardies_per_unlawful_absence", f"Leave empty (tardies do not convert) or give a whole number of "
                                            f"at least 1; got {tardies!r}.")
    return errors


def loosening(values: Mapping[str, Any], baseline: Mapping[str, Any], baseline_label: str) -> dict[str, list[str]]:
    """{key: [messages]} for every statutory threshold `values` sets less strictly than `baseline`.

    Both must already be valid. A district may tighten (lower rates and day limits, more minutes for
    presence), add lawful reason codes of its own (COMAR .03J and local policy), and check more period
    kinds; it may not loosen a threshold or drop a statutory reason."""
    errors: dict[str, list[str]] = {}
    for key, direction in TIGHTEN_DIRECTION.items():
        new, old = value(values, key), value(baseline, key)
        looser = new > old if direction == "lower" else new < old
        if looser:
            shown = _pct if key.endswith("_rate") else str
            word = "above" if direction == "lower" else "below"
            errors.setdefault(key, []).append(
                f"{shown(new)} is less strict than the law allows: {baseline_label} sets {shown(old)} and a "
                f"district may only tighten it (COMAR 13A.08.01.04C), so it cannot go {word} {shown(old)}.")
    new_limits, old_limits = value(values, "truant_day_limits"), value(baseline, "truant_day_limits")
    for kind, old in old_limits.items():
        new = new_limits.get(kind)
        if new is None or new > old:
            errors.setdefault("truant_day_limits", []).append(
                f"The {kind} limit {'is missing' if new is None else f'of {new} days is less strict than the law'}: "
                f"Educ. Art. 7-302.2 sets more than {old} days in a {kind.replace('_', ' ')}; a district may "
                f"lower it, not raise or drop it.")
    new_kinds = set(value(values, "habitual_truant_period_kinds"))
    dropped = [k for k in value(baseline, "habitual_truant_period_kinds") if k not in new_kinds]
    if dropped:
        errors.setdefault("habitual_truant_period_kinds", []).append(
            f"Habitual truancy must still be checked in every {', '.join(dropped)} (COMAR 13A.08.01.04C).")
    new_codes = {r["code"] for r in value(values, "lawful_reasons")}
    missing = [r["code"] for r in value(baseline, "lawful_reasons") if r["code"] not in new_codes]
    if missing:
        errors.setdefault("lawful_reasons", []).append(
            f"Statutory lawful reasons cannot be removed: {', '.join(missing)} "
            "(COMAR 13A.08.01.03, Educ. Art. 7-301.1).")
    if value(values, "suspension_reason_code") != value(baseline, "suspension_reason_code"):
        errors.setdefault("suspension_reason_code", []).append(
            "Suspension stays the lawful reason the law names (COMAR 13A.08.01.03H).")
    return errors


def ship_default(apps, filename: str) -> None:
    """Install a shipped definition as a default rule set: the body of the rules data migrations, so what it
    writes must not change (a fresh database must get the same rows)."""
    data = load_shipped(filename)
    apps.get_model("rules", "RuleSet").objects.update_or_create(
        name=data["name"], rule_version=data["version"],
        defaults={"jurisdiction": data["jurisdiction"], "is_default": True, "values": data["values"],
                  "effective_from": datetime.date.fromisoformat(data["effective_from"]), "notes": data["notes"]},
    )


def unship_default(apps, filename: str) -> None:
    data = load_shipped(filename)
    apps.get_model("rules", "RuleSet").objects.filter(name=data["name"], rule_version=data["version"],
                                                      is_default=True).delete()
