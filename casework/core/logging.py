import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class StripQueryStringFilter(logging.Filter):
    """Drop query strings from logged lines: a search for a child's name must not reach the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub("", record.msg)
        if record.args:
            # Mapping args and objects whose str() holds a URL (a request, say): check the final line.
            try:
                message = record.getMessage()
            except Exception:  # a malformed call: leave it to logging's own error report
                return True
            clean = _QUERY.sub("", message)
            if clean != message:
                record.msg, record.args = clean, None
        return True
