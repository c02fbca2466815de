"""Domain exceptions: services raise them, views turn them into form errors or 4xx pages."""


class EngageError(Exception):
    """Base of the domain errors; `status` is the HTTP status a view answers with."""

    status = 400
    title = "There is a problem"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAccepting(EngageError):
    """The consultation is not open, so it accepts nothing."""

    status = 403
    title = "This consultation is not taking part now"


class RateLimited(EngageError):
    status = 429
    title = "Too many attempts from your connection"

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidFormToken(EngageError):
    title = "This form could not be sent"


class ImportError_(EngageError):  # noqa: N801 - "ImportError" is a builtin
    title = "The file could not be imported"


class ReachImportError(ImportError_):
    """A reach file (population or deprivation) that saves nothing: every problem, the first
    MAX_ERRORS shown."""

    MAX_ERRORS = 20

    def __init__(self, problems: list[str]):
        shown = problems[: self.MAX_ERRORS]
        more = len(problems) - len(shown)
        message = "; ".join(shown) + (f"; and {more} more" if more else "")
        super().__init__(f"Nothing was imported. {message}")
        self.problems = problems
