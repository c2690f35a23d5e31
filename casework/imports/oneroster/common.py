"""What the OneRoster translation shares: the Problem row, OneRoster dates and lists, and rows keyed by
sourcedId."""

from __future__ import annotations

import datetime
import re

from casework.core.dates import ISO_DAY
from casework.imports.parsing import RowError

from .bundle import Bundle

Located = tuple[int | None, str, dict[str, str]]
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")


class Problem(RowError):
    """A OneRoster row that cannot be translated, yielded in place of the row: run_stages records it like
    any rejected row (the stage's file, the line, the field and the reason) and an atomic run writes nothing."""


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_day(row: dict[str, str], column: str, name: str, *, required: bool = False,
              where: str = "") -> datetime.date | None:
    """A OneRoster date (YYYY-MM-DD; a dateTime's date part is accepted); RowError names the binding's field."""
    value = row.get(column, "")
    if not value:
        if required:
            raise RowError(name, "", f"{where}{name} is required.")
        return None
    day = value[:10] if "T" in value else value
    if not ISO_DAY.fullmatch(day):
        raise RowError(name, value, f"{where}{name} {value!r} is not a date; OneRoster dates are YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(day)
    except ValueError:
        raise RowError(name, value, f"{where}{name} {value} is not a real date (no such day in the calendar).") \
            from None


def date_time_error(row: dict[str, str]) -> RowError | None:
    """dateLastModified, when given, is an ISO 8601 date-time (2026-08-01T12:00:00.000Z), as the binding has it."""
    value = row.get("datelastmodified", "")
    if not value:
        return None
    if _DATE_TIME.fullmatch(value):
        try:
            datetime.datetime.fromisoformat(value)
            return None
        except ValueError:
            pass
    return RowError("dateLastModified", value, f"dateLastModified {value!r} is not an ISO 8601 date-time; OneRoster "
                                               "writes it as YYYY-MM-DDThh:mm:ss.sssZ (2026-08-01T12:00:00.000Z).")



class Rows:
    def __init__(self, bundle: Bundle):
        self.bundle = bundle

    def _by_sourced_id(self, name: str, file: str) -> tuple[dict[str, tuple[int, dict]], list[Located]]:
        """Rows keyed by sourcedId, and a Problem for each duplicate, tobedeleted or overlong row. In a
        delta file a tobedeleted row is no problem: it goes to `deleted`, not to the rows."""
        cache = self.__dict__.setdefault("_keyed", {})
        if name in cache:
            return cache[name]
        keyed: dict[str, tuple[int, dict]] = {}
        deleted = self.deleted(name)
        problems: list[Located] = []
        delta = self.bundle.delta(name)
        for line, row in self.bundle.rows(name):
            if isinstance(row, RowError):  # more or fewer values than the header
                problems.append((line, "", problem_of(row)))
                continue
            sid = row.get("sourcedid", "")
            error = status_error(row, delta=delta)
            problem = None if error is None else problem_of(error)
            if not sid:
                problem = Problem("sourcedId", "", "sourcedId is required.")
            elif sid in keyed or sid in deleted:
                problem = duplicate_sourced_id(sid, (keyed.get(sid) or deleted[sid])[0], file)
            if problem is not None:  # a Problem is an empty dict: falsy
                problems.append((line, "", problem))
                if sid and sid not in keyed:
                    self.reject(sid, line, file)
                continue
            if is_deleted(row):
                deleted[sid] = (line, row)
                continue
            keyed[sid] = (line, row)
        cache[name] = (keyed, problems)
        return cache[name]

    def deleted(self, name: str) -> dict[str, tuple[int, dict[str, str]]]:
        """A delta file's tobedeleted rows by sourcedId (filled as the file is keyed)."""
        return self.__dict__.setdefault("_deleted", {}).setdefault(name, {})

    def reject(self, sid: str, line: int, file: str) -> None:
        """Remember that `file`'s row for `sid` was rejected, for `unknown` to name its line."""
        self.__dict__.setdefault("_rejected", {}).setdefault(file, {}).setdefault(sid, line)

    @staticmethod
    def duplicate(row: dict[str, str], seen: dict[str, int], line: int, file: str) -> Problem | None:
        """A second row of `file` with a sourcedId already seen (files whose rows are not keyed by it:
        enrollments, roles); records the first."""
        sid = row.get("sourcedid", "")
        if not sid:
            return None
        if sid in seen:
            return duplicate_sourced_id(sid, seen[sid], file)
        seen[sid] = line
        return None

    def unknown(self, column: str, sid: str, file: str, what: str) -> RowError:
        """The error for a reference to a sourcedId that `file` does not hold, or holds on a rejected row
        (a tobedeleted or duplicate one): then it names that line, so the fix is found where it is."""
        line = self.__dict__.get("_rejected", {}).get(file, {}).get(sid)
        if line is not None:
            return RowError(column, sid, f"{what} {sid} is on line {line} of {file}, which was rejected: see that "
                                         "line's reason.")
        return RowError(column, sid, f"Unknown {what.lower()} {sid}: no row of {file} has this sourcedId.")


def duplicate_sourced_id(sid: str, first_line: int, file: str) -> Problem:
    return Problem("sourcedId", sid, f"Duplicate: sourcedId {sid} is already on line {first_line} of {file}.")


def by_line(located: Located) -> int:
    return located[0] or 0


def problem_of(exc: RowError, *, key: str = "", student: str = "") -> Problem:
    """`key`: the id of the record the row would have written (RowError.key); `student`: the student id
    the row names (RowError.student)."""
    return Problem(exc.field, exc.value, exc.reason, key=key or exc.key, student=student or exc.student)


def is_deleted(row: dict[str, str]) -> bool:
    return row.get("status", "").lower() == "tobedeleted"


def status_error(row: dict[str, str], *, delta: bool = False) -> RowError | None:
    """What is wrong with the fields every OneRoster row has (status, dateLastModified), if anything. A
    bulk file is the whole roster: a deleted record is left out of it, never listed as tobedeleted."""
    if is_deleted(row) and not delta:
        return RowError("status", "tobedeleted", "status tobedeleted in a bulk file: a bulk export leaves deleted "
                                                 "records out (Casework deletes nothing); leave the row out, or "
                                                 "declare the file delta in manifest.csv.")
    return date_time_error(row)


def modified_on(row: dict[str, str]) -> datetime.date | None:
    """The date of a row's dateLastModified (checked by status_error), None when blank."""
    value = row.get("datelastmodified", "")
    return datetime.date.fromisoformat(value[:10]) if value else None

