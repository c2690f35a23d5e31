"""/api/v1/contacts/: the contact log of the cases a user works, and logging a contact through the
same service (and the same idempotency key) as the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.fields import empty
from rest_framework.response import Response

from casework.cases.models import Case
from casework.core.api import AccessLoggedMixin, ModelSerializer, ScopedReadOnlyViewSet, int_param

from . import selectors, services
from .choices import ContactType
from .models import Contact


class AgencyPersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    agency = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ContactSerializer(ModelSerializer):
    agency_people = AgencyPersonSerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "case", "contact_type", "occurred_at", "duration_minutes", "reached", "worker", "guardians",
                  "staff", "agency_people", "participants_label", "location", "summary", "follow_ups",
                  "follow_up_due", "follow_up_task", "client_key", "version", "created_at", "updated_at"]
        read_only_fields = fields


REACHED_REQUIRED = ("Say whether anyone was reached: true, or false if nobody answered (an unanswered call or "
                    "door is still logged, as not reached). Only contact_type 'attempted' may leave it out.")


class AnsweredBooleanField(serializers.BooleanField):
    # DRF reads a boolean left out of a form-encoded body as false (an unticked checkbox); here that would
    # still be a guess, so it is left out, as in JSON.
    default_empty_html = empty


class ContactCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    contact_type = serializers.ChoiceField(choices=ContactType.choices)
    occurred_at = serializers.DateTimeField()
    summary = serializers.CharField(max_length=10000)
    # No default, as on the pages: an unanswered attempt left unsaid must not count as reached. An
    # attempted contact may leave it out: the service logs it as not reached whatever is sent.
    reached = AnsweredBooleanField(required=False, help_text=(
        "Whether anyone was reached: false for an unanswered call or door. Required for every contact_type "
        "except attempted, which is always logged as not reached."))
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1440)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    guardians = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                      help_text="Ids of the student's guardian links (StudentGuardian)")
    staff = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                  help_text="User ids")
    agency_people = AgencyPersonSerializer(many=True, required=False, default=list)
    follow_ups = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    follow_up_due = serializers.DateField(required=False, allow_null=True, default=None)
    client_key = serializers.UUIDField(required=False, allow_null=True, default=None,
                                       help_text="Made by the client once per contact: a retry with the same key "
                                                 "returns the first contact instead of logging it twice")

    def validate(self, attrs):
        if "reached" not in attrs:
            if attrs["contact_type"] != ContactType.ATTEMPTED:
                raise ValidationError({"reached": [REACHED_REQUIRED]})
            attrs["reached"] = False
        return attrs


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("case", int, description="Only this case's contacts")]),
    create=extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer, 200: ContactSerializer}),
)
class ContactViewSet(AccessLoggedMixin, mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Contacts on the cases you work, attempts included. POST logs one through the same service as the
    page; a retry with the same client_key returns the contact already logged (200) instead of a second."""

    model = Contact
    policy_action = "case.work"
    serializer_class = ContactSerializer
    queryset = Contact.objects.none()

    def get_queryset(self):
        rows = super().get_queryset().prefetch_related("guardians", "staff")
        case = int_param(self.request, "case")
        if case is not None:
            rows = rows.filter(case_id=case)
        return rows

    def create(self, request, *args, **kwargs):
        data = ContactCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        case = Case.objects.for_user(request.user, self.policy_action).select_related("student").filter(
            pk=d.pop("case")).first()
        if case is None:
            raise ValidationError({"case": "No such case among the cases you work."})
        guardian_ids, staff_ids = set(d.pop("guardians")), set(d.pop("staff"))
        guardians = list(selectors.guardian_choices(case, request.user).filter(pk__in=guardian_ids))
        staff = list(selectors.staff_choices(case).filter(pk__in=staff_ids))
        if len(guardians) != len(guardian_ids):
            raise ValidationError({"guardians": "Only this student's own guardians can be listed as taking part."})
        if len(staff) != len(staff_ids):
            raise ValidationError({"staff": "Unknown staff member, or not one who works with this student."})
        try:
            contact = services.contact_log(actor=request.user, case=case, guardians=guardians, staff=staff, **d)
        except DjangoValidationError as exc:
            raise ValidationError(getattr(exc, "message_dict", {"detail": exc.messages})) from None
        body = ContactSerializer(contact, context={"request": request}).data
        return Response(body, status=status.HTTP_200_OK if contact.replayed else status.HTTP_201_CREATED)


ROUTES = [("contacts", ContactViewSet, "contact")]
