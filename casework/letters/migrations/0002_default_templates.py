"""The letters every district starts with, in English and Spanish (version 1 of each). Districts edit
them in the template editor (which saves new versions) and add languages there; this migration only
writes the first versions and never touches a template a district has already saved."""

from django.db import migrations

HEADER_EN = "{{ today }}\n\nStudent: {{ student_name }} (ID {{ student_id }}), {{ grade }}\nSchool: {{ school_name }}\nCase: {{ case_number }}"
HEADER_ES = "{{ today }}\n\nEstudiante: {{ student_name }} (ID {{ student_id }}), {{ grade }}\nEscuela: {{ school_name }}\nCaso: {{ case_number }}"
RECORD_EN = ("In the {{ period }}, {{ student_first_name }} has been absent {{ absence_count }} day(s); "
             "{{ unlawful_absence_count }} of those absences are unlawful (not excused under COMAR 13A.08.01.03). "
             "The unlawful absences were on: {{ absence_dates }}.")
RECORD_ES = ("En {{ period }}, {{ student_first_name }} ha faltado {{ absence_count }} día(s) a la "
             "escuela; {{ unlawful_absence_count }} de esas ausencias son injustificadas (no justificadas según "
             "COMAR 13A.08.01.03). Las ausencias injustificadas fueron en estas fechas: {{ absence_dates }}.")
SIGN_EN = "Sincerely,\n\n\n{{ ppw_name }}\nPupil Personnel Worker, {{ school_name }}\n{{ ppw_phone }}"
SIGN_ES = "Atentamente,\n\n\n{{ ppw_name }}\nTrabajador(a) de Servicios al Alumno (Pupil Personnel Worker), {{ school_name }}\n{{ ppw_phone }}"
LAW_EN = ("Maryland law requires every child from 5 through 17 years of age to attend school regularly during the "
          "entire school year ({{ law_cited }}). A parent or guardian who fails to see that the child attends "
          "school may be referred to the Truancy Review Board or the District Court.")
LAW_ES = ("La ley de Maryland exige que todo niño o joven de 5 a 17 años asista a la escuela con regularidad durante "
          "todo el año escolar ({{ law_cited }}). El padre, la madre o el tutor que no se asegure de que el "
          "estudiante asista a la escuela puede ser remitido a la Junta de Revisión de Ausentismo Escolar "
          "(Truancy Review Board) o al Tribunal de Distrito.")

