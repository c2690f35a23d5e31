"""/api/v1/referrals/: referrals in the caller's referral.view scope (a teacher: the ones they made),
with status and history. The case link is only for those who work the case. POST makes a referral
through referral_create, the same permission path as the form."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from casework.core import policy
from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet
from casework.students.models import Student

from . import selectors, services
from .choices import ReasonCategory, ReferralStatus, Urgency
from .models import Referral, ReferralStatusChange


class StatusChangeSerializer(ModelSerializer):
    changed_by = serializers.SerializerMethodField()
    changed_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = ReferralStatusChange
        fields = ["status", "changed_at", "changed_by", "note"]

    def get_changed_by(self, obj) -> str:
        return (obj.changed_by.get_full_name() or obj.changed_by.username) if obj.changed_by else ""


class ReferralSerializer(ModelSerializer):
    number = serializers.CharField(read_only=True)
    school = serializers.CharField(source="school.code", read_only=True)
    referred_by = serializers.CharField(source="referred_by.username", read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)
    case = serializers.SerializerMethodField(help_text="Case number; only for those who work the case")

    class Meta:
        model = Referral
        fields = ["id", "number", "student", "school", "referred_by", "reasons", "details", "already_tried",
                  "urgency", "status", "created_at", "history", "case", "version"]

    def get_case(self, obj) -> str | None:
        user = self.context["request"].user
        if obj.case_id and policy.can(user, "case.work", obj.case):
            return obj.case.number
        return None


class ReferralCreateSerializer(serializers.Serializer):
    student = serializers.IntegerField(help_text="Internal student id")
    school = serializers.CharField(help_text="Code of the referring school (a current enrollment)")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=ReasonCategory.choices), min_length=1)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.ROUTINE)
    details = serializers.CharField(max_length=5000)
    already_tried = serializers.CharField(max_length=5000)


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("status", OpenApiTypes.STR, enum=ReferralStatus.values,
                     description="Only referrals in this status (e.g. submitted: waiting for a PPW)"),
]))
class ReferralViewSet(AccessLoggedMixin, ScopedReadOnlyViewSet):
    """Referrals you may see. POST (referral.create) refers a current student of your schools."""

    model = Referral
    lookup_value_regex = "[0-9]+"
    policy_action = "referral.view"
    access_student_path = "student_id"
    serializer_class = ReferralSerializer
    queryset = Referral.objects.none()  # for the schema; rows come from for_user()
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        qs = selectors.referrals_for(self.request.user, self.policy_action).prefetch_related("history__changed_by")
        wanted = self.request.query_params.get("status", "") if self.action == "list" else ""
        if wanted:
            if wanted not in ReferralStatus.values:
                raise exceptions.ValidationError({"status": f"Use one of: {', '.join(ReferralStatus.values)}."})
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not policy.has_action(user, "referral.create"):
            raise exceptions.NotFound()
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        student = Student.objects.for_user(user, "referral.create").filter(pk=v["student"]).first()
        if student is None:
            raise exceptions.ValidationError({"student": "No current student of your schools has this id."})
        school = next((s for s in selectors.referring_schools(user, student) if s.code == v["school"]), None)
        if school is None:
            raise exceptions.ValidationError({"school": "The student is not currently enrolled at that school "
                                                        "of yours."})
        try:
            referral = services.referral_create(actor=user, student=student, school=school, reasons=v["reasons"],
                                                details=v["details"], already_tried=v["already_tried"],
                                                urgency=v["urgency"])
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(getattr(exc, "message_dict", None) or {"detail": exc.messages}) from None
        referral = self.get_queryset().get(pk=referral.pk)
        return Response(ReferralSerializer(referral, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


ROUTES = [("referrals", ReferralViewSet, "referral")]
