"""The import page's form, and the upload handler that enforces the size limit while the files stream in."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

from casework.core.forms import ServiceErrorsMixin

from . import codes
from .importers import IMPORTERS

# casework.css sizes inputs for text; choices get a box of their own, with a 44px-high row to tap.
CHOICE_INPUT = "width: 1.5rem; height: 1.5rem; min-height: 0; margin: 0; flex: none;"
FORMAT_CHOICES = [
    ("csv", "Plain CSV (one kind of data)"),
    ("edfi", "Ed-Fi XML interchange files"),
    ("oneroster", "OneRoster 1.2 bundle (.zip)"),
]
EXTENSIONS = {"csv": (".csv", ".txt"), "edfi": (".xml",), "oneroster": (".zip",)}
FORMAT_NOUNS = {"csv": "a plain CSV import", "edfi": "an Ed-Fi import", "oneroster": "a OneRoster import"}


# Where the kind's own name would be read as something else (grades: not grade levels).
_KIND_LABELS = {"grades": "Course grades"}


def kind_label(kind: str) -> str:
    """The importer's name as a person reads it: grading_periods -> Grading periods."""
    return _KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


def max_bytes() -> int:
    return settings.CASEWORK_IMPORT_MAX_BYTES


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts the bytes of every file of the request as they arrive and stops the upload once they pass
    the limit, so an oversized upload never fills the disk. The form then reports `too_large`."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = max_bytes() if limit is None else limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)  # read and drop the rest; the page answers normally
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choose at least one file to import.", code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ImportForm(forms.Form):
    format = forms.ChoiceField(label="What are you importing?", choices=FORMAT_CHOICES, initial="csv",
                               widget=forms.RadioSelect(attrs={"style": CHOICE_INPUT}))
    kind = forms.ChoiceField(label="Kind of data (plain CSV only)", required=False,
                             choices=[("", "Choose a kind"), *((k, kind_label(k)) for k in IMPORTERS)],
                             widget=forms.Select(attrs={"aria-describedby": "templates-help"}),
                             error_messages={"invalid_choice": "Unknown kind %(value)s; choose one of the list."})
    files = MultipleFileField(label="Files to import", required=False)
    partial = forms.BooleanField(
        label="Commit the good rows", required=False,
        widget=forms.CheckboxInput(attrs={"style": CHOICE_INPUT, "aria-describedby": "partial-help"}),
        help_text="Without this, one rejected row and nothing is written (the rejected rows are still listed).")

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self):
        data = super().clean()
        if self.too_large:
            # The handler stopped reading: whatever arrived is incomplete, so nothing of it is kept.
            raise forms.ValidationError(
                f"The upload is larger than the {filesizeformat(max_bytes())} limit. Split it into smaller "
                "files, or import it with the command line (casework import).", code="too_large")
        fmt = data.get("format")
        files = data.get("files") or []
        if "files" not in self.errors and not files:
            self.add_error("files", "Choose at least one file to import.")
        if fmt == "csv" and not data.get("kind"):
            self.add_error("kind", "Choose the kind of data the CSV file holds.")
        if fmt and files:
            allowed = EXTENSIONS[fmt]
            wrong = [f.name for f in files if not f.name.lower().endswith(allowed)]
            if wrong:
                self.add_error("files", f"{', '.join(wrong)}: {FORMAT_NOUNS[fmt]} takes {' or '.join(allowed)} "
                                        "files.")
            if fmt == "oneroster" and len(files) != 1:
                self.add_error("files", "A OneRoster bundle is one .zip file.")
            if sum(f.size for f in files) > max_bytes():
                self.add_error("files", f"The upload is larger than the {filesizeformat(max_bytes())} limit.")
        return data

    def stored_names(self) -> list[str]:
        """Safe file names, unique within the run (two files may share a name in different folders)."""
        names: list[str] = []
        for f in self.cleaned_data["files"]:
            try:
                name = get_valid_filename(PurePath(f.name).name)[-120:]
            except SuspiciousFileOperation:  # "..", or nothing left once cleaned
                name = "upload" + PurePath(f.name).suffix.lower()[:8]
            stem, suffix = PurePath(name).stem, PurePath(name).suffix
            candidate, n = name, 1
            while candidate in names:
                n += 1
                candidate = f"{stem}-{n}{suffix}"
            names.append(candidate)
        return names


def partial_hint() -> str:
    """A refused run's advice on the import page, naming the page's own checkbox (the command line's
    wording, services.PARTIAL_HINT_CLI, names --partial)."""
    return f'to commit the good rows, upload the files again with "{ImportForm.base_fields["partial"].label}" ticked'


class CodeMappingForm(ServiceErrorsMixin, forms.Form):
    """One SIS code of one family (calendar event, discipline action, program) and the kind it means.
    Each family's section of the page has its own form, its fields prefixed with the family's name; the
    form posts the family beside them."""

    descriptor = forms.CharField(max_length=306, label="Descriptor",
                                 help_text="As the SIS sends it: an Ed-Fi URI such as "
                                           "uri://district.org/CalendarEventDescriptor#Snow Day, or a local code. "
                                           "An existing descriptor is changed, a new one added.")
    value = forms.ChoiceField(label="Means", choices=())
    notes = forms.CharField(max_length=200, required=False, label="Notes", help_text="Why (kept with the mapping)")

    def __init__(self, *args, family: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = self.family = family
        self.fields["value"].choices = codes.KINDS[family].choices
