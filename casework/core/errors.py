from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """The record changed since the caller read it; the caller must reload and redo the edit."""

    def __init__(self, model_label: str, pk, expected: int, actual: int):
        self.expected, self.actual = expected, actual
        super().__init__(
            f"This {model_label} was changed by someone else (version {actual}, you edited version "
            f"{expected}). Reload it and make your change again."
        )


__all__ = ["ConflictError", "ValidationError"]
