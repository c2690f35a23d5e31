"""Ed-Fi Data Standard v5 XML interchanges of the synthetic district, written as a stream.

Each record is rendered to a string and written straight out (no tree in memory), escaped with
`xml.sax.saxutils.escape`, UTF-8. Element names and nesting follow the Ed-Fi v5 XSD (Ed-Fi-Core.xsd
and the Interchange-*.xsd files); references are written with their identity elements
(`StudentReference/StudentIdentity/StudentUniqueId`, ...). SchoolId is the district's school number
as it stands (e.g. 0101, a valid xs:int lexical form).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from .attendance_plan import ActionPlan, EventPlan, ProgramPlan
from .calendar_plan import (
    CALENDAR_EVENT_NS,
    EDFI_EVENT,
    EDFI_SCHOOL_YEAR,
    GRADING_PERIOD_NS,
    TERM_NS,
    CalendarPlan,
    GradingPeriodPlan,
)
from .grades_plan import GradePlan
from .plan import ALTERNATIVE, HIGH, MIDDLE, SPECIAL, EnrollmentPlan, SchoolPlan, StudentPlan
from .year_writer import EDFI_CATEGORY, EDFI_DISCIPLINE, PROGRAM_TYPE, PROGRAM_TYPE_NS

NAMESPACE = "http://ed-fi.org/5.0.0"
SCHOOL_YEAR = f"{EDFI_SCHOOL_YEAR - 1}-{EDFI_SCHOOL_YEAR}"  # the XSD's SchoolYearType: "2026-2027"
ATTENDANCE_NS = "uri://ed-fi.org/AttendanceEventCategoryDescriptor"
GRADE_NS = "uri://ed-fi.org/GradeLevelDescriptor"
SCHOOL_TYPES = {ALTERNATIVE: "Alternative", SPECIAL: "Special Education"}  # SchoolTypeDescriptor code values
GRADE_NAMES = {"PK": "Preschool/Prekindergarten", "KG": "Kindergarten", "01": "First grade", "02": "Second grade",
               "03": "Third grade", "04": "Fourth grade", "05": "Fifth grade", "06": "Sixth grade",
               "07": "Seventh grade", "08": "Eighth grade", "09": "Ninth grade", "10": "Tenth grade",
               "11": "Eleventh grade", "12": "Twelfth grade"}
NIGHTTIME = {"shelters": "Shelters", "doubled_up": "Doubled-up", "unsheltered": "Unsheltered",
             "hotels_motels": "Hotels/motels"}
INTERCHANGES = {
    "education_organization": "InterchangeEducationOrganization",
    "calendar": "InterchangeEducationOrgCalendar",
    "student": "InterchangeStudent",
    "enrollment": "InterchangeStudentEnrollment",
    "attendance": "InterchangeStudentAttendance",
    "discipline": "InterchangeStudentDiscipline",
    "program": "InterchangeStudentProgram",
    "grade": "InterchangeStudentGrade",
}
GRADE_TYPE_NS = "uri://ed-fi.org/GradeTypeDescriptor"


def _el(name: str, value) -> str:
    return "" if value is None or value == "" else f"<{name}>{escape(str(value))}</{name}>"


def school_ref(code: str, name: str = "SchoolReference") -> str:
    return f"<{name}><SchoolIdentity><SchoolId>{escape(code)}</SchoolId></SchoolIdentity></{name}>"


_SEX_URI = {"F": "uri://ed-fi.org/SexDescriptor#Female", "M": "uri://ed-fi.org/SexDescriptor#Male",
            "X": "uri://ed-fi.org/SexDescriptor#Non-binary"}


def student_ref(student_id: str) -> str:
    return f"<StudentReference><StudentIdentity><StudentUniqueId>{escape(student_id)}</StudentUniqueId>" \
           "</StudentIdentity></StudentReference>"


def session_ref(code: str, session_name: str) -> str:
    return (f"<SessionReference><SessionIdentity>{_el('SessionName', session_name)}"
            f"<SchoolYear>{SCHOOL_YEAR}</SchoolYear>{school_ref(code)}</SessionIdentity></SessionReference>")


def grading_period_ref(code: str, p: GradingPeriodPlan) -> str:
    return (f"<GradingPeriodReference><GradingPeriodIdentity>{school_ref(code)}<GradingPeriod>"
            f"{GRADING_PERIOD_NS}#{escape(p.descriptor)}</GradingPeriod>{_el('GradingPeriodName', p.name)}"
            f"{_el('PeriodSequence', p.sequence)}"
            f"<SchoolYear>{SCHOOL_YEAR}</SchoolYear></GradingPeriodIdentity></GradingPeriodReference>")


def calendar_code(code: str) -> str:
    return f"{code}-{EDFI_SCHOOL_YEAR}"


class Interchanges:
    """The interchange files, open for writing, each with its root element."""

    def __init__(self, folder: Path):
        self.files = {}
        for key, root in INTERCHANGES.items():
            fh = open(folder / f"{root}.xml", "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed in close()
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n')
            self.files[key] = fh

    def close(self) -> None:
        for key, fh in self.files.items():
            fh.write(f"</{INTERCHANGES[key]}>\n")
            fh.close()

    # -- education organization and calendars ----------------------------------------------------

    def school(self, s: SchoolPlan, grades: list[str]) -> None:
        category = "High School" if s.level == HIGH else "Middle School" if s.level == MIDDLE else \
            "Elementary School" if s.level == "elementary" else "Other"
        # EducationOrganization's elements come first (School extends it), then the School's own.
        parts = [f"<School>{_el('NameOfInstitution', s.name)}",
                 "<EducationOrganizationCategory>uri://ed-fi.org/EducationOrganizationCategoryDescriptor#School"
                 "</EducationOrganizationCategory>",
                 f"<Address>{_el('StreetNumberName', s.street)}{_el('City', s.city)}",
                 "<StateAbbreviation>uri://ed-fi.org/StateAbbreviationDescriptor#MD</StateAbbreviation>",
                 f"{_el('PostalCode', s.postal_code)}",
                 "<AddressType>uri://ed-fi.org/AddressTypeDescriptor#Physical</AddressType></Address>",
                 *([f"<InstitutionTelephone><InstitutionTelephoneNumberType>uri://ed-fi.org/"
                    "InstitutionTelephoneNumberTypeDescriptor#Main</InstitutionTelephoneNumberType>"
                    f"{_el('TelephoneNumber', s.phone)}</InstitutionTelephone>"] if s.phone else []),
                 _el("SchoolId", s.code),
                 # Alternative and special schools are a SchoolType in Ed-Fi, not a SchoolCategory.
                 *([f"<SchoolType>uri://ed-fi.org/SchoolTypeDescriptor#{SCHOOL_TYPES[s.level]}</SchoolType>"]
                   if s.level in SCHOOL_TYPES else []),
                 *(f"<GradeLevel>{GRADE_NS}#{escape(GRADE_NAMES[g])}</GradeLevel>" for g in grades),
                 f"<SchoolCategory>uri://ed-fi.org/SchoolCategoryDescriptor#{category}</SchoolCategory></School>\n"]
        self.files["education_organization"].write("".join(parts))

    def calendar(self, cal: CalendarPlan) -> None:
        fh, code = self.files["calendar"], cal.school
        for p in cal.periods:
            fh.write(f"<GradingPeriod>{school_ref(code)}<GradingPeriod>{GRADING_PERIOD_NS}#{escape(p.descriptor)}"
                     f"</GradingPeriod>{_el('GradingPeriodName', p.name)}{_el('PeriodSequence', p.sequence)}"
                     f"<SchoolYear>{SCHOOL_YEAR}</SchoolYear>"
                     f"{_el('BeginDate', p.begin)}{_el('EndDate', p.end)}"
                     f"{_el('TotalInstructionalDays', p.total_instructional_days)}</GradingPeriod>\n")
        for s in cal.sessions:
            periods = "".join(grading_period_ref(code, p) for p in cal.periods if s.begin <= p.begin and p.end <= s.end)
            fh.write(f"<Session>{_el('SessionName', s.name)}<SchoolYear>{SCHOOL_YEAR}</SchoolYear>"
                     f"{_el('BeginDate', s.begin)}{_el('EndDate', s.end)}<Term>{TERM_NS}#{escape(s.term)}</Term>"
                     f"{_el('TotalInstructionalDays', s.total_instructional_days)}{school_ref(code)}{periods}"
                     "</Session>\n")
        fh.write(f"<Calendar>{_el('CalendarCode', calendar_code(code))}"
                 "<CalendarType>uri://ed-fi.org/CalendarTypeDescriptor#Student Specific</CalendarType>"
                 f"{school_ref(code)}<SchoolYear>{SCHOOL_YEAR}</SchoolYear></Calendar>\n")
        ref = (f"<CalendarReference><CalendarIdentity>{_el('CalendarCode', calendar_code(code))}{school_ref(code)}"
               f"<SchoolYear>{SCHOOL_YEAR}</SchoolYear></CalendarIdentity></CalendarReference>")
        for d in cal.dates:
            fh.write(f"<CalendarDate>{_el('Date', d.day)}"
                     f"<CalendarEvent>{CALENDAR_EVENT_NS}#{escape(EDFI_EVENT[d.kind])}</CalendarEvent>{ref}"
                     "</CalendarDate>\n")

    # -- students --------------------------------------------------------------------------------

    def student(self, s: StudentPlan) -> None:
        self.files["student"].write(
            # Data Standard v5 Student (Ed-Fi-Core.xsd 5.0): the name parts in the Name common type, the
            # birth facts in BirthData. The preferred name is not in v5's Student; Casework also reads it there.
            f"<Student>{_el('StudentUniqueId', s.district_id)}<Name>{_el('FirstName', s.first_name)}"
            f"{_el('MiddleName', s.middle_name)}{_el('LastSurname', s.last_name)}"
            f"{_el('GenerationCodeSuffix', s.suffix)}{_el('PreferredFirstName', s.preferred_name)}</Name>"
            f"<BirthData>{_el('BirthDate', s.date_of_birth)}{_el('BirthSex', _SEX_URI.get(s.sex, ''))}</BirthData>"
            "</Student>\n")

    def enrollment(self, s: StudentPlan, e: EnrollmentPlan) -> None:
        exit_ = ""
        if e.exit_date is not None:
            exit_ = (f"{_el('ExitWithdrawDate', e.exit_date)}<ExitWithdrawType>uri://ed-fi.org/"
                     f"ExitWithdrawTypeDescriptor#{escape(e.exit_code)}</ExitWithdrawType>")
        self.files["enrollment"].write(
            f"<StudentSchoolAssociation>{student_ref(s.district_id)}{school_ref(e.school)}"
            f"<SchoolYear>{SCHOOL_YEAR}</SchoolYear>{_el('EntryDate', e.entry_date)}"
            f"<EntryGradeLevel>{GRADE_NS}#{escape(GRADE_NAMES[e.grade])}</EntryGradeLevel>"
            f"<EntryType>uri://ed-fi.org/EntryTypeDescriptor#{escape(e.entry_code)}</EntryType>{exit_}"
            f"<CalendarReference><CalendarIdentity>{_el('CalendarCode', calendar_code(e.school))}"
            f"{school_ref(e.school)}<SchoolYear>{SCHOOL_YEAR}</SchoolYear></CalendarIdentity>"
            "</CalendarReference></StudentSchoolAssociation>\n")

    def attendance(self, student_id: str, e: EventPlan, session_name: str) -> None:
        # v5 (Ed-Fi-Core.xsd 5.0): the event's date, category, reason and duration in the AttendanceEvent
        # common type, first; the school's minutes and the times after the references.
        self.files["attendance"].write(
            f"<StudentSchoolAttendanceEvent><AttendanceEvent>{_el('EventDate', e.day)}"
            f"<AttendanceEventCategory>{ATTENDANCE_NS}#{EDFI_CATEGORY[e.category]}</AttendanceEventCategory>"
            f"{_el('AttendanceEventReason', e.reason_text)}{_el('EventDuration', e.event_duration)}</AttendanceEvent>"
            f"{student_ref(student_id)}{school_ref(e.school)}{session_ref(e.school, session_name)}"
            f"{_el('SchoolAttendanceDuration', e.minutes_present)}{_el('ArrivalTime', e.arrival_time)}"
            f"{_el('DepartureTime', e.departure_time)}</StudentSchoolAttendanceEvent>\n")

    def discipline(self, student_id: str, a: ActionPlan) -> None:
        incident = (f"<DisciplineIncidentReference><DisciplineIncidentIdentity>"
                    f"{_el('IncidentIdentifier', a.incident_id)}{school_ref(a.school)}"
                    "</DisciplineIncidentIdentity></DisciplineIncidentReference>")
        behavior = f"<Behavior>uri://ed-fi.org/BehaviorDescriptor#{escape(a.behavior)}</Behavior>"
        self.files["discipline"].write(
            f"<DisciplineIncident>{_el('IncidentIdentifier', a.incident_id)}{_el('IncidentDate', a.start)}"
            f"<IncidentLocation>uri://ed-fi.org/IncidentLocationDescriptor#{escape(a.location)}</IncidentLocation>"
            f"<Behavior>{behavior}</Behavior>{school_ref(a.school)}</DisciplineIncident>\n"
            f"<StudentDisciplineIncidentBehaviorAssociation>{student_ref(student_id)}{incident}{behavior}"
            "</StudentDisciplineIncidentBehaviorAssociation>\n"
            f"<DisciplineAction>{_el('DisciplineActionIdentifier', a.action_id)}"
            f"<Discipline>uri://ed-fi.org/DisciplineDescriptor#{EDFI_DISCIPLINE[a.kind]}</Discipline>"
            f"{_el('DisciplineDate', a.start)}{_el('DisciplineActionLength', a.length_days)}"
            f"{_el('ActualDisciplineActionLength', a.length_days)}{student_ref(student_id)}"
            f"{school_ref(a.school, 'ResponsibilitySchoolReference')}"
            "<StudentDisciplineIncidentBehaviorAssociationReference>"
            f"<StudentDisciplineIncidentBehaviorAssociationIdentity>{student_ref(student_id)}{incident}{behavior}"
            "</StudentDisciplineIncidentBehaviorAssociationIdentity>"
            "</StudentDisciplineIncidentBehaviorAssociationReference></DisciplineAction>\n")

    def program(self, student_id: str, p: ProgramPlan) -> None:
        # The v5 XSD has no Section 504 association of its own: a StudentProgramAssociation whose
        # ProgramType is Section 504 Placement carries it.
        element = {"homeless": "StudentHomelessProgramAssociation", "section_504": "StudentProgramAssociation",
                   "special_education": "StudentSpecialEducationProgramAssociation"}[p.kind]
        org = (f"<EducationOrganizationReference><EducationOrganizationIdentity>"
               f"{_el('EducationOrganizationId', p.school)}</EducationOrganizationIdentity>"
               "</EducationOrganizationReference>")
        extra = ""
        if p.kind == "homeless":
            extra = (f"<HomelessPrimaryNighttimeResidence>uri://ed-fi.org/HomelessPrimaryNighttimeResidenceDescriptor#"
                     f"{escape(NIGHTTIME[p.nighttime_residence])}</HomelessPrimaryNighttimeResidence>"
                     f"{_el('HomelessUnaccompaniedYouth', 'true' if p.unaccompanied_youth else 'false')}")
        elif p.kind == "special_education":
            extra = "<IdeaEligibility>true</IdeaEligibility>"
        self.files["program"].write(
            f"<{element}>{student_ref(student_id)}<ProgramReference><ProgramIdentity>{org}"
            f"{_el('ProgramName', p.name)}<ProgramType>{PROGRAM_TYPE_NS}#{escape(PROGRAM_TYPE[p.kind])}</ProgramType>"
            f"</ProgramIdentity></ProgramReference>{_el('BeginDate', p.begin)}{org}{extra}</{element}>\n")

    def grade(self, student_id: str, g: GradePlan) -> None:
        # Ed-Fi-Core.xsd 5.0 Grade: the grades earned, GradeType, then the StudentSectionAssociation
        # (student, section, BeginDate; the section's course offering: course code, school, session) and the
        # GradingPeriod references; an interim grade is marked current with its as-of date.
        section = (f"<SectionReference><SectionIdentity>{_el('SectionIdentifier', g.section_id)}"
                   f"<CourseOfferingReference><CourseOfferingIdentity>{_el('LocalCourseCode', g.course_code)}"
                   f"{school_ref(g.school)}{session_ref(g.school, g.session.name)}</CourseOfferingIdentity>"
                   "</CourseOfferingReference></SectionIdentity></SectionReference>")
        current = ""
        if g.as_of_date is not None:
            current = ("<CurrentGradeIndicator>true</CurrentGradeIndicator>"
                       f"{_el('CurrentGradeAsOfDate', g.as_of_date)}")
        self.files["grade"].write(
            f"<Grade>{_el('LetterGradeEarned', g.letter)}{_el('NumericGradeEarned', g.numeric)}"
            f"<GradeType>{GRADE_TYPE_NS}#{escape(g.grade_type)}</GradeType>"
            f"<StudentSectionAssociationReference><StudentSectionAssociationIdentity>{student_ref(student_id)}"
            f"{section}{_el('BeginDate', g.section_begin)}</StudentSectionAssociationIdentity>"
            f"</StudentSectionAssociationReference>{grading_period_ref(g.school, g.period)}{current}</Grade>\n")
