from django.db import models


class Role(models.TextChoices):
    DIRECTOR = "director", "PPS director"
    SUPERVISOR = "supervisor", "PPS supervisor"
    PPW = "ppw", "Pupil personnel worker"
    SCHOOL_ADMIN = "school_admin", "School administrator"
    SCHOOL_STAFF = "school_staff", "School staff"
    DATA_STEWARD = "data_steward", "Data steward"
    AUDITOR = "auditor", "Auditor / records custodian"


# Roles that are meaningless without a school (their scope is the school).
SCHOOL_SCOPED_ROLES = {Role.PPW, Role.SCHOOL_ADMIN, Role.SCHOOL_STAFF}