TEMPLATES = {
    ("tier1_letter", "en"): ("Tier 1 attendance warning letter", f"""{HEADER_EN}

## Notice of unlawful absences

Dear {{{{ guardian_name }}}}:

We are writing because regular attendance matters to {{{{ student_first_name }}}}'s success, and our records show absences that concern us.

{RECORD_EN}

{LAW_EN}

We want to help. If something is making it hard for {{{{ student_first_name }}}} to get to school (health, transportation, housing, or anything else), please call us at {{{{ school_phone }}}} so we can work on it together. If any of these absences should be excused, please send the note or documentation to the school office.

{SIGN_EN}"""),
    ("tier1_letter", "es"): ("Tier 1 attendance warning letter", f"""{HEADER_ES}

## Aviso de ausencias injustificadas

Estimado(a) {{{{ guardian_name }}}}:

Le escribimos porque la asistencia regular es muy importante para el éxito escolar de {{{{ student_first_name }}}}, y nuestros registros muestran ausencias que nos preocupan.

{RECORD_ES}

{LAW_ES}

Queremos ayudarle. Si algo le dificulta a {{{{ student_first_name }}}} llegar a la escuela (salud, transporte, vivienda u otra situación), le rogamos que nos llame al {{{{ school_phone }}}} para buscar una solución juntos. Si alguna de estas ausencias debe justificarse, por favor envíe la nota o el documento correspondiente a la oficina de la escuela.

{SIGN_ES}"""),
    ("conference_invitation", "en"): ("Invitation to an attendance conference", f"""{HEADER_EN}

## Invitation to an attendance conference

Dear {{{{ guardian_name }}}}:

{RECORD_EN}

We invite you to a conference with the school team to understand what is keeping {{{{ student_first_name }}}} from school and to agree on an attendance improvement plan.

Date: ______________________   Time: ____________   Place: ______________________

If this time does not work for you, please call {{{{ ppw_name }}}} at {{{{ ppw_phone }}}} to arrange another. An interpreter can be provided at no cost.

{LAW_EN}

{SIGN_EN}"""),
    ("conference_invitation", "es"): ("Invitation to an attendance conference", f"""{HEADER_ES}

## Invitación a una reunión sobre la asistencia escolar

Estimado(a) {{{{ guardian_name }}}}:

{RECORD_ES}

Le invitamos a una reunión con el equipo escolar para entender qué le impide a {{{{ student_first_name }}}} asistir a la escuela y acordar juntos un plan para mejorar su asistencia.

Fecha: ______________________   Hora: ____________   Lugar: ______________________

Si no puede asistir en ese horario, por favor llame a {{{{ ppw_name }}}} al {{{{ ppw_phone }}}} para fijar otra fecha. Podemos ofrecerle un intérprete sin costo alguno.

{LAW_ES}

{SIGN_ES}"""),
    ("hearing_notice", "en"): ("Notice of attendance hearing", f"""{HEADER_EN}

## Notice of attendance hearing

Dear {{{{ guardian_name }}}}:

Despite the letters, contacts and conferences so far, {{{{ student_first_name }}}}'s attendance has not improved. {RECORD_EN}

You are asked to attend an attendance hearing with the Pupil Personnel Worker and a school administrator. At the hearing we will review the attendance record, the help offered so far, and an attendance contract.

Date: ______________________   Time: ____________   Place: ______________________

Your attendance is required. {LAW_EN}

Please call {{{{ ppw_name }}}} at {{{{ ppw_phone }}}} if you have questions or need an interpreter.

{SIGN_EN}"""),
    ("hearing_notice", "es"): ("Notice of attendance hearing", f"""{HEADER_ES}

## Aviso de audiencia sobre la asistencia escolar

Estimado(a) {{{{ guardian_name }}}}:

A pesar de las cartas, los contactos y las reuniones realizados hasta ahora, la asistencia de {{{{ student_first_name }}}} no ha mejorado. {RECORD_ES}

Se le pide asistir a una audiencia sobre la asistencia escolar con el Trabajador(a) de Servicios al Alumno y un administrador de la escuela. En la audiencia revisaremos el registro de asistencia, la ayuda ofrecida hasta la fecha y un contrato de asistencia.

Fecha: ______________________   Hora: ____________   Lugar: ______________________

Su presencia es obligatoria. {LAW_ES}

Si tiene preguntas o necesita un intérprete, por favor llame a {{{{ ppw_name }}}} al {{{{ ppw_phone }}}}.

{SIGN_ES}"""),
    ("attendance_contract", "en"): ("Attendance contract", f"""{HEADER_EN}

## Attendance contract

This contract is made between {{{{ school_name }}}}, {{{{ student_name }}}} and {{{{ guardian_name }}}}, parent or guardian, under {{{{ law_cited }}}}.

{RECORD_EN}

The student agrees to attend school every day, on time, unless lawfully absent, and to bring a written excuse after every absence.

The parent or guardian agrees to make sure the student attends school, to call the school on the morning of any absence, and to keep in contact with the Pupil Personnel Worker.

The school agrees to: ____________________________________________________________

Review date: ______________________

If the contract is not kept, the case may be referred to the Truancy Review Board.

Student: ______________________________   Date: __________

Parent/guardian: ______________________________   Date: __________

Pupil Personnel Worker ({{{{ ppw_name }}}}): ______________________________   Date: __________

Administrator: ______________________________   Date: __________"""),
    ("attendance_contract", "es"): ("Attendance contract", f"""{HEADER_ES}

## Contrato de asistencia escolar

Este contrato se celebra entre {{{{ school_name }}}}, {{{{ student_name }}}} y {{{{ guardian_name }}}}, en calidad de padre, madre o tutor, conforme a {{{{ law_cited }}}}.

{RECORD_ES}

El estudiante se compromete a asistir a la escuela todos los días y a llegar puntualmente, salvo ausencia justificada, y a entregar una justificación por escrito después de cada ausencia.

El padre, la madre o el tutor se compromete a asegurarse de que el estudiante asista a la escuela, a llamar a la escuela la mañana de cualquier ausencia y a mantenerse en contacto con el Trabajador(a) de Servicios al Alumno.

La escuela se compromete a: ____________________________________________________________

Fecha de revisión: ______________________

Si no se cumple este contrato, el caso podrá ser remitido a la Junta de Revisión de Ausentismo Escolar.

Estudiante: ______________________________   Fecha: __________

Padre, madre o tutor: ______________________________   Fecha: __________

Trabajador(a) de Servicios al Alumno ({{{{ ppw_name }}}}): ______________________________   Fecha: __________

Administrador(a): ______________________________   Fecha: __________"""),
    ("review_board_referral", "en"): ("Referral to the Truancy Review Board", f"""{HEADER_EN}

## Referral to the Truancy Review Board

Dear {{{{ guardian_name }}}}:

We are writing to let you know that {{{{ student_first_name }}}}'s case has been referred to the Interagency Truancy Review Board.

{RECORD_EN}

The school and the Pupil Personnel Worker have sent letters, contacted your family and met with you to try to improve attendance. Because the absences have continued, the Board will review the case and may make recommendations or require services. You will receive a notice of the date of the Board's meeting, and you are expected to attend with {{{{ student_first_name }}}}.

{LAW_EN}

It is not too late to improve. Please call {{{{ ppw_name }}}} at {{{{ ppw_phone }}}}.

{SIGN_EN}"""),
    ("review_board_referral", "es"): ("Referral to the Truancy Review Board", f"""{HEADER_ES}

## Remisión a la Junta de Revisión de Ausentismo Escolar

Estimado(a) {{{{ guardian_name }}}}:

Le escribimos para informarle que el caso de {{{{ student_first_name }}}} ha sido remitido a la Junta Interinstitucional de Revisión de Ausentismo Escolar (Interagency Truancy Review Board).

{RECORD_ES}

La escuela y el Trabajador(a) de Servicios al Alumno le han enviado cartas, se han comunicado con su familia y se han reunido con usted para tratar de mejorar la asistencia. Como las ausencias han continuado, la Junta revisará el caso y podrá hacer recomendaciones o exigir servicios. Usted recibirá un aviso con la fecha de la reunión de la Junta, a la cual se espera que asista junto con {{{{ student_first_name }}}}.

{LAW_ES}

Todavía está a tiempo de mejorar la situación. Por favor llame a {{{{ ppw_name }}}} al {{{{ ppw_phone }}}}.

{SIGN_ES}"""),
    ("petition_cover", "en"): ("District Court petition cover letter", f"""{HEADER_EN}

## Notice of petition to the District Court

Dear {{{{ guardian_name }}}}:

This is to inform you that the school system has filed a petition with the District Court of Maryland concerning the school attendance of {{{{ student_name }}}} (date of birth {{{{ date_of_birth }}}}, age {{{{ age }}}}), a student at {{{{ school_name }}}}, under {{{{ law_cited }}}}.

{RECORD_EN}

The petition is accompanied by the attendance record, the letters sent with their mailing dates, the contacts and conferences held, and the services offered. The court will notify you of the hearing date. If you have questions, you may call {{{{ ppw_name }}}} at {{{{ ppw_phone }}}}.

{SIGN_EN}"""),
    ("petition_cover", "es"): ("District Court petition cover letter", f"""{HEADER_ES}

## Aviso de petición ante el Tribunal de Distrito

Estimado(a) {{{{ guardian_name }}}}:

Le informamos que el sistema escolar ha presentado ante el Tribunal de Distrito de Maryland una petición relativa a la asistencia escolar de {{{{ student_name }}}} (fecha de nacimiento {{{{ date_of_birth }}}}, {{{{ age }}}} años), estudiante de {{{{ school_name }}}}, conforme a {{{{ law_cited }}}}.

{RECORD_ES}

La petición va acompañada del registro de asistencia, las cartas enviadas con sus fechas de envío, los contactos y reuniones realizados y los servicios ofrecidos. El tribunal le notificará la fecha de la audiencia. Si tiene preguntas, puede llamar a {{{{ ppw_name }}}} al {{{{ ppw_phone }}}}.

{SIGN_ES}"""),
}


def forwards(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for (key, language), (title, body) in TEMPLATES.items():
        if not LetterTemplate.objects.filter(key=key, language=language).exists():
            LetterTemplate.objects.create(key=key, language=language, version=1, title=title, body=body,
                                          is_active=True)


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
