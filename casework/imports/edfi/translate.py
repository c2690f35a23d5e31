"""Ed-Fi records -> rows in the plain-CSV vocabulary of docs/imports.md, so the same importers write
every format. Element names follow the Ed-Fi Data Standard v5 XSD (Schemas/Bulk); references are read
by the identity element they hold (a StudentUniqueId anywhere under StudentReference), which covers both
`<StudentReference><StudentIdentity><StudentUniqueId>` and the flattened form. Descriptors are URIs
(`uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence`), passed through where a
mapping resolves them (attendance, calendar events, discipline) and reduced to their code value
elsewhere."""

from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from casework.calendars.choices import INSTRUCTIONAL_KINDS
from casework.discipline.choices import ActionKind
from casework.imports.directory_importers import code_value, program_kind
from casework.imports.importers import _calendar_kind, _discipline_kind
from casework.imports.parsing import RowError


class EdfiRow(dict):
    """A row whose required values may be missing from the XML: reading one raises RowError naming
    the Ed-Fi element, which the run records against the record (file, line, element)."""

    def __init__(self, record: str, values: dict[str, str | None], names: dict[str, str]):
        super().__init__({k: v for k, v in values.items() if v is not None})
        self.missing = {k: names.get(k, k) for k, v in values.items() if v is None}
        self.record = record
        self.not_eligible = ""  # a program association's eligibility element when it says false

    def _missing(self, key):
        name = self.missing[key]
        raise RowError(name, "", f"{self.record} has no {name}; it is required.")

    def __getitem__(self, key):
        if key in self.missing:
            self._missing(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        if key in self.missing:
            self._missing(key)
        return super().get(key, default)

    def __contains__(self, key):
        return key in self.missing or super().__contains__(key)


# The Ed-Fi element each plain-CSV field comes from, per importer kind: rejects name the element.
SCHOOLS_NAMES = {
    "school_id": "SchoolId",
    "name": "NameOfInstitution",
}
SESSIONS_NAMES = {
    "school_id": "SchoolReference/SchoolId",
    "school_year": "SchoolYear",
    "name": "SessionName",
    "begin": "BeginDate",
    "end": "EndDate",
}
GRADING_PERIODS_NAMES = {
    "school_id": "SchoolReference/SchoolId",
    "school_year": "SchoolYear",
    "descriptor": "GradingPeriod",
    "begin": "BeginDate",
    "end": "EndDate",
}
CALENDAR_NAMES = {
    "school_id": "CalendarReference/SchoolId",
    "date": "Date",
    "descriptor": "CalendarEvent",
    "calendar_code": "CalendarReference/CalendarCode",
}
STUDENTS_NAMES = {
    "student_id": "StudentUniqueId",
    "first_name": "FirstName",
    "last_name": "LastSurname",
    "birth_date": "BirthDate",
}
ENROLLMENTS_NAMES = {
    "student_id": "StudentReference/StudentUniqueId",
    "school_id": "SchoolReference/SchoolId",
    "entry_date": "EntryDate",
    "exit_date": "ExitWithdrawDate",
    "grade": "EntryGradeLevel",
}
GUARDIANS_NAMES = {
    "guardian_id": "ContactUniqueId",
    "first_name": "FirstName",
    "last_name": "LastSurname",
}
STUDENT_GUARDIANS_NAMES = {
    "student_id": "StudentReference/StudentUniqueId",
    "guardian_id": "ContactReference/ContactUniqueId",
}
ATTENDANCE_NAMES = {
    "student_id": "StudentReference/StudentUniqueId",
    "school_id": "SchoolReference/SchoolId",
    "date": "EventDate",
    "descriptor": "AttendanceEventCategory",
    "reason_text": "AttendanceEventReason",
    "event_duration": "EventDuration",
    "minutes_present": "SchoolAttendanceDuration",
    "arrival_time": "ArrivalTime",
    "departure_time": "DepartureTime",
}
DISCIPLINE_NAMES = {
    "student_id": "StudentReference/StudentUniqueId",
    "school_id": "ResponsibilitySchoolReference/SchoolId",
    "action_id": "DisciplineActionIdentifier",
    "start_date": "DisciplineDate",
    "descriptor": "Discipline",
    "length_days": "DisciplineActionLength",
    "actual_length_days": "ActualDisciplineActionLength",
}
_SECTION = "StudentSectionAssociationReference"
_PERIOD = "GradingPeriodReference"
GRADES_NAMES = {
    "student_id": f"{_SECTION}/StudentUniqueId",
    "school_id": f"{_SECTION}/SchoolId",
    "school_year": f"{_PERIOD}/SchoolYear",
    "course_code": f"{_SECTION}/LocalCourseCode",
    "section_id": f"{_SECTION}/SectionIdentifier",
    "grading_period": f"{_PERIOD}/GradingPeriodName",
    "grading_period_sequence": f"{_PERIOD}/PeriodSequence",
    "letter_grade": "LetterGradeEarned",
    "numeric_grade": "NumericGradeEarned",
    "grade_type": "GradeType",
    "as_of_date": "CurrentGradeAsOfDate",
}
FIELD_NAMES: dict[str, dict[str, str]] = {
    "schools": SCHOOLS_NAMES,
    "sessions": SESSIONS_NAMES,
    "grading_periods": GRADING_PERIODS_NAMES,
    "calendar": CALENDAR_NAMES,
    "students": STUDENTS_NAMES,
    "enrollments": ENROLLMENTS_NAMES,
    "guardians": GUARDIANS_NAMES,
    "student_guardians": STUDENT_GUARDIANS_NAMES,
    "attendance": ATTENDANCE_NAMES,
    "discipline": DISCIPLINE_NAMES,
    "grades": GRADES_NAMES,
}


def text(element: Element | None, *names: str) -> str | None:
    """The text of the first child found by the path of local names, or None when absent."""
    node = element
    for name in names:
        if node is None:
            return None
        node = node.find(name)
    if node is None:
        return None
    return (node.text or "").strip()


_ZONED = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})")


