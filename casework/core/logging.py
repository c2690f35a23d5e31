import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")
# Paths whose last part is a credential: the personal calendar feed's secret (/feed/<token>.ics).
_SECRET_PATH = re.compile(r"(/feed/)[^/\s\"?]+")


def mask_path(text: str) -> str:
    """A logged path without its query string or a secret it carries."""
    return _SECRET_PATH.sub(r"\1[secret]", _QUERY.sub("", text))


class StripQueryStringFilter(logging.Filter):
    """Drop query strings from logged lines: a search for a child's name must not reach the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_path(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = mask_path(record.msg)
        if record.args:
            # Mapping args and objects whose str() holds a URL (a request, say): check the final line.
            try:
                message = record.getMessage()
            except Exception:  # a malformed call: leave it to logging's own error report
                return True
            clean = mask_path(message)
            if clean != message:
                record.msg, record.args = clean, None
        return True


def gunicorn_logger_class():
    """Gunicorn's logger with the request path masked in access lines (the format logs %(U)s, the path
    without its query string; the calendar feed's secret is in the path itself)."""
    from gunicorn.glogging import Logger

    class MaskedAccessLogger(Logger):
        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("U", "r"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = mask_path(atoms[key])
            return atoms

    return MaskedAccessLogger
