"""Opening a OneRoster 1.2 CSV bundle: a folder or a .zip holding manifest.csv and the files it declares.
Everything that makes the bundle unusable as a whole (no manifest, wrong version, a declared file
missing or an undeclared one present, a required column missing) is refused here, before any row is
imported."""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings

from casework.imports.csvfile import CsvFile, Refused
from casework.imports.parsing import RowError

MANIFEST = "manifest.csv"
_ONEROSTER_VERSION = re.compile(r"^1\.2(\.\d+)?$")
_MODES = ("absent", "bulk", "delta")


@dataclass(frozen=True)
class FileSpec:
    required: tuple[str, ...]
    optional: tuple[str, ...]


_COMMON = ("status", "dateLastModified")
# The columns Casework reads, spelled as the binding spells them (a refusal names them so); headers are
# matched case-insensitively and rows keyed by the lower-cased name.
# users.csv: `role`/`roles` and `orgSourcedIds` are the OneRoster 1.1 columns many SIS exports still write
# in 1.2 bundles; the 1.2 way is roles.csv. Either is read.
FILES: dict[str, FileSpec] = {
    "orgs": FileSpec(("sourcedId", "name", "type"), (*_COMMON, "identifier", "parentSourcedId")),
    "users": FileSpec(("sourcedId", "givenName", "familyName"),
                      (*_COMMON, "enabledUser", "username", "userIds", "middleName", "preferredGivenName",
                       "preferredFirstName", "role", "roles", "identifier", "email", "sms", "phone",
                       "agentSourcedIds", "orgSourcedIds", "primaryOrgSourcedId", "grades")),
    "roles": FileSpec(("userSourcedId", "role", "orgSourcedId"), (*_COMMON, "sourcedId", "roleType", "beginDate",
                                                                  "endDate")),
    "academicSessions": FileSpec(("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
                                 (*_COMMON, "parentSourcedId")),
    "enrollments": FileSpec(("classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
                            (*_COMMON, "sourcedId", "primary", "beginDate", "endDate")),
    "demographics": FileSpec(("sourcedId",), (*_COMMON, "birthDate", "sex")),
    # Read only to check references: an enrollment's class, a class's school.
    "classes": FileSpec(("sourcedId", "schoolSourcedId"), (*_COMMON,)),
}
NEEDED = ("orgs", "users")
# The files read when delta (changes only); a delta classes.csv is not read (too few rows to check
# references against).
DELTA = ("orgs", "academicSessions", "users", "demographics", "enrollments", "roles")

# A row whose number of values differs from the header's is a RowError in place of the dict (CsvFile.rows).
Rows = list[tuple[int, dict[str, str] | RowError]]


class Bundle:
    """The declared files of one bundle, each read whole on first use (roster files are small next to
    attendance, and translating them needs joins across files)."""

    def __init__(self, folder: Path, label: str):
        self.folder = folder
        self.label = label
        self.files: dict[str, CsvFile] = {}
        self.modes: dict[str, str] = {}  # bulk or delta, for each file in `files`
        self._rows: dict[str, Rows] = {}

    def has(self, name: str) -> bool:
        return name in self.files

    @property
    def is_delta(self) -> bool:
        return "delta" in self.modes.values()

    def delta(self, name: str) -> bool:
        """The file lists only what changed: a row not in it is not gone, only unchanged. In a delta bundle
        a file left absent is a delta with no changes."""
        return self.modes.get(name) == "delta" or (self.is_delta and name not in self.files)

    def rows(self, name: str) -> Rows:
        """(line, {column: value}) of a declared file, [] when it is absent. Unknown columns are dropped."""
        if name not in self.files:
            return []
        if name not in self._rows:
            spec, f = FILES[name], self.files[name]
            keep = {c.lower() for c in (*spec.required, *spec.optional)}
            self._rows[name] = [
                (line, row if isinstance(row, RowError) else {k: v for k, v in row.items() if k in keep})
                for line, row in f.rows()]
        return self._rows[name]


def open_bundle(paths: list[Path]) -> Bundle:
    """Check the bundle's manifest and headers; raises Refused saying what to fix."""
    if len(paths) != 1:
        raise Refused("Give one OneRoster bundle: a folder or a .zip file holding manifest.csv.")
    path = paths[0]
    if path.is_file() and path.name.lower() == MANIFEST:
        path = path.parent
    if path.is_dir():
        return _check(Bundle(path, path.name))
    if not path.exists():
        raise Refused(f"{path}: no such file or folder.")
    if not zipfile.is_zipfile(path):
        raise Refused(f"{path.name}: not a zip file or a folder; a OneRoster bundle is a .zip holding manifest.csv "
                      "and the CSV files it declares.")
    folder = Path(tempfile.mkdtemp(prefix="casework-oneroster-"))
    bundle = Bundle(folder, path.name)
    # The rows are read later, when the run reaches each stage: the copy lives as long as the bundle.
    weakref.finalize(bundle, shutil.rmtree, folder, True)
    _unzip(path, folder)
    return _check(bundle)


def _unzip(path: Path, folder: Path) -> None:
    """Extract the CSV files next to manifest.csv (at the root, or in the one folder that holds it), by
    their base names only, so no name in the archive can write outside `folder`."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            manifests = [n for n in names if PurePosixPath(n).name.lower() == MANIFEST]
            if not manifests:
                raise Refused(f"{path.name}: the zip holds no manifest.csv; it is not a OneRoster bundle.")
            if len(manifests) > 1:
                raise Refused(f"{path.name}: the zip holds more than one manifest.csv ({', '.join(manifests)}).")
            home = PurePosixPath(manifests[0]).parent
            members = [n for n in names
                       if PurePosixPath(n).parent == home and PurePosixPath(n).suffix.lower() == ".csv"]
            limit = settings.CASEWORK_IMPORT_MAX_BYTES
            if sum(archive.getinfo(n).file_size for n in members) > limit:
                raise Refused(f"{path.name}: the bundle unpacks to more than {limit:,} bytes, the import size limit.")
            written = 0
            for name in members:
                with archive.open(name) as src, open(folder / PurePosixPath(name).name, "wb") as dst:
                    while chunk := src.read(1 << 20):  # a zip's declared sizes can lie: count what is written
                        written += len(chunk)
                        if written > limit:
                            raise Refused(f"{path.name}: the bundle unpacks to more than {limit:,} bytes, the "
                                          "import size limit.")
                        dst.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise Refused(f"{path.name}: the zip file cannot be read ({exc}).") from None


def _check(bundle: Bundle) -> Bundle:
    present = {p.name.lower(): p for p in bundle.folder.iterdir() if p.is_file()}
    if MANIFEST not in present:
        raise Refused(f"{bundle.label}: no manifest.csv; a OneRoster bundle declares its files in manifest.csv.")
    manifest = _manifest(present[MANIFEST])
    for prop, want in (("manifest.version", "1.0"), ("oneroster.version", "1.2")):
        value = manifest.get(prop, "")
        ok = value == want if prop == "manifest.version" else bool(_ONEROSTER_VERSION.match(value))
        if not ok:
            raise Refused(f"manifest.csv: {prop} is {value or 'missing'}; Casework reads OneRoster 1.2 bundles "
                          f"({prop} {want}). Export the roster as OneRoster 1.2 CSV and import it again.")
    modes: dict[str, str] = {}
    for prop, value in manifest.items():
        if not prop.startswith("file."):
            continue
        mode = value.lower()
        if mode not in _MODES:
            raise Refused(f"manifest.csv: {prop} is {value!r}; use absent, bulk or delta.")
        modes[prop.removeprefix("file.")] = mode
    for name, mode in modes.items():
        here = f"{name.lower()}.csv" in present
        if mode in ("bulk", "delta") and not here:
            raise Refused(f"manifest.csv declares {name}.csv ({mode}) but the bundle has no {name}.csv.")
        if mode == "absent" and here:
            raise Refused(f"{name}.csv is in the bundle but manifest.csv declares it absent; fix the manifest "
                          "or remove the file.")
    for name in FILES:
        if name not in modes and f"{name.lower()}.csv" in present:
            raise Refused(f"{name}.csv is in the bundle but manifest.csv does not declare it (file.{name}).")
    missing = [f"{n}.csv" for n in NEEDED if modes.get(n) not in ("bulk", "delta")]
    if missing and "delta" not in modes.values():  # a delta bundle lists only the files that changed
        raise Refused(f"A OneRoster import needs {' and '.join(f'{n}.csv' for n in NEEDED)}; manifest.csv does "
                      f"not declare {', '.join(missing)} (bulk or delta).")
    for name, spec in FILES.items():
        # A delta classes.csv lists only the changed classes: too few to check references against.
        if modes.get(name) == "bulk" or (modes.get(name) == "delta" and name in DELTA):
            f = CsvFile(present[f"{name.lower()}.csv"], required=spec.required, known=(*spec.required, *spec.optional))
            f.open()
            bundle.files[name] = f
            bundle.modes[name] = modes[name]
    return bundle


def _manifest(path: Path) -> dict[str, str]:
    f = CsvFile(path, required=("propertyName", "value"), known=("propertyName", "value"))
    f.open()
    properties: dict[str, str] = {}
    for line, row in f.rows():
        if isinstance(row, RowError):
            raise Refused(f"manifest.csv, line {line}: {row.reason}")
        name = row["propertyname"]
        if name in properties:
            raise Refused(f"manifest.csv, line {line}: {name} is given twice.")
        properties[name] = row["value"]
    return properties