def _zone_free(value: str) -> str:
    """An xs:date may carry a time zone (`2025-09-11Z`, `2025-09-12-04:00`): the day is the date as
    written, the zone only qualifies it."""
    matched = _ZONED.fullmatch(value)
    return matched.group(1) if matched else value


def day(element: Element | None, *names: str) -> str | None:
    """text() of an xs:date element, without a time zone."""
    value = text(element, *names)
    return None if value is None else _zone_free(value)


def first(element: Element, *names: str) -> str | None:
    """The first of several alternative child names present (v5 names, then older spellings)."""
    for name in names:
        value = text(element, name)
        if value is not None:
            return value
    return None


def ref(element: Element, reference: str, identity: str) -> str | None:
    """The identity value under a reference element, however deep (Identity wrappers vary)."""
    node = element.find(reference)
    if node is None:
        return None
    found = node.find(f".//{identity}")
    return None if found is None else (found.text or "").strip()


def _opt(value: str | None) -> str:
    return "" if value is None else value


def _in(element: Element, wrapper: str) -> Element:
    """The v5 XSD's common-type wrapper (`<Name>`, `<AttendanceEvent>`) when present, else the element
    itself: older and hand-made files put the same parts directly under the record."""
    inner = element.find(wrapper)
    return element if inner is None else inner


def _name_part(element: Element, part: str) -> str | None:
    value = text(element, "Name", part)
    return text(element, part) if value is None else value


# ---------------------------------------------------------------------------------------------- schools
_SCHOOL_LEVELS = (("elementary", "elementary"), ("primary", "elementary"), ("middle", "middle"),
                  ("junior high", "middle"), ("high", "high"), ("secondary", "high"),
                  ("alternative", "alternative"), ("special", "special"))


