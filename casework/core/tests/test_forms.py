from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from casework.core.forms import ServiceErrorsMixin


class VisitForm(ServiceErrorsMixin, forms.Form):
    date = forms.DateField()
    place = forms.CharField()

    FIELD_FOR = {"occurred_at": "date", "client_key": None}


def bound() -> VisitForm:
    form = VisitForm(data={"date": "2026-11-02", "place": "Home"})
    assert form.is_valid()
    return form


def test_field_errors_go_beside_the_field_that_edits_them():
    form = bound()
    form.add_service_errors(ValidationError({
        "occurred_at": ["The visit cannot be in the future."],
        "place": ["Say where."],
        "client_key": ["Already saved."],
        "case": ["The case is closed."],
        NON_FIELD_ERRORS: ["Changed by someone else."],
    }))
    assert form.errors["date"] == ["The visit cannot be in the future."]
    assert form.errors["place"] == ["Say where."]
    # A model field the form does not show, or one mapped to None, goes above the form.
    assert form.non_field_errors() == ["Already saved.", "The case is closed.", "Changed by someone else."]


def test_a_plain_error_goes_above_the_form():
    form = bound()
    form.add_service_errors(ValidationError(["First problem.", "Second problem."]))
    assert form.non_field_errors() == ["First problem.", "Second problem."]
    assert set(form.errors) == {NON_FIELD_ERRORS}
