from django.db import models


class TaskKind(models.TextChoices):
    TASK = "task", "Task"
    MEETING = "meeting", "Meeting"  # has a start time and a place: conferences, IEP/504, SST meetings


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