def school(element: Element, record: str) -> EdfiRow:
    values: dict[str, str | None] = {"school_id": text(element, "SchoolId"),
                                     "name": text(element, "NameOfInstitution")}
    categories = [code_value(c.text or "").casefold() for c in element.findall("SchoolCategory")]
    # Casework's alternative and special schools are Ed-Fi SchoolTypes; the category gives the others.
    kind = code_value(text(element, "SchoolType") or "").casefold()
    if "alternative" in kind or "special" in kind:
        values["level"] = "alternative" if "alternative" in kind else "special"
    elif categories:
        values["level"] = next((lvl for word, lvl in _SCHOOL_LEVELS for c in categories if word in c), "other")
    address = element.find("Address")
    if address is not None:
        values.update(street=_opt(text(address, "StreetNumberName")), city=_opt(text(address, "City")),
                      state=_opt(text(address, "StateAbbreviation")),
                      postal_code=_opt(text(address, "PostalCode")))
    phone = element.find("InstitutionTelephone")
    if phone is not None:
        values["phone"] = _opt(text(phone, "TelephoneNumber"))
    return EdfiRow(record, values, SCHOOLS_NAMES)


# --------------------------------------------------------------------------------------------- calendar
def session(element: Element, record: str) -> EdfiRow:
    values = {"school_id": ref(element, "SchoolReference", "SchoolId"), "school_year": text(element, "SchoolYear"),
              "name": text(element, "SessionName"), "begin": day(element, "BeginDate"),
              "end": day(element, "EndDate"), "term": _opt(first(element, "Term", "TermDescriptor")),
              "total_instructional_days": _opt(text(element, "TotalInstructionalDays"))}
    return EdfiRow(record, values, SESSIONS_NAMES)


def grading_period(element: Element, record: str) -> EdfiRow:
    descriptor = first(element, "GradingPeriod", "GradingPeriodDescriptor")
    values = {"school_id": ref(element, "SchoolReference", "SchoolId"), "school_year": text(element, "SchoolYear"),
              "descriptor": descriptor, "sequence": _opt(text(element, "PeriodSequence")),
              "name": first(element, "GradingPeriodName") or code_value(descriptor or ""),
              "begin": day(element, "BeginDate"), "end": day(element, "EndDate"),
              "total_instructional_days": _opt(text(element, "TotalInstructionalDays"))}
    return EdfiRow(record, values, GRADING_PERIODS_NAMES)


def calendar_date(element: Element, record: str) -> EdfiRow:
    events = [(e.text or "").strip() for e in element if e.tag in ("CalendarEvent", "CalendarEventDescriptor")]
    # Several events on a date: a day off decides (a weather closure on an instructional day closes it).
    chosen = next((e for e in events if _calendar_kind(e) not in INSTRUCTIONAL_KINDS and _calendar_kind(e)), None)
    chosen = chosen or (events[0] if events else None)
    values = {"school_id": ref(element, "CalendarReference", "SchoolId") or ref(element, "SchoolReference",
                                                                                 "SchoolId"),
              "date": day(element, "Date"), "descriptor": chosen,
              "calendar_code": ref(element, "CalendarReference", "CalendarCode")}
    return EdfiRow(record, values, CALENDAR_NAMES)


# ---------------------------------------------------------------------------------------------- students
_SEX = {"female": "F", "male": "M", "non-binary": "X", "nonbinary": "X", "not selected": "U"}
_GRADES = {"infant/toddler": "PK", "preschool/prekindergarten": "PK", "early education": "PK", "kindergarten": "KG",
           "first grade": "01", "second grade": "02", "third grade": "03", "fourth grade": "04", "fifth grade": "05",
           "sixth grade": "06", "seventh grade": "07", "eighth grade": "08", "ninth grade": "09",
           "tenth grade": "10", "eleventh grade": "11", "twelfth grade": "12", "ungraded": "UG"}


def grade(descriptor: str | None) -> str | None:
    if descriptor is None:
        return None
    value = code_value(descriptor)
    return _GRADES.get(value.casefold(), value)


def student(element: Element, record: str, grades: dict[str, str]) -> EdfiRow:
    sid = text(element, "StudentUniqueId")
    birth = element.find(".//BirthDate")
    # v5: the name parts under <Name>, the birth facts under <BirthData> (found at any depth).
    values = {"student_id": sid, "first_name": _name_part(element, "FirstName"),
              "last_name": _name_part(element, "LastSurname"),
              "birth_date": None if birth is None else _zone_free((birth.text or "").strip()),
              "grade": grades.get(sid or "", "UG"),
              "middle_name": _opt(_name_part(element, "MiddleName")),
              "suffix": _opt(_name_part(element, "GenerationCodeSuffix")),
              "preferred_name": _opt(_name_part(element, "PreferredFirstName"))}
    sex = element.find(".//BirthSex")
    if sex is None:
        sex = element.find(".//BirthSexDescriptor")
    if sex is not None:
        code = code_value(sex.text or "").casefold()
        values["sex"] = _SEX.get(code, code)
    return EdfiRow(record, values, STUDENTS_NAMES)


