"""A small hand-written Ed-Fi v5 set (one file per interchange) and the same data as plain CSV files:
the data the test_edfi_* modules share (no tests here). Synthetic data only.
September 2025 starts on a Monday; 9/1-9/26 are 20 weekdays.

School 100 lists every date (20 instructional days); school 200 sends one session with
TotalInstructionalDays 19 and lists only its 9/19 holiday (periods with day counts)."""

from __future__ import annotations

import datetime
from pathlib import Path

NS = "http://ed-fi.org/5.1.0"
URI = "uri://ed-fi.org/"


def weekdays(start=datetime.date(2025, 9, 1), end=datetime.date(2025, 9, 26)):
    day, out = start, []
    while day <= end:
        if day.weekday() < 5:
            out.append(day)
        day += datetime.timedelta(days=1)
    return out


def doc(root: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NS}">\n{body}</{root}>\n'


def school_ref(code, tag="SchoolReference"):
    return f"<{tag}><SchoolIdentity><SchoolId>{code}</SchoolId></SchoolIdentity></{tag}>"


def student_ref(sid):
    return f"<StudentReference><StudentIdentity><StudentUniqueId>{sid}</StudentUniqueId></StudentIdentity>" \
           "</StudentReference>"


def edorg() -> str:
    return doc("InterchangeEducationOrganization", "".join(
        f"<School><SchoolId>{code}</SchoolId><NameOfInstitution>{name}</NameOfInstitution>"
        f"<Address><AddressType>{URI}AddressTypeDescriptor#Physical</AddressType>"
        f"<StreetNumberName>{code} Main St</StreetNumberName><City>Sampleton</City>"
        f"<StateAbbreviation>{URI}StateAbbreviationDescriptor#MD</StateAbbreviation>"
        f"<PostalCode>21000</PostalCode></Address>"
        f"<SchoolCategory>{URI}SchoolCategoryDescriptor#{category}</SchoolCategory></School>\n"
        for code, name, category in (("100", "Lakeside Elementary", "Elementary School"),
                                     ("200", "Pine Middle", "Middle School"))))


def calendar() -> str:
    def calendar_date(day, event):
        return (f"<CalendarDate><CalendarReference><CalendarIdentity><CalendarCode>100-2026</CalendarCode>"
                f"{school_ref(100)}<SchoolYear>2026</SchoolYear></CalendarIdentity></CalendarReference>"
                f"<Date>{day.isoformat()}</Date><CalendarEvent>{URI}CalendarEventDescriptor#{event}</CalendarEvent>"
                "</CalendarDate>\n")

    body = [calendar_date(d, "Instructional day") for d in weekdays()]
    body.append(calendar_date(datetime.date(2025, 9, 29), "Holiday"))
    body.append(
        f"<CalendarDate><CalendarReference><CalendarIdentity><CalendarCode>200-2026</CalendarCode>{school_ref(200)}"
        f"<SchoolYear>2026</SchoolYear></CalendarIdentity></CalendarReference><Date>2025-09-19</Date>"
        f"<CalendarEvent>{URI}CalendarEventDescriptor#Holiday</CalendarEvent></CalendarDate>\n")
    for code, days in ((100, 20), (200, 19)):
        # SchoolYear as the XSD's SchoolYearType spells it: "2025-2026" (stored as 2026, the year it ends)
        body.append(f"<Session>{school_ref(code)}<SchoolYear>2025-2026</SchoolYear>"
                    f"<SessionName>Fall {code}</SessionName>"
                    f"<BeginDate>2025-09-01</BeginDate><EndDate>2025-09-26</EndDate>"
                    f"<Term>{URI}TermDescriptor#Fall Semester</Term>"
                    f"<TotalInstructionalDays>{days}</TotalInstructionalDays></Session>\n")
        for seq, name, begin, end in ((1, "First", "2025-09-01", "2025-09-12"), (2, "Second", "2025-09-15",
                                                                                 "2025-09-26")):
            body.append(f"<GradingPeriod>{school_ref(code)}<GradingPeriod>{URI}GradingPeriodDescriptor#{name} "
                        f"Quarter</GradingPeriod><PeriodSequence>{seq}</PeriodSequence>"
                        f"<SchoolYear>2025-2026</SchoolYear><BeginDate>{begin}</BeginDate><EndDate>{end}</EndDate>"
                        "</GradingPeriod>\n")
    return doc("InterchangeEducationOrgCalendar", "".join(body))


STUDENTS = (("100001", "Avery", "Testcase", "2014-05-17", "Female", "100", "Fifth grade"),
            ("100002", "Blake", "Samplerow", "2012-01-09", "Male", "200", "Seventh grade"))


def students(*, flat: bool = False) -> str:
    """Ed-Fi-Core.xsd 5.0: the name parts in <Name>, the birth facts in <BirthData>. `flat`: the same
    parts directly under <Student>, as older and hand-made files have them."""
    def person(first, last, born, sex):
        name = f"<FirstName>{first}</FirstName><LastSurname>{last}</LastSurname>"
        birth = f"<BirthDate>{born}</BirthDate><BirthSex>{URI}SexDescriptor#{sex}</BirthSex>"
        return name + birth if flat else f"<Name>{name}</Name><BirthData>{birth}</BirthData>"
    return doc("InterchangeStudent", "".join(
        f"<Student><StudentUniqueId>{sid}</StudentUniqueId>{person(first, last, born, sex)}</Student>\n"
        for sid, first, last, born, sex, _school, _grade in STUDENTS))


