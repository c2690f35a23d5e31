"""/api/v1/letters/: the letters on the cases a user works (read-only; letters are generated on the
case page or by a mailing)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param

from .models import Letter


class LetterSerializer(ModelSerializer):
    class Meta:
        model = Letter
        fields = ["id", "case", "template", "template_key", "language", "title", "guardian", "recipient_name",
                  "address_lines", "return_lines", "body_text", "generated_at", "generated_by", "mailing",
                  "mailed_on", "mail_method", "returned_on", "return_reason", "version", "created_at", "updated_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("case", int, description="Only this case's letters")]))
class LetterViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Letters on the cases you work, newest first, with the text exactly as generated."""

    model = Letter
    policy_action = "case.work"
    access_student_path = "case__student_id"
    serializer_class = LetterSerializer
    queryset = Letter.objects.none()

    def get_queryset(self):
        rows = super().get_queryset()
        case = int_param(self.request, "case")
        if case is not None:
            rows = rows.filter(case_id=case)
        return rows


ROUTES = [("letters", LetterViewSet, "letter")]
