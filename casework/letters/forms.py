"""Forms of the Letters tab (generate, mailed, returned) and of the director's template editor."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .choices import TEMPLATE_KEYS, MailMethod, language_label
from .models import LetterTemplate

AUTO = ""


class GuardianChoice(forms.ModelChoiceField):
    def label_from_instance(self, link):
        g = link.guardian
        label = f"{link.get_relationship_display()}: {g.first_name} {g.last_name}"
        if g.preferred_language:
            label += f" · prefers {g.preferred_language}"
        return label


def template_keys(user) -> list[tuple[str, str]]:
    """The letters with an active template, labelled by their English title (the PPW's language)."""
    rows = LetterTemplate.objects.for_user(user, "case.work").active().order_by("key", "language")
    titles: dict[str, str] = {}
    for key, language, title in rows.values_list("key", "language", "title"):
        if key not in titles or language == "en":
            titles[key] = title
    order = list(TEMPLATE_KEYS)
    return sorted(titles.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[1]))


def template_languages(user) -> list[tuple[str, str]]:
    codes = (LetterTemplate.objects.for_user(user, "case.work").active().order_by("language")
             .values_list("language", flat=True).distinct())
    return [(AUTO, "The guardian's preferred language")] + [(c, language_label(c)) for c in codes]


class HearingChoice(forms.ModelChoiceField):
    def label_from_instance(self, hearing):
        return f"{hearing.short_name}, {timezone.localtime(hearing.scheduled_at):%m/%d/%Y %I:%M %p}, {hearing.place}"


class GenerateForm(forms.Form):
    template_key = forms.ChoiceField(label="Letter")
    guardian = GuardianChoice(queryset=None, required=False, label="To",
                              empty_label="The first guardian with custody or living with the student")
    language = forms.ChoiceField(label="Language", required=False,
                                 help_text="English is used when the letter has no version in the chosen language.")
    hearing = HearingChoice(queryset=None, required=False, label="Meeting details from",
                            empty_label="No hearing: print fill-in lines for date, time and place",
                            help_text="For a hearing notice, conference invitation or attendance contract: fills "
                                      "the date, time, place and agreed terms from one of this case's hearings.")

    def __init__(self, *args, guardians, user, hearings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = template_keys(user)
        self.fields["guardian"].queryset = guardians.filter(no_contact=False)
        self.fields["language"].choices = template_languages(user)
        if hearings is None:
            del self.fields["hearing"]
        else:
            self.fields["hearing"].queryset = hearings


class MailedForm(forms.Form):
    mailed_on = forms.DateField(label="Mailed on", widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label="How", choices=MailMethod.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailed_on"].initial = timezone.localdate()


class ReturnedForm(forms.Form):
    returned_on = forms.DateField(label="Came back on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason", max_length=200,
                             help_text="As marked by the post office, e.g. moved, no such address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["returned_on"].initial = timezone.localdate()


class TemplateForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="For lists and the case timeline; no student name")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
                           help_text="Blank lines separate paragraphs; a paragraph starting with “## ” prints "
                                     "as a bold heading.")
    version = forms.IntegerField(widget=forms.HiddenInput)
    preview_case = forms.IntegerField(required=False, min_value=1, label="Preview with case id",
                                      help_text="Optional: a case number's digits (e.g. 42 for C-000042). "
                                                "Empty: a made-up sample family.")


class AddLanguageForm(forms.Form):
    key = forms.ChoiceField(label="Letter")
    language = forms.RegexField(regex=r"^[A-Za-z]{2,3}$", max_length=3, label="Language code",
                                help_text="ISO 639-1, e.g. fr (French), pt (Portuguese), vi (Vietnamese)",
                                error_messages={"invalid": "Use a two- or three-letter language code, e.g. fr."})

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = keys