def enrollments() -> str:
    return doc("InterchangeStudentEnrollment", "".join(
        f"<StudentSchoolAssociation>{student_ref(sid)}{school_ref(school)}<EntryDate>2025-09-01</EntryDate>"
        f"<EntryGradeLevel>{URI}GradeLevelDescriptor#{grade}</EntryGradeLevel></StudentSchoolAssociation>\n"
        for sid, _f, _l, _b, _s, school, grade in STUDENTS))


def contacts(*, flat: bool = False) -> str:
    name = "<FirstName>Casey</FirstName><LastSurname>Testcase</LastSurname>"
    return doc("InterchangeContact",
               f"<Contact><ContactUniqueId>G-1</ContactUniqueId>{name if flat else f'<Name>{name}</Name>'}"
               "<Telephone><TelephoneNumber>410-555-0100</TelephoneNumber>"
               f"<TelephoneNumberType>{URI}TelephoneNumberTypeDescriptor#Mobile</TelephoneNumberType></Telephone>"
               "<ElectronicMail><ElectronicMailAddress>casey@example.org</ElectronicMailAddress>"
               f"<ElectronicMailType>{URI}ElectronicMailTypeDescriptor#Home/Personal</ElectronicMailType>"
               "</ElectronicMail></Contact>\n"
               f"<StudentContactAssociation>{student_ref('100001')}<ContactReference><ContactIdentity>"
               "<ContactUniqueId>G-1</ContactUniqueId></ContactIdentity></ContactReference>"
               f"<Relation>{URI}RelationDescriptor#Grandmother</Relation><LivesWith>true</LivesWith>"
               "<EmergencyContactStatus>true</EmergencyContactStatus><ContactPriority>1</ContactPriority>"
               "<LegalGuardian>true</LegalGuardian></StudentContactAssociation>\n")


ATTENDANCE = (  # student, school, date, category code value, extra elements
    ("100001", "100", "2025-09-02", "Unexcused Absence", ""),
    ("100001", "100", "2025-09-03", "Excused Absence", ""),
    ("100001", "100", "2025-09-04", "Tardy", "<SchoolAttendanceDuration>150</SchoolAttendanceDuration>"
                                             "<ArrivalTime>10:30:00</ArrivalTime>"),
    ("100002", "200", "2025-09-22", "Unexcused Absence", "<EventDuration>0.5</EventDuration>"),
)


def attendance_event(sid, school, day, category, extra, *, date=True, flat=False):
    """Ed-Fi-Core.xsd 5.0: date, category and EventDuration in the <AttendanceEvent> common type, first;
    the school's minutes and the times after the references. `flat`: all of them directly under the
    event, as older and hand-made files have them."""
    event_date = f"<EventDate>{day}</EventDate>" if date else ""
    duration = extra if extra.startswith("<EventDuration>") else ""
    event = (f"{event_date}<AttendanceEventCategory>{URI}AttendanceEventCategoryDescriptor#{category}"
             f"</AttendanceEventCategory>{duration}")
    rest = extra[len(duration):]
    refs = f"{student_ref(sid)}{school_ref(school)}"
    body = f"{refs}{event}{rest}" if flat else f"<AttendanceEvent>{event}</AttendanceEvent>{refs}{rest}"
    return f"<StudentSchoolAttendanceEvent>{body}</StudentSchoolAttendanceEvent>\n"


def attendance(rows=ATTENDANCE, *, flat: bool = False) -> str:
    return doc("InterchangeStudentAttendance", "".join(attendance_event(*r, flat=flat) for r in rows))


def discipline() -> str:
    return doc("InterchangeStudentDiscipline",
               f"<DisciplineIncident><IncidentIdentifier>INC-1</IncidentIdentifier>{school_ref(100)}"
               "<IncidentDate>2025-09-05</IncidentDate></DisciplineIncident>\n"
               f"<DisciplineAction><DisciplineActionIdentifier>OSS-1</DisciplineActionIdentifier>"
               f"<Discipline>{URI}DisciplineDescriptor#Out of School Suspension</Discipline>"
               f"<DisciplineDate>2025-09-08</DisciplineDate>{student_ref('100001')}"
               "<DisciplineActionLength>1</DisciplineActionLength>"
               "<StudentDisciplineIncidentBehaviorAssociationReference>"
               "<StudentDisciplineIncidentBehaviorAssociationIdentity>"
               f"{student_ref('100001')}<DisciplineIncidentReference><DisciplineIncidentIdentity>"
               f"<IncidentIdentifier>INC-1</IncidentIdentifier>{school_ref(100)}</DisciplineIncidentIdentity>"
               "</DisciplineIncidentReference></StudentDisciplineIncidentBehaviorAssociationIdentity>"
               "</StudentDisciplineIncidentBehaviorAssociationReference>"
               f"{school_ref(100, 'ResponsibilitySchoolReference')}</DisciplineAction>\n")


