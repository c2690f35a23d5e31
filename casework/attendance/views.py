"""The descriptor mapping page: how the importers read a SIS's attendance descriptors, listed and edited
by the data steward or the director ("rules.manage"); others get 404. `casework descriptors` is the same
from the command line."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from casework.core.views import PolicyView

from .forms import DescriptorMappingForm
from .models import DescriptorMapping
from .services import descriptor_mapping_set


class DescriptorMappingsView(PolicyView):
    """Every mapping (shipped Ed-Fi defaults and the district's own), and the form that sets one."""

    action = "rules.manage"

    def get(self, request):
        return self.page(request, DescriptorMappingForm())

    def post(self, request):
        form = DescriptorMappingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                mapping = descriptor_mapping_set(actor=request.user, descriptor=data["descriptor"],
                                                 category=data["category"], reason_code=data["reason_code"] or None,
                                                 notes=data["notes"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                reason = f" (reason {mapping.reason_code})" if mapping.reason_code else ""
                messages.success(request, f"{mapping.descriptor} -> {mapping.get_category_display()}{reason}. "
                                          "Later imports read it this way; re-import to apply it to stored events.")
                return redirect("attendance:descriptors")
        return self.page(request, form, status=400)

    def page(self, request, form: DescriptorMappingForm, status: int = 200):
        mappings = DescriptorMapping.objects.for_user(request.user, self.action).order_by("descriptor")
        return render(request, "attendance/descriptors.html", {"form": form, "mappings": mappings}, status=status)
