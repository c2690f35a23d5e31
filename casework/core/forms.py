"""Form helpers shared by the apps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.forms.renderers import DjangoTemplates


class DescribedBoundField(BoundField):
    """The ids a widget's aria-describedby names, in one place. Django gives a field with help text
    aria-describedby="<id>_helptext", and "<id>_error" once it has errors; its own field template renders
    elements with those ids, but Casework's templates render help and errors themselves, and ids they made up
    ("id_title-help", or none) left screen readers pointed at nothing. Templates put `field.help_id` on the
    help text and `field.error_id` on the field's messages (templates/_field_errors.html for an error box);
    tests/test_page_references.py checks every page."""

    @property
    def help_id(self) -> str:
        return f"{self.auto_id}_helptext" if self.auto_id else ""

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}_error" if self.auto_id else ""

    @property
    def aria_describedby(self):
        if self.field.widget.attrs.get("aria-describedby"):  # set by the form: the form's template knows it
            return None
        ids = []
        if self.auto_id and not self.is_hidden:
            if self.help_text:
                ids.append(self.help_id)
            if self.errors:
                ids.append(self.error_id)
        return " ".join(ids)


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: every form's fields are DescribedBoundFields."""

    bound_field_class = DescribedBoundField


class ServiceErrorsMixin:
    """Show a service's ValidationError on the form that sent the write: each message beside the field it
    names when the form has that field, the rest above the form. FIELD_FOR maps a model field to the form
    field that edits it (a date and a time field for one datetime; None: above the form)."""

    FIELD_FOR: dict[str, str | None] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for name, messages in by_field.items():
            target = self.FIELD_FOR.get(name, name) if name is not None else None
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
