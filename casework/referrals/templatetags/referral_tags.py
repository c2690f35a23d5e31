"""{% can_refer student as flag %}: whether the signed-in user may refer this student (the student
page's "Refer" link). A tag because the student page's view belongs to another app."""

from django import template

from casework.core import policy
from casework.students.models import Student

register = template.Library()


@register.simple_tag(takes_context=True)
def can_refer(context, student) -> bool:
    user = context.get("user") or context["request"].user
    if not policy.has_action(user, "referral.create"):
        return False
    return Student.objects.for_user(user, "referral.create").filter(pk=student.pk).exists()
