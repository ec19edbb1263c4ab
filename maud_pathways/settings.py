"""Settings for MAUD Pathways, read from the environment.

Defaults are safe for production (DEBUG off, secure cookies); the quick-start
script sets DEBUG=1 and a development SECRET_KEY explicitly.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"
    else:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable (DEBUG is off).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "patients",
    "wellness",
    "referrals",
    "security",
    "maud_pathways",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "maud_pathways.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language) until the staff member's own setting applies, below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A staff member's chosen language (StaffMember.language) over the browser's.
    "patients.languages.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Remembers a browser after a right password: it is not slowed when someone else guesses that account.
    "security.middleware.KnownBrowserMiddleware",
    # Idle and absolute session limits, then two-factor verification, before any view runs.
    "security.middleware.SessionTimeoutMiddleware",
    "security.middleware.TwoFactorMiddleware",
    "maud_pathways.middleware.ClinicTimeZoneMiddleware",
    "patients.audit.PatientAuditMiddleware",
    # A record outside the caseload (when the clinic limits it) shows the "break the glass" page.
    "patients.emergency.EmergencyAccessMiddleware",
    # django-axes turns a locked-out login attempt into the locked-out page; it must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "maud_pathways.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maud_pathways.context_processors.navigation",
                "security.context_processors.session_timeout",
            ],
        },
    },
]

WSGI_APPLICATION = "maud_pathways.wsgi.application"

# Database: a SQLite file unless DATABASE_URL names another (PostgreSQL via psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing on SQLite.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spent over 4 s compiling the clinic overview's aggregate query that then ran in
    # 0.25 s (10,000 patients). A web app's queries are short, so JIT stays off for the app's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Prepared statements. PostgreSQL spent longer planning the pages' queries than running them (the patient
    # page's pathway query: about 20 ms to plan, 2 ms to run). With server-side binding psycopg prepares a query
    # the second time a connection runs it, and PostgreSQL reuses the plan. Behind PgBouncer in transaction mode
    # older than 1.21 (or without max_prepared_statements), set DB_PREPARE_THRESHOLD=0 to turn this off.
    _prepare = int(os.environ.get("DB_PREPARE_THRESHOLD", "2"))
    if _prepare > 0:
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=_prepare)

# Behind PgBouncer in transaction mode a server-side cursor cannot outlive its transaction: set
# DISABLE_SERVER_SIDE_CURSORS=1 (and DB_CONN_MAX_AGE=0, PgBouncer keeps the connections).
if env_bool("DISABLE_SERVER_SIDE_CURSORS", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# Caches. "default" holds the limits on password guessing and reset e-mails (security/limits.py): every gunicorn
# worker and every app server must see the same counts (a per-process memory cache would multiply every limit by
# the number of workers), so it is a database table by default (made by migrate, security migration 0004).
# "figures" keeps the clinic overview's figures for a minute: local memory in each process is enough. Set
# CACHE_URL to a Redis server the app servers share (Django's own Redis backend, redis-py as the client), e.g.
# redis://127.0.0.1:6379/0, and both live there. Sessions, lockouts (django-axes) and records stay in PostgreSQL.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a Redis URL (redis://, rediss:// or unix://).")
    _prefix = os.environ.get("CACHE_KEY_PREFIX", "maud-pathways")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                    "KEY_PREFIX": _prefix},
        "figures": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                    "KEY_PREFIX": f"{_prefix}-figures"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "security_cache"},
        "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "maud-pathways-figures"},
    }
# Seconds the clinic overview's figures are kept for the same clinic and period (0: not cached).
OVERVIEW_CACHE_SECONDS = int(os.environ.get("OVERVIEW_CACHE_SECONDS", "60"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "patients.StaffMember"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2id first; the others only check (and upgrade on login) hashes made before the switch.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# At least 12 characters, not a common password, not made from the person's own names; no upper limit, so long
# passphrases are welcome.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "security.password_validation.PersonalNamePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages of the interface and of patient material. Staff pick theirs on their account (blank: the browser's);
# patient material follows the patient's preferred language when the catalogue has it (patients/languages.py).
# Adding one: README, "How to add a language".
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times: each language's formats (maud_pathways/formats/<code>/formats.py) over Django's own.
FORMAT_MODULE_PATH = ["maud_pathways.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site root by WhiteNoise (not under STATIC_URL): /favicon.ico, which browsers ask for.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request size: Django's limit of 1,000 fields per request is kept on purpose (a treatment plan with every list
# full, the largest form, posts about 740). Every formset caps its forms (max_num = absolute_max, validate_max).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail (password reset). SMTP when EMAIL_HOST is set; otherwise the console backend, which writes e-mails (and
# so reset links) to the server's log.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "MAUD Pathways <no-reply@localhost>")
# Password reset by e-mail: on when an e-mail server is configured (or when debugging). Off, the login page says
# so and the reset pages send nothing. Turned on without an e-mail server (DEBUG off), the app refuses to start:
# reset links written to the log would let anyone who reads the log take over accounts.
PASSWORD_RESET_BY_EMAIL = env_bool("PASSWORD_RESET_BY_EMAIL", bool(EMAIL_HOST) or DEBUG)
EMAIL_BACKENDS_THAT_WRITE_TO_LOGS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
if PASSWORD_RESET_BY_EMAIL and not DEBUG and EMAIL_BACKEND in EMAIL_BACKENDS_THAT_WRITE_TO_LOGS:
    raise ImproperlyConfigured(
        "PASSWORD_RESET_BY_EMAIL is on but no e-mail server is configured, so reset links would be written to "
        "the server's log. Set EMAIL_HOST (with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
        "DEFAULT_FROM_EMAIL), or leave PASSWORD_RESET_BY_EMAIL off (staff who forget their password then ask "
        "their clinic admin)."
    )

# Security: secure by default, relaxed only when DEBUG is on (local quick start).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Sessions live in the database. SESSION_COOKIE_AGE is the absolute limit (12 hours by default);
# SESSION_IDLE_TIMEOUT logs a staff member out after that many seconds without a request, and the
# browser warns SESSION_IDLE_WARNING seconds before (static/js/session-timeout.js).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 60 * 60)))
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(15 * 60)))
SESSION_IDLE_WARNING = int(os.environ.get("SESSION_IDLE_WARNING", "120"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): everything from our own origin, no inline scripts or styles.
# data: images are Bootstrap's inline SVG icons and the two-factor QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Lockout (django-axes): 5 failed logins for the same username from the same address lock that
# pair for 15 minutes (a fixed window: more tries while locked do not extend it). A success resets.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "patients.backends.StaffBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# One client-address function for everything (audit trail, login log, staff sessions): behind the proxy it reads
# the address the proxy appended. Lockout counts an IPv6 address's whole /64 as one sender.
CLIENT_IP_CALLABLE = "security.network.client_ip"
AXES_CLIENT_IP_CALLABLE = "security.network.address_for_limits"

# Two-factor authentication (django-otp): TOTP apps plus single-use recovery codes.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "MAUD Pathways")
# Re-enter the password before changing two-factor settings if it was last entered longer ago.
REAUTHENTICATION_MAX_AGE = int(os.environ.get("REAUTHENTICATION_MAX_AGE", "300"))

PATIENTS_PER_PAGE = int(os.environ.get("PATIENTS_PER_PAGE", "25"))
# Emergency access ("break the glass") to a record outside one's caseload lasts this many hours.
EMERGENCY_ACCESS_HOURS = int(os.environ.get("EMERGENCY_ACCESS_HOURS", "4"))
# FHIR export: the base of each bundle entry's fullUrl and of the MRN identifier system. Set it to a URL
# the clinic controls (e.g. its FHIR server's base); ".invalid" never resolves (RFC 2606).
FHIR_BASE_URL = os.environ.get("FHIR_BASE_URL", "https://maud-pathways.invalid/fhir")

# 42 CFR 2.32(a): the statement given with each disclosure made with the patient's consent, verbatim:
# "statement_1" (the full statement, the default) or "statement_2" (the short one).
PART2_NOTICE = os.environ.get("PART2_NOTICE", "statement_1")
if PART2_NOTICE not in ("statement_1", "statement_2"):
    raise ImproperlyConfigured("PART2_NOTICE must be statement_1 or statement_2.")

# What one stop's page shows of another, composed in maud_pathways (the apps do not import each other).
TREATMENT_PLAN_COMPANION = "maud_pathways.stop_links.plan_companion"
RECOVERY_CAPITAL_RESOURCES = "maud_pathways.stop_links.gap_resources"

# Logging: requests are logged by path only; paths carry opaque ids, never patient data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Every login attempt, success or failure, with username and address (never the password).
    "loggers": {"security.auth": {"level": "INFO"}},
}


# The patient's own link (referrals/patient_link/): how long it stays open after the meeting, where the reminders
# command builds its addresses and how text messages go out. The pages are in the patient's language
# (patients/languages.py).
PATIENT_LINK_DAYS = int(os.environ.get("PATIENT_LINK_DAYS", "30"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
TEXT_MESSAGE_BACKEND = os.environ.get("TEXT_MESSAGE_BACKEND", "referrals.patient_link.messaging.ConsoleTextBackend")
