"""The Letters tab of a case (generate, download, mailed, returned) and the director's template editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.cases.models import Case
from casework.cases.selectors import case_page
from casework.contacts.selectors import guardian_choices
from casework.core.errors import ConflictError
from casework.core.views import PolicyView

from . import services
from .choices import TEMPLATE_KEYS, language_label
from .forms import AddLanguageForm, GenerateForm, MailedForm, ReturnedForm, TemplateForm
from .models import Letter, LetterTemplate
from .render import (
    PLACEHOLDERS,
    letter_context,
    letter_docx,
    letter_pdf,
    letter_unprintable,
    render_text,
    sample_context,
)

UNPRINTABLE = ("This letter has characters the PDF cannot print ({chars}; the PDF shows \ufffd in their place): "
               "use the Word version to print it.")
CONFLICT = ("This letter template was changed by someone else since you opened it. Your wording is below, not "
            "saved; compare it with the current version (history below) and save again.")


def _tab_url(case_pk: int) -> str:
    return reverse("letters:case_letters", kwargs={"case_pk": case_pk})


class CaseLettersView(PolicyView):
    """The case's letters, newest first, and the form that generates one."""

    action = "case.work"

    def get(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="letters")
        return self.render(request, case, context, self.form(request, case))

    def post(self, request, case_pk: int):
        case, context = case_page(request, case_pk, tab="letters")
        form = self.form(request, case, request.POST)
        if form.is_valid():
            link = form.cleaned_data["guardian"]
            try:
                letter = services.letter_create(actor=request.user, case=case,
                                                template_key=form.cleaned_data["template_key"],
                                                guardian=link.guardian if link else None,
                                                language=form.cleaned_data["language"] or None,
                                                hearing=form.cleaned_data.get("hearing"))
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Generated: {letter.title} ({letter.language_label}). "
                                          "Download it below, and record the date once it is mailed.")
                if chars := letter_unprintable(letter):
                    messages.warning(request, UNPRINTABLE.format(chars=chars))
                return redirect(_tab_url(case.pk) + f"#letter-{letter.pk}")
        return self.render(request, case, context, form, status=400)

    @staticmethod
    def form(request, case, data=None):
        from casework.hearings.models import Hearing  # hearings link back to letters by id only

        hearings = (Hearing.objects.for_user(request.user, "case.work").filter(case=case)
                    .exclude(status="cancelled").order_by("-scheduled_at", "-id"))
        return GenerateForm(data, guardians=guardian_choices(case, request.user), user=request.user,
                            hearings=hearings)

    def render(self, request, case, context, form, status=200):
        letters = list(Letter.objects.for_user(request.user, "case.work").filter(case=case)
                       .select_related("generated_by", "template"))
        for letter in letters:
            letter.case = case  # letter_unprintable reads its case number
            letter.unprintable = letter_unprintable(letter)
        context.update(form=form, letters=letters, mailed_form=MailedForm(), returned_form=ReturnedForm())
        return render(request, "letters/case_letters.html", context, status=status)


def _letter(request, pk: int) -> Letter:
    letter = Letter.objects.for_user(request.user, "case.work").select_related("case", "case__student").filter(
        pk=pk).first()
    if letter is None:
        raise Http404
    return letter


class LetterDownloadView(PolicyView):
    """The letter as PDF (to mail) or Word (to adjust). Printing a letter opens the record: logged."""

    action = "case.work"
    kind = "pdf"

    def get(self, request, pk: int):
        letter = _letter(request, pk)
        audit.log_access(actor=request.user, student=letter.case.student, action=AccessLog.Action.DOWNLOAD,
                         detail=f"letter {letter.pk}")
        if self.kind == "docx":
            body, content_type = letter_docx(letter), ("application/vnd.openxmlformats-officedocument."
                                                      "wordprocessingml.document")
        else:
            body, content_type = letter_pdf(letter), "application/pdf"
        response = HttpResponse(body, content_type=content_type)
        # No student name in the file name: it ends up in download folders and e-mail attachments.
        response["Content-Disposition"] = (f'attachment; filename="{letter.case.number}-letter-{letter.pk}-'
                                           f'{letter.template_key}.{self.kind}"')
        return response


class LetterMailedView(PolicyView):
    action = "case.work"

    def post(self, request, pk: int):
        letter = _letter(request, pk)
        form = MailedForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Not recorded: give the mailing date and how it was sent.")
            return redirect(_tab_url(letter.case_id) + f"#letter-{letter.pk}")
        try:
            services.letter_mark_mailed(actor=request.user, letter=letter, mailed_on=form.cleaned_data["mailed_on"],
                                        method=form.cleaned_data["method"])
        except ValidationError as exc:
            messages.error(request, "Not recorded: " + " ".join(exc.messages))
        else:
            messages.success(request, "Recorded as mailed, and logged as a contact on the case.")
        return redirect(_tab_url(letter.case_id) + f"#letter-{letter.pk}")


