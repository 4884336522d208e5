"""Configuration classes, read from the environment when the app is created, never at import."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment; each is built from the environment on creation."""

    ENV_NAME = "production"
    DEBUG = False
    TESTING = False

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = self.database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SQLALCHEMY_RECORD_QUERIES = False

        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
        self.SESSION_COOKIE_NAME = "tracker_session"
        self.PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_MINUTES", 8 * 60) * 60
        self.REMEMBER_COOKIE_DURATION = 0
        self.WTF_CSRF_TIME_LIMIT = _env_int("CSRF_TIME_LIMIT_SECONDS", 8 * 3600)

        # scrypt with n=2**17, r=8, p=1: about 128 MiB and a few hundred milliseconds a hash.
        self.PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
        self.INVITATION_DAYS = _env_int("INVITATION_DAYS", 7)

        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = _env_int("MAIL_PORT", 587)
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
        self.MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "tracker@localhost")
        self.MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT_SECONDS", 10)

        self.DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")
        # Contribution attachments, under server-made names; keep it out of any web root.
        self.UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE_DIR / "uploads")
        self.PAGE_SIZE = _env_int("PAGE_SIZE", 25)
        self.REPORT_PAGE_SIZE = _env_int("REPORT_PAGE_SIZE", 200)
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
        self.SERVER_NAME = os.environ.get("SERVER_NAME") or None
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    @staticmethod
    def database_url() -> str:
        """DATABASE_URL, or a SQLite file in instance/ when unset."""
        url = os.environ.get("DATABASE_URL", "")
        if not url:
            return f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite'}"
        # Hosting platforms often hand out postgres:// URLs; psycopg 3 needs its own driver name.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
        return url


class DevelopmentConfig(Config):
    """Local development: a fixed fallback secret, cookies over plain HTTP."""

    ENV_NAME = "development"
    DEBUG = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or "development-only-secret-key-not-for-production"
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")


class TestingConfig(Config):
    """The test suite: CSRF off unless a test turns it on, its own database."""

    ENV_NAME = "testing"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or "testing-only-secret-key"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or self.database_url()
        self.WTF_CSRF_ENABLED = False
        self.SESSION_COOKIE_SECURE = False
        self.MAIL_SERVER = ""
        self.PREFERRED_URL_SCHEME = "http"
        self.SERVER_NAME = None


class ProductionConfig(Config):
    """Production: a SECRET_KEY is required."""


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> Config:
    """Build the config named by `name` or TRACKER_ENV (production when unset)."""
    name = name or os.environ.get("TRACKER_ENV", "production")
    if name not in CONFIGS:
        raise RuntimeError(f"TRACKER_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    config = CONFIGS[name]()
    if not config.SECRET_KEY:
        raise RuntimeError(
            "SECRET_KEY is not set. Set it to a long random value "
            '(python -c "import secrets; print(secrets.token_hex(32))").'
        )
    return config
