from django import forms

from casework.schools.models import School

MAX_QUERY = 100


class StudentSearchForm(forms.Form):
    q = forms.CharField(label="Name or student ID", max_length=MAX_QUERY, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": "e.g. Garcia, Jose or 100234"}))
    school = forms.ModelChoiceField(label="School", queryset=School.objects.none(), required=False,
                                    empty_label="All my schools")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Choice lists go through the policy like every other read.
        self.fields["school"].queryset = School.objects.for_user(user, "student.view").filter(active=True)
