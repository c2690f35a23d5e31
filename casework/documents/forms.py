from __future__ import annotations

from django import forms

from .choices import DocumentType
from .sniffing import ACCEPTED, EXTENSIONS


class UploadForm(forms.Form):
    # Type and title first: the page sends them before the file (see the template).
    doc_type = forms.ChoiceField(label="What is it?", choices=[("", "Choose…"), *DocumentType.choices],
                                 error_messages={"required": "Choose what kind of document this is."})
    title = forms.CharField(label="Title", max_length=200, required=False,
                            help_text="E.g. “Signed attendance contract 11/2026”. No student name needed: the "
                                      "document is filed on this case. Left empty, the file name is used.")
    file = forms.FileField(label="File", error_messages={
        "required": "Choose a file to upload.",
        "empty": "This file is empty. Choose the file again; it may not have finished saving.",
        "invalid": "The file did not arrive. Choose it again and upload.",
    })

    accept = ",".join(EXTENSIONS)
    accepted = ACCEPTED


class DeleteForm(forms.Form):
    reason = forms.CharField(label="Why remove it?", max_length=200,
                             error_messages={"required": "Say why the document is being removed."})
    version = forms.IntegerField(widget=forms.HiddenInput)