def enrollment(element: Element, record: str) -> EdfiRow:
    values = {"student_id": ref(element, "StudentReference", "StudentUniqueId"),
              "school_id": ref(element, "SchoolReference", "SchoolId"), "entry_date": day(element, "EntryDate"),
              "exit_date": _opt(day(element, "ExitWithdrawDate")),
              "grade": _opt(grade(first(element, "EntryGradeLevel", "EntryGradeLevelDescriptor"))),
              "entry_code": code_value(_opt(first(element, "EntryType", "EntryTypeDescriptor")))[:20],
              "exit_code": code_value(_opt(first(element, "ExitWithdrawType", "ExitWithdrawTypeDescriptor")))[:20]}
    return EdfiRow(record, values, ENROLLMENTS_NAMES)


# ---------------------------------------------------------------------------------------------- contacts
def contact(element: Element, record: str) -> EdfiRow:
    phones = sorted(element.findall("Telephone"), key=lambda t: int(text(t, "OrderOfPriority") or 99)
                    if (text(t, "OrderOfPriority") or "").isdigit() else 99)
    mails = sorted(element.findall("ElectronicMail"),
                   key=lambda m: (text(m, "PrimaryEmailAddressIndicator") or "").lower() != "true")
    language = element.find("Language")
    values = {"guardian_id": first(element, "ContactUniqueId", "ParentUniqueId"),
              "first_name": _name_part(element, "FirstName"), "last_name": _name_part(element, "LastSurname"),
              "phone": _opt(text(phones[0], "TelephoneNumber")) if phones else "",
              "email": _opt(text(mails[0], "ElectronicMailAddress")) if mails else "",
              "preferred_language": _opt(text(language, "Language")) if language is not None else ""}
    return EdfiRow(record, values, GUARDIANS_NAMES)


def student_contact(element: Element, record: str) -> EdfiRow:
    values = {"student_id": ref(element, "StudentReference", "StudentUniqueId"),
              "guardian_id": ref(element, "ContactReference", "ContactUniqueId"),
              "relationship": _opt(text(element, "Relation")), "lives_with": _opt(text(element, "LivesWith")),
              "has_custody": _opt(text(element, "LegalGuardian")),
              "emergency_contact": _opt(text(element, "EmergencyContactStatus")),
              "contact_order": _opt(text(element, "ContactPriority"))}
    return EdfiRow(record, values, STUDENT_GUARDIANS_NAMES)


# -------------------------------------------------------------------------------------------- attendance
def _time(value: str | None) -> str:
    return "" if not value else value[:8]  # xs:time may carry fractions or a zone: HH:MM:SS is enough


def _minutes(value: str | None) -> str:
    """SchoolAttendanceDuration is an AttendanceEventDuration, a decimal: "150.0" is 150 minutes. The
    engine counts whole minutes: a fraction is dropped, so 239.6 minutes stay under the 4 hours that make
    a full day (COMAR: "4 hours or more")."""
    if not value or "." not in value:
        return _opt(value)
    try:
        return str(Decimal(value).to_integral_value(rounding=ROUND_FLOOR))
    except (InvalidOperation, ValueError, OverflowError):
        return value  # not a number: the importer's check names it


def attendance(element: Element, record: str) -> EdfiRow:
    event = _in(element, "AttendanceEvent")  # v5: date, category, reason and duration in the wrapper
    values = {"student_id": ref(element, "StudentReference", "StudentUniqueId"),
              "school_id": ref(element, "SchoolReference", "SchoolId"), "date": day(event, "EventDate"),
              "descriptor": first(event, "AttendanceEventCategory", "AttendanceEventCategoryDescriptor"),
              "reason_text": _opt(text(event, "AttendanceEventReason")),
              "event_duration": _opt(text(event, "EventDuration")),
              "minutes_present": _minutes(text(element, "SchoolAttendanceDuration")),
              "arrival_time": _time(text(element, "ArrivalTime")),
              "departure_time": _time(text(element, "DepartureTime"))}
    return EdfiRow(record, values, ATTENDANCE_NAMES)


