from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from casework.core import policy
from casework.core.views import PolicyView

from .models import School


class SchoolListView(PolicyView):
    action = "school.view"

    def get(self, request):
        today = timezone.localdate()
        active = Q(enrollments__exit_date__isnull=True) | Q(enrollments__exit_date__gte=today)
        schools = School.objects.for_user(request.user, "school.view").filter(active=True).order_by("level", "name")
        # Enrollment counts are for people who work with students, not for every account.
        show_counts = policy.has_action(request.user, "student.view")
        if show_counts:
            schools = schools.annotate(
                enrolled=Count("enrollments", filter=active & Q(enrollments__entry_date__lte=today)))
        return render(request, "schools/list.html", {"schools": schools, "show_counts": show_counts})
