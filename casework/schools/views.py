from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from casework.core.views import PolicyView

from .models import School


class SchoolListView(PolicyView):
    action = "school.view"

    def get(self, request):
        today = timezone.localdate()
        active = Q(enrollments__exit_date__isnull=True) | Q(enrollments__exit_date__gte=today)
        schools = (
            School.objects.for_user(request.user, "school.view")
            .filter(active=True)
            .annotate(enrolled=Count("enrollments", filter=active & Q(enrollments__entry_date__lte=today)))
            .order_by("level", "name")
        )
        return render(request, "schools/list.html", {"schools": schools})
