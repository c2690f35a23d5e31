from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from casework.audit import services as audit
from casework.audit.models import AccessLog
from casework.core.api import ModelSerializer, ScopedReadOnlyViewSet
from casework.core.text import search_terms
from casework.schools.models import School

from . import selectors
from .forms import MAX_QUERY
from .models import Enrollment, Guardian, HouseholdAddress, Student, StudentGuardian


class EnrollmentSerializer(ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "school_code",
            "school_name",
            "entry_date",
            "exit_date",
            "grade",
            "entry_code",
            "exit_code",
            "primary",
        ]


class GuardianSerializer(ModelSerializer):
    class Meta:
        model = Guardian
        fields = [
            "id",
            "first_name",
            "last_name",
            "phone",
            "alt_phone",
            "email",
            "preferred_language",
            "needs_interpreter",
            "household",
        ]


class GuardianLinkSerializer(ModelSerializer):
    guardian = GuardianSerializer(read_only=True)

    class Meta:
        model = StudentGuardian
        fields = [
            "guardian",
            "relationship",
            "has_custody",
            "lives_with",
            "emergency_contact",
            "receives_mail",
            "contact_order",
            "no_contact",
        ]


class AddressSerializer(ModelSerializer):
    class Meta:
        model = HouseholdAddress
        fields = [
            "address_type",
            "street",
            "unit",
            "city",
            "state",
            "postal_code",
            "start_date",
            "end_date",
            "verified_on",
        ]


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    phone = serializers.CharField()
    addresses = AddressSerializer(many=True)


class StudentListSerializer(ModelSerializer):
    """Search results: enough to pick the right child, nothing more."""

    class Meta:
        model = Student
        fields = ["id", "district_id", "first_name", "last_name", "preferred_name", "grade", "date_of_birth"]


class StudentDetailSerializer(ModelSerializer):
    guardians = GuardianLinkSerializer(source="guardian_links", many=True, read_only=True)
    enrollments = EnrollmentSerializer(many=True, read_only=True)
    household = HouseholdSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Student
        fields = [
            "id",
            "district_id",
            "state_id",
            "first_name",
            "middle_name",
            "last_name",
            "suffix",
            "preferred_name",
            "date_of_birth",
            "sex",
            "grade",
            "home_language",
            "has_iep",
            "has_504",
            "english_learner",
            "homeless",
            "household",
            "guardians",
            "enrollments",
            "version",
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Name, preferred name or district id; accents and case ignored"
            ),
            OpenApiParameter("school", OpenApiTypes.STR, description="School code: students currently enrolled there"),
        ]
    ),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "purpose", OpenApiTypes.STR, description="Why the record is opened (kept in the access log)"
            ),
        ]
    ),
)
class StudentViewSet(ScopedReadOnlyViewSet):
    """Students in your scope. Opening one (GET /students/{id}/) is written to its access log."""

    model = Student
    lookup_value_regex = "[0-9]+"  # ASCII digits only: "１" must not be a second address of record 1
    policy_action = "student.view"
    queryset = Student.objects.none()  # for the schema; rows come from for_user()

    def get_serializer_class(self):
        return StudentDetailSerializer if self.action == "retrieve" else StudentListSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.student_profiles(self.request.user, self.policy_action)
        qs = super().get_queryset()
        params = self.request.query_params
        query = params.get("q", "")
        if len(query) > MAX_QUERY:
            raise ValidationError({"q": f"Search text is limited to {MAX_QUERY} characters."})
        code = params.get("school", "").strip()
        if code:
            school = School.objects.for_user(self.request.user, "school.view").filter(code=code).first()
            if school is None:
                raise ValidationError({"school": f"No school has the code {code!r}."})
            qs = qs.filter(enrollments__school=school, enrollments__exit_date__isnull=True).distinct()
        terms = search_terms(query)
        if terms:
            qs = qs.search(terms)
        elif query.strip():
            return qs.none()  # only punctuation or symbols: nothing can match, not everything
        return qs.order_by("search_text", "id")  # folded names: García sorts with Garcia

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit.log_access(
            actor=request.user,
            student=response.data["id"],
            action=AccessLog.Action.API,
            purpose=request.query_params.get("purpose", ""),
            detail="api detail",
        )
        return response