# -------------------------------------------------------------------------------------------- discipline
def incident_key(element: Element) -> tuple[str, str]:
    return (_opt(text(element, "IncidentIdentifier")), _opt(ref(element, "SchoolReference", "SchoolId")))


def _behavior(element: Element) -> str:
    """The first behavior's descriptor. v5: `<Behavior><BehaviorDetailedDescription/><Behavior>uri</Behavior>
    </Behavior>` (a common type holding the descriptor); older files: `<Behavior>uri</Behavior>`."""
    outer = element.find("Behavior")
    if outer is None:
        return _opt(text(element, "BehaviorDescriptor"))
    inner = first(outer, "Behavior", "BehaviorDescriptor")
    return _opt(inner if inner is not None else (outer.text or "").strip())


def incident(element: Element) -> dict[str, str]:
    return {"incident_date": _opt(day(element, "IncidentDate")),
            "location": code_value(_opt(first(element, "IncidentLocation", "IncidentLocationDescriptor")))[:60],
            "behavior_code": code_value(_behavior(element))[:30]}


# An action can carry several Discipline descriptors (the XSD's maxOccurs="unbounded"): the one that
# keeps the student out of school longest is the one the indicators must count.
_SEVERITY = {ActionKind.EXPULSION: 4, ActionKind.OUT_OF_SCHOOL_SUSPENSION: 3, ActionKind.IN_SCHOOL_SUSPENSION: 2,
             ActionKind.OTHER: 1}


def _gravest(descriptors: list[str]) -> str | None:
    if not descriptors:
        return None
    return max(descriptors, key=lambda d: _SEVERITY.get(_discipline_kind(d), 0))


def discipline_action(element: Element, record: str, incidents: dict[tuple[str, str], dict]) -> EdfiRow:
    school_id = ref(element, "ResponsibilitySchoolReference", "SchoolId")
    descriptors = [(e.text or "").strip() for e in element if e.tag in ("Discipline", "DisciplineDescriptor")]
    values = {"student_id": ref(element, "StudentReference", "StudentUniqueId"), "school_id": school_id,
              "action_id": text(element, "DisciplineActionIdentifier"),
              "start_date": day(element, "DisciplineDate"),
              "descriptor": _gravest(descriptors),
              "length_days": _opt(text(element, "DisciplineActionLength")),
              "actual_length_days": _opt(text(element, "ActualDisciplineActionLength"))}
    # v5 links an action to its incident through the student's behavior association; older sets directly.
    link = element.find("StudentDisciplineIncidentBehaviorAssociationReference")
    for other in ("StudentDisciplineIncidentAssociationReference", "DisciplineIncidentReference"):
        if link is None:
            link = element.find(other)
    if link is not None:
        found = link.find(".//IncidentIdentifier")
        incident_id = "" if found is None else (found.text or "").strip()
        incident_school = (link.find(".//SchoolId").text or "").strip() if link.find(".//SchoolId") is not None \
            else (school_id or "")
        if incident_id:
            values["incident_id"] = incident_id
            values.update(incidents.get((incident_id, incident_school), {}))
    return EdfiRow(record, values, DISCIPLINE_NAMES)


