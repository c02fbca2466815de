"""Settings for each environment, read from the environment.

Literal secrets exist only for development and tests; production refuses to start without
SECRET_KEY.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ENGAGE_INSTANCE_DIR", BASE_DIR / "instance"))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'engage.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    PARTNERSHIP_NAME = os.environ.get("PARTNERSHIP_NAME", "Derby City Partnership")
    # Where residents write about the site, their data or another format (footer, privacy
    # notice, accessibility statement). The default is the demo's: set it for a real site.
    PARTNERSHIP_EMAIL = os.environ.get("PARTNERSHIP_EMAIL", "engage@derby-partnership.example")
    # Anonymous submissions allowed per client address in each window; 0 turns the limit off.
    SUBMISSION_RATE_LIMIT = _int("SUBMISSION_RATE_LIMIT", 20)
    SUBMISSION_RATE_WINDOW = _int("SUBMISSION_RATE_WINDOW", 3600)
    # A form token older than this asks the resident to check and send again.
    FORM_TOKEN_MAX_AGE = _int("FORM_TOKEN_MAX_AGE", 24 * 3600)
    # How many proxies in front of the app set X-Forwarded-For (0: trust none).
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    WTF_CSRF_TIME_LIMIT = None  # the session cookie bounds the token's life
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    # The photo entry form alone takes bodies up to this size, so that a phone photo over the
    # 10 MB photo limit reaches the form, which says so and keeps what was typed.
    PHOTO_FORM_MAX_CONTENT_LENGTH = _int("PHOTO_FORM_MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    # Likewise the workshop sheet upload: a sheet over the 5 MB sheet limit gets the form's own
    # message, with the partner, event and date kept.
    SHEET_FORM_MAX_CONTENT_LENGTH = _int("SHEET_FORM_MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    # And the reach imports: a national file (10 to 15 MB) is read, and one over the 32 MB
    # import limit gets the reach page's own message.
    REACH_FORM_MAX_CONTENT_LENGTH = _int("REACH_FORM_MAX_CONTENT_LENGTH", 50 * 1024 * 1024)
    WISHES_PER_PAGE = 20
    # Staff sessions end after this long idle, and after this long in any case.
    STAFF_IDLE_MINUTES = _int("STAFF_IDLE_MINUTES", 30)
    STAFF_MAX_HOURS = _int("STAFF_MAX_HOURS", 12)
    QUEUE_PER_PAGE = 25
    # The photo competition: entries per client address per SUBMISSION_RATE_WINDOW, and votes
    # per client address per competition per VOTE_RATE_WINDOW (0 turns a limit off).
    PHOTO_ENTRY_RATE_LIMIT = _int("PHOTO_ENTRY_RATE_LIMIT", 10)
    VOTE_RATE_LIMIT = _int("VOTE_RATE_LIMIT", 20)
    VOTE_RATE_WINDOW = _int("VOTE_RATE_WINDOW", 24 * 3600)
    PHOTOS_PER_PAGE = 24
    # Where photos are kept (engage.storage): "filesystem" under UPLOAD_FOLDER, or "s3": a bucket
    # on S3 or an S3-compatible store; keys unset fall back to boto3's own (instance roles...).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "photos/")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    # Background jobs (engage.jobs): "thread" runs them in this process, "inline" at once, "rq"
    # sends them to RQ workers through the Redis server at REDIS_URL (the default when it is set).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOB_BACKEND = os.environ.get("JOB_BACKEND", "rq" if REDIS_URL else "thread")
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "engage")
    JOB_TIMEOUT = _int("JOB_TIMEOUT", 3 * 3600)
    JOB_RETRY_DELAY = _int("JOB_RETRY_DELAY", 2)
    # Thread backend: a running job touches its row this often; one silent for the second
    # figure lost its process and is tried again (engage.jobs.recover_stalled).
    JOB_HEARTBEAT_SECONDS = _int("JOB_HEARTBEAT_SECONDS", 30)
    JOB_STALL_SECONDS = _int("JOB_STALL_SECONDS", 300)
    WORKSPACE_PER_PAGE = 50
    # Privacy (see README, "Privacy"). The audit log of staff actions: JSON lines, UTC, no
    # personal data. Mail to residents goes through engage.mail; "file" writes each message to
    # MAIL_FOLDER and logs that it did.
    AUDIT_LOG = os.environ.get("AUDIT_LOG", str(INSTANCE_DIR / "audit.log"))
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "file")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER", str(INSTANCE_DIR / "mail"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "engage@localhost")
    # Residents' rights links: hours a link lasts; requests per client address per hour.
    RIGHTS_LINK_HOURS = _int("RIGHTS_LINK_HOURS", 24)
    RIGHTS_RATE_LIMIT = _int("RIGHTS_RATE_LIMIT", 10)
    # Retention (`flask engage retention`): months after a consultation closes that contact
    # details are kept; months after a competition's voting closes that full-size photos and
    # entrants' emails are kept; days that client addresses (rate-limit counters) and used or
    # expired rights links are kept.
    RETENTION_CONTACT_MONTHS = _int("RETENTION_CONTACT_MONTHS", 6)
    RETENTION_PHOTO_ORIGINAL_MONTHS = _int("RETENTION_PHOTO_ORIGINAL_MONTHS", 0)
    RETENTION_ENTRANT_CONTACT_MONTHS = _int("RETENTION_ENTRANT_CONTACT_MONTHS", 6)
    RETENTION_CLIENT_ADDRESS_DAYS = _int("RETENTION_CLIENT_ADDRESS_DAYS", 30)
    RETENTION_RIGHTS_LINK_DAYS = _int("RETENTION_RIGHTS_LINK_DAYS", 30)
    RETENTION_HELD_PHOTO_DAYS = _int("RETENTION_HELD_PHOTO_DAYS", 1)
    RETENTION_WORKSHOP_SHEET_DAYS = _int("RETENTION_WORKSHOP_SHEET_DAYS", 7)


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class TestConfig(Config):
    TESTING = True
    MAIL_BACKEND = "memory"
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SUBMISSION_RATE_LIMIT = 0
    PHOTO_ENTRY_RATE_LIMIT = 0
    JOB_BACKEND = "inline"
    JOB_RETRY_DELAY = 0


class ProductionConfig(Config):
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
