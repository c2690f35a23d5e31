"""Case documents in the API: metadata only. The bytes come from the download page, which checks the
policy and logs the read."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param

from .models import Document


class DocumentSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    download_url = serializers.SerializerMethodField()
    size = serializers.IntegerField(read_only=True, help_text="Bytes")  # a plain integer, as everywhere in the API

    class Meta:
        model = Document
        fields = ["id", "case", "case_number", "doc_type", "title", "content_type", "size", "sha256",
                  "uploaded_by", "uploaded_at", "download_url"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, obj) -> str:
        return reverse("documents:download", kwargs={"pk": obj.pk})


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("case", OpenApiTypes.INT, description="Only this case's documents"),
]))
class DocumentViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Documents on the cases you work: metadata only; the file comes from download_url, which checks
    your access again and logs the download."""

    model = Document
    queryset = Document.objects.none()
    policy_action = "case.work"
    serializer_class = DocumentSerializer

    def get_queryset(self):
        rows = super().get_queryset().select_related("case")
        case = int_param(self.request, "case")
        if case is not None:
            rows = rows.filter(case_id=case)
        return rows


ROUTES = [("documents", DocumentViewSet, "document")]