# ------------------------------------------------------------------------------------------------ grades
def course_grade(element: Element, record: str) -> EdfiRow:
    """A Grade: the student, school, course and section from its StudentSectionAssociationReference, the
    period from its GradingPeriodReference (v5 names it by GradingPeriodName; Ed-Fi 4.x by the
    GradingPeriod descriptor with PeriodSequence). Both grades and CurrentGradeAsOfDate are passed as
    empty when absent: the record is the whole grade, so an element it no longer has is cleared."""
    period = (ref(element, _PERIOD, "GradingPeriodName") or ref(element, _PERIOD, "GradingPeriod")
              or ref(element, _PERIOD, "GradingPeriodDescriptor"))
    values = {"student_id": ref(element, _SECTION, "StudentUniqueId"),
              "school_id": ref(element, _SECTION, "SchoolId") or ref(element, _PERIOD, "SchoolId"),
              "school_year": ref(element, _PERIOD, "SchoolYear") or ref(element, _SECTION, "SchoolYear"),
              "course_code": ref(element, _SECTION, "LocalCourseCode"),
              "section_id": _opt(ref(element, _SECTION, "SectionIdentifier")),
              "grading_period": period or None,
              "grading_period_sequence": _opt(ref(element, _PERIOD, "PeriodSequence")),
              "letter_grade": _opt(text(element, "LetterGradeEarned")),
              "numeric_grade": _opt(text(element, "NumericGradeEarned")),
              "grade_type": first(element, "GradeType", "GradeTypeDescriptor") or None,
              "as_of_date": _opt(day(element, "CurrentGradeAsOfDate"))}
    return EdfiRow(record, values, GRADES_NAMES)


# ---------------------------------------------------------------------------------------------- programs
PROGRAM_ELEMENTS = {"StudentHomelessProgramAssociation": "homeless",
                    "StudentSection504ProgramAssociation": "section_504",
                    "StudentSpecialEducationProgramAssociation": "special_education",
                    "StudentProgramAssociation": None}
# The xs:boolean that says whether the student qualifies (Ed-Fi-Core.xsd: Section504Eligibility is
# required, "FALSE is equivalent to marking student as 'Did Not Qualify'"; IdeaEligibility is optional).
ELIGIBILITY = {"StudentSection504ProgramAssociation": "Section504Eligibility",
               "StudentSpecialEducationProgramAssociation": "IdeaEligibility"}
_XS_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}


def eligibility(element: Element, record: str) -> bool | None:
    """The association's eligibility flag, None when it has none (absent: a participation, as before);
    raises RowError on a value that is not an xs:boolean."""
    name = ELIGIBILITY.get(element.tag)
    value = None if name is None else text(element, name)
    if value is None or name is None:
        return None
    if value.casefold() not in _XS_BOOLEAN:
        raise RowError(name, value, f"{record} has {name} {value!r}; it is true or false (or 1 or 0).")
    return _XS_BOOLEAN[value.casefold()]


def program(element: Element, record: str) -> EdfiRow | RowError:
    program_ref = element.find("ProgramReference")
    program_type = None if program_ref is None else program_ref.find(".//ProgramType")
    if program_type is None and program_ref is not None:
        program_type = program_ref.find(".//ProgramTypeDescriptor")
    type_value = None if program_type is None else (program_type.text or "").strip()
    kind = PROGRAM_ELEMENTS.get(element.tag)
    # A specialized association's element decides the kind; its ProgramType is passed when it names the
    # same kind, so the descriptor is kept as received (the importer stores a "#" URI as the descriptor).
    if kind is not None and not (type_value and program_kind(type_value) == kind):
        type_value = kind
    try:
        eligible = eligibility(element, record)
    except RowError as exc:
        exc.student = ref(element, "StudentReference", "StudentUniqueId") or ""
        return exc
    name_node = None if program_ref is None else program_ref.find(".//ProgramName")
    values = {"student_id": ref(element, "StudentReference", "StudentUniqueId"),
              "program": type_value,
              "program_name": "" if name_node is None else (name_node.text or "").strip()[:60],
              "begin": day(element, "BeginDate"), "end": _opt(day(element, "EndDate"))}
    if eligible is False and values["begin"] is not None:
        # Not a participation. Fed to the importer only to end one stored while the SIS said eligible
        # (same student, program and begin), on the earliest day the model allows: its begin date.
        values["end"] = values["begin"]
    if element.tag == "StudentHomelessProgramAssociation":
        values["nighttime_residence"] = _opt(first(element, "HomelessPrimaryNighttimeResidence",
                                                   "HomelessPrimaryNighttimeResidenceDescriptor"))
        values["unaccompanied_youth"] = _opt(text(element, "HomelessUnaccompaniedYouth"))
    row = EdfiRow(record, values, {"student_id": "StudentReference/StudentUniqueId",
                                   "program": "ProgramReference/ProgramType", "begin": "BeginDate"})
    if eligible is False:
        row.not_eligible = ELIGIBILITY[element.tag]
    return row