class LetterReturnedView(PolicyView):
    action = "case.work"

    def post(self, request, pk: int):
        letter = _letter(request, pk)
        form = ReturnedForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Not recorded: give the date it came back and the reason.")
            return redirect(_tab_url(letter.case_id) + f"#letter-{letter.pk}")
        try:
            services.letter_return(actor=request.user, letter=letter, returned_on=form.cleaned_data["returned_on"],
                                   reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "Not recorded: " + " ".join(exc.messages))
        else:
            messages.success(request, "Returned mail recorded. A task to verify the family's address was added.")
        return redirect(_tab_url(letter.case_id) + f"#letter-{letter.pk}")


# --- the template editor (director) ------------------------------------------------------------------------


def _keys(user) -> list[tuple[str, str]]:
    found = set(LetterTemplate.objects.for_user(user, "letter.templates").values_list("key", flat=True))
    return [(k, TEMPLATE_KEYS.get(k, k)) for k in [*TEMPLATE_KEYS, *sorted(found - set(TEMPLATE_KEYS))] if k in found]


class TemplateListView(PolicyView):
    """Every letter x language with its active version; "add a language" copies the English wording."""

    action = "letter.templates"

    def get(self, request):
        return self.render(request, AddLanguageForm(keys=_keys(request.user)))

    def post(self, request):
        form = AddLanguageForm(request.POST, keys=_keys(request.user))
        if form.is_valid():
            try:
                template = services.letter_template_add_language(actor=request.user, key=form.cleaned_data["key"],
                                                                 language=form.cleaned_data["language"])
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, f"Added {template.language_label}: the English wording was copied. "
                                          "Translate it now and save.")
                return redirect("letters:template_edit", pk=template.pk)
        return self.render(request, form, status=400)

    def render(self, request, form, status=200):
        active = LetterTemplate.objects.for_user(request.user, "letter.templates").active().order_by("key", "language")
        by_key: dict[str, list] = {}
        for t in active:
            by_key.setdefault(t.key, []).append(t)
        rows = [{"key": k, "label": label, "templates": by_key.get(k, [])} for k, label in _keys(request.user)]
        return render(request, "letters/templates.html", {"rows": rows, "form": form}, status=status)


class TemplateEditView(PolicyView):
    """Edit the active wording of one letter in one language (saving makes a new version), preview it
    with a sample family or a real case, and see every earlier version."""

    action = "letter.templates"

    def _load(self, request, pk: int) -> LetterTemplate:
        chosen = LetterTemplate.objects.for_user(request.user, "letter.templates").filter(pk=pk).first()
        if chosen is None:
            raise Http404
        return chosen

    def get(self, request, pk: int):
        chosen = self._load(request, pk)
        active = services.active_template(chosen.key, chosen.language) or chosen
        form = TemplateForm(initial={"title": active.title, "body": active.body, "version": active.version})
        return self.render(request, chosen, active, form)

    def post(self, request, pk: int):
        chosen = self._load(request, pk)
        active = services.active_template(chosen.key, chosen.language) or chosen
        form = TemplateForm(request.POST)
        if not form.is_valid():
            return self.render(request, chosen, active, form, status=400)
        data = form.cleaned_data
        if "preview" in request.POST:
            preview, case_error = self.preview(request, data["body"], data.get("preview_case"), active.language)
            if case_error:
                form.add_error("preview_case", case_error)
            return self.render(request, chosen, active, form, preview=preview)
        try:
            saved = services.letter_template_save(actor=request.user, key=chosen.key, language=chosen.language,
                                                  title=data["title"], body=data["body"],
                                                  expected_version=data["version"])
        except ConflictError:
            post = request.POST.copy()
            post["version"] = active.version
            form = TemplateForm(post)
            form.is_valid()
            return self.render(request, chosen, active, form, conflict=True, status=409)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else None, m)
            return self.render(request, chosen, active, form, status=400)
        if saved.version == data["version"]:
            messages.success(request, "Nothing changed: no new version saved.")
        else:
            messages.success(request, f"Saved as version {saved.version}. Letters made before keep their wording.")
        return redirect("letters:template_edit", pk=saved.pk)

    def preview(self, request, body: str, case_id: int | None, language: str) -> tuple[str, str]:
        template = LetterTemplate(body=body)
        if not case_id:
            return render_text(template, sample_context(language)), ""
        case = Case.objects.for_user(request.user, "case.work").select_related("student", "owner").filter(
            pk=case_id).first()
        if case is None:
            return "", "No case with that id among the cases you may work."
        audit.log_access(actor=request.user, student=case.student, action=AccessLog.Action.VIEW,
                         detail="letter template preview")
        return render_text(template, letter_context(case, services.default_guardian(case.student),
                                                    language=language)), ""

    def render(self, request, chosen, active, form, *, preview: str = "", conflict: bool = False, status=200):
        history = (LetterTemplate.objects.for_user(request.user, "letter.templates")
                   .filter(key=chosen.key, language=chosen.language).select_related("created_by")
                   .order_by("-version"))
        return render(request, "letters/template_edit.html", {
            "chosen": chosen, "active": active, "form": form, "preview": preview, "history": history,
            "placeholders": sorted(PLACEHOLDERS), "label": TEMPLATE_KEYS.get(chosen.key, chosen.key),
            "language_label": language_label(chosen.language), "conflict": conflict, "conflict_message": CONFLICT,
            "is_old": chosen.pk != active.pk,
        }, status=status)
