"""Form helpers shared by the apps."""

from __future__ import annotations

from django.core.exceptions import ValidationError


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
