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


class HiddenFieldFilled(EngageError):
    """A public form came back with its honeypot filled in: most often a bot, but now and then
    a resident's browser filling in forms for them. Nothing is saved; a person gets their words
    back with this message, which says what to do."""

    title = "This form could not be sent"

    def __init__(self, what: str, then: str):
        super().__init__(
            f"We have not sent {what} yet. A hidden box that catches spam was filled in, "
            f"perhaps by your browser filling in the form for you. {then} If this message "
            "comes back, turn off autofill for this website in your browser’s settings."
        )


class ImportError_(EngageError):  # noqa: N801 - "ImportError" is a builtin
    title = "The file could not be imported"


class ReachImportError(ImportError_):
    """A reach file (population or deprivation) that saves nothing: every problem, the first
    MAX_ERRORS shown, after "Nothing was imported." as a sentence of their own."""

    MAX_ERRORS = 20

    def __init__(self, problems: list[str]):
        shown = problems[: self.MAX_ERRORS]
        more = len(problems) - len(shown)
        message = "; ".join(shown) + (f"; and {more} more" if more else "")
        super().__init__(f"Nothing was imported. {message[:1].upper()}{message[1:]}")
        self.problems = problems
