"""The descriptor mapping page's form: one SIS descriptor and what it means."""

from __future__ import annotations

from django import forms

from casework.core.forms import ServiceErrorsMixin

from .choices import AttendanceCategory


class DescriptorMappingForm(ServiceErrorsMixin, forms.Form):
    descriptor = forms.CharField(max_length=306, label="Descriptor",
                                 help_text="As the SIS sends it: an Ed-Fi URI such as "
                                           "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy, or a local "
                                           "code such as UA. An existing descriptor is changed, a new one added.")
    category = forms.ChoiceField(choices=AttendanceCategory.choices, label="Category")
    reason_code = forms.CharField(max_length=20, required=False, label="Lawful reason code (optional)",
                                  help_text="The lawful reason the descriptor implies, e.g. B for a local "
                                            "illness code (COMAR 13A.08.01.03 A-J, PP-..., or a rule set's own).")
    notes = forms.CharField(max_length=200, required=False, label="Notes", help_text="Why (kept with the mapping)")