def programs() -> str:
    program_ref = ("<ProgramReference><ProgramIdentity><EducationOrganizationReference><EducationOrganizationIdentity>"
                   "<EducationOrganizationId>24</EducationOrganizationId></EducationOrganizationIdentity>"
                   "</EducationOrganizationReference><ProgramName>{name}</ProgramName>"
                   f"<ProgramType>{URI}ProgramTypeDescriptor#{{kind}}</ProgramType></ProgramIdentity>"
                   "</ProgramReference>")
    return doc("InterchangeStudentProgram",
               f"<StudentHomelessProgramAssociation>{student_ref('100002')}"
               f"{program_ref.format(name='McKinney-Vento', kind='Homeless')}<BeginDate>2025-09-01</BeginDate>"
               f"<HomelessPrimaryNighttimeResidence>{URI}HomelessPrimaryNighttimeResidenceDescriptor#Doubled-up"
               "</HomelessPrimaryNighttimeResidence><HomelessUnaccompaniedYouth>false</HomelessUnaccompaniedYouth>"
               "</StudentHomelessProgramAssociation>\n"
               f"<StudentSection504ProgramAssociation>{student_ref('100001')}"
               f"{program_ref.format(name='504', kind='Section 504 Placement')}<BeginDate>2025-09-01</BeginDate>"
               "<EndDate>2025-09-10</EndDate><Section504Eligibility>true</Section504Eligibility>"
               "</StudentSection504ProgramAssociation>\n")


FILES = {"EducationOrganization.xml": edorg, "EducationOrgCalendar.xml": calendar, "Student.xml": students,
         "Contact.xml": contacts, "StudentEnrollment.xml": enrollments, "StudentAttendance.xml": attendance,
         "StudentDiscipline.xml": discipline, "StudentProgram.xml": programs}


def write_edfi(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, build in FILES.items():
        (folder / name).write_text(build(), encoding="utf-8")
    return folder


# The same data as plain CSV, one file per kind, in the order a run must take them.
def write_csv(folder: Path) -> list[tuple[str, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    listed = "".join(f"100,{d.isoformat()},instructional\n" for d in weekdays())
    files = {
        "schools": "school_id,name,level,street,city,state,postal_code\n"
                   "100,Lakeside Elementary,elementary,100 Main St,Sampleton,MD,21000\n"
                   "200,Pine Middle,middle,200 Main St,Sampleton,MD,21000\n",
        "calendar": "school_id,date,kind\n" + listed + "100,2025-09-29,holiday\n200,2025-09-19,holiday\n",
        "sessions": "school_id,school_year,name,begin,end,term,total_instructional_days\n"
                    "100,2026,Fall 100,2025-09-01,2025-09-26,Fall Semester,20\n"
                    "200,2026,Fall 200,2025-09-01,2025-09-26,Fall Semester,19\n",
        "grading_periods": "school_id,school_year,kind,sequence,name,begin,end\n"
                           + "".join(f"{s},2026,quarter,1,First Quarter,2025-09-01,2025-09-12\n"
                                     f"{s},2026,quarter,2,Second Quarter,2025-09-15,2025-09-26\n" for s in (100, 200)),
        "students": "student_id,first_name,last_name,birth_date,grade,sex\n"
                    "100001,Avery,Testcase,2014-05-17,05,F\n100002,Blake,Samplerow,2012-01-09,07,M\n",
        "guardians": "guardian_id,first_name,last_name,phone,email\n"
                     "G-1,Casey,Testcase,410-555-0100,casey@example.org\n",
        "student_guardians": "student_id,guardian_id,relationship,lives_with,has_custody,emergency_contact,"
                             "contact_order\n100001,G-1,grandmother,yes,yes,yes,1\n",
        "enrollments": "student_id,school_id,entry_date,grade\n100001,100,2025-09-01,05\n100002,200,2025-09-01,07\n",
        "attendance": "student_id,school_id,date,descriptor,minutes_present,event_duration,arrival_time\n"
                      "100001,100,2025-09-02,Unexcused Absence,,,\n100001,100,2025-09-03,Excused Absence,,,\n"
                      "100001,100,2025-09-04,Tardy,150,,10:30\n100002,200,2025-09-22,Unexcused Absence,,0.5,\n",
        "discipline": "student_id,school_id,action_id,start_date,descriptor,length_days,incident_id,incident_date\n"
                      "100001,100,OSS-1,2025-09-08,Out of School Suspension,1,INC-1,2025-09-05\n",
        "programs": "student_id,program,program_name,begin,end,nighttime_residence,unaccompanied_youth\n"
                    "100002,homeless,McKinney-Vento,2025-09-01,,doubled_up,no\n"
                    "100001,section_504,504,2025-09-01,2025-09-10,,\n",
    }
    out = []
    for kind, body in files.items():
        path = folder / f"{kind}.csv"
        path.write_text(body, encoding="utf-8")
        out.append((kind, path))
    return out
