"""Settings shared by every environment; production differs only by environment variables."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str, required_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = env_bool("DEBUG", default=False)
# With DEBUG off a missing key stops start-up (ImproperlyConfigured naming the variable):
# a server must never sign sessions or encrypt student passwords with a key in the code.
_INSECURE_KEY = "django-insecure-homeroom-development-key-change-me"
SECRET_KEY = required_secret("SECRET_KEY", debug=DEBUG, development_default=_INSECURE_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Student passwords are encrypted at rest (see README "Student passwords"). In development
# (DEBUG on) a blank key falls back to SECRET_KEY (rostering.passwords).
STUDENT_PASSWORD_KEY = required_secret("STUDENT_PASSWORD_KEY", debug=DEBUG, development_default="")

# The folder set aside for districts' SIS drop folders: each district may use only
# <SYNC_FOLDER_ROOT>/<its short name> and folders inside it (rostering/sync/folders.py).
# Blank (the default): the folder source is off and districts upload OneRoster zips.
SYNC_FOLDER_ROOT = env_str("SYNC_FOLDER_ROOT", "")

INSTALLED_APPS = [
    "accounts.admin_site.SupportAdminConfig",  # django.contrib.admin, support staff only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "rostering",
    "rostering.imports",
    "rostering.sync",
    "rostering.export_jobs",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "accounts.context_processors.scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'homeroom.sqlite3'}"),
        conn_max_age=60,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]
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
WHITENOISE_USE_FINDERS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/homeroom.html"  # aria-sort and an arrow

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
FILE_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# ---- Stored uploads (hardening: no plain-text password kept) ------------------------------
# Uploaded import files, assisted submissions' files and kept sync snapshots are encrypted
# with the student-password key and deleted this many days after the upload by
# `python manage.py purge_uploads` (run it daily from cron). Imports keep their counts and
# results; held sync runs keep their snapshot until decided.
UPLOAD_RETENTION_DAYS = int(env_str("UPLOAD_RETENTION_DAYS", "30"))

# --- Background worker and SQLite (issue 9, finding 4) --------------------------------------
# `python manage.py worker` polls for queued tasks every WORKER_POLL_INTERVAL seconds while idle,
# and, while the database is unreachable, retries with exponential back-off (0.5 s doubling)
# waiting at most WORKER_RETRY_MAX_DELAY seconds between two tries.
WORKER_POLL_INTERVAL = float(env_str("WORKER_POLL_INTERVAL", "1"))
WORKER_RETRY_MAX_DELAY = float(env_str("WORKER_RETRY_MAX_DELAY", "30"))
# On SQLite the web server and the worker share one file: WAL lets readers run beside the one
# writer, IMMEDIATE transactions take the write lock at BEGIN (so a transaction never fails
# half-way when it first writes), and a writer waits up to SQLITE_BUSY_TIMEOUT seconds for the
# lock, longer than the longest job holds it (an undo or an import commit).
SQLITE_BUSY_TIMEOUT = float(env_str("SQLITE_BUSY_TIMEOUT", "300"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT,
        }
    )

# --- Sign-in throttling (django-axes; accounts/signin_throttle.py) ---------------------------
# Wrong passwords lock the account after SIGNIN_FAILURE_LIMIT failures, and the client address
# after SIGNIN_ADDRESS_FAILURE_LIMIT failures (for any accounts: higher, since a school signs in
# from one address), for SIGNIN_LOCKOUT_MINUTES after the last failure. A locked sign-in never
# reaches the password hasher. Support lifts a lock in the admin (Access attempts: delete) or
# with `manage.py axes_reset_username USERNAME` / `axes_reset_ip ADDRESS` / `axes_reset`.
# Behind a reverse proxy set SIGNIN_CLIENT_IP_HEADER to the header it sets (X-Forwarded-For,
# X-Real-IP); blank (the default) uses the connection's address, as a client can forge headers.
SIGNIN_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("SIGNIN_ADDRESS_FAILURE_LIMIT", 30)
SIGNIN_LOCKOUT_MINUTES = env_int("SIGNIN_LOCKOUT_MINUTES", 15)
SIGNIN_CLIENT_IP_HEADER = env_str("SIGNIN_CLIENT_IP_HEADER", "")

INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "accounts.signin_throttle.SignInThrottleBackend",  # first: a locked sign-in stops here
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.signin_throttle.SignInThrottleHandler"
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=SIGNIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.signin_throttle.username_of"
AXES_CLIENT_IP_CALLABLE = "accounts.signin_throttle.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.signin_throttle.lockout_response"
# Attempts made while locked are not counted, so a lock ends SIGNIN_LOCKOUT_MINUTES after the
# failure that caused it (the time the message names) and an attack writes nothing more.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

# ---- Upload limits --------------------------------------------------------------------------
# What one upload may hold before anything in it is read (rostering/upload_limits.py). A
# 10,000-row template with every column is about 3 MB; a 200,000-student district's OneRoster
# zip is tens of MB and a few hundred MB once unzipped. Over a limit, the upload is refused
# with a sentence saying what to do, and nothing is written.
# One uploaded template file as sent: CSV or Excel.
UPLOAD_MAX_FILE_MB = int(env_str("UPLOAD_MAX_FILE_MB", "20"))
# One uploaded OneRoster zip as sent (the Sync settings page, the OneRoster import).
UPLOAD_MAX_SNAPSHOT_MB = int(env_str("UPLOAD_MAX_SNAPSHOT_MB", "200"))
# One import or sync snapshot: all the CSV files of a OneRoster set together, once unzipped.
UPLOAD_MAX_IMPORT_MB = int(env_str("UPLOAD_MAX_IMPORT_MB", "1024"))
# Entries in one zip (a OneRoster set, or an Excel workbook, which is a zip of XML parts).
UPLOAD_MAX_ZIP_MEMBERS = int(env_str("UPLOAD_MAX_ZIP_MEMBERS", "500"))
# How many times a zip member (over 1 MB) may expand; CSV and XML expand 5-30 times, bombs 1000.
UPLOAD_MAX_ZIP_RATIO = int(env_str("UPLOAD_MAX_ZIP_RATIO", "100"))
# Characters in one cell of a template file (CSV or Excel).
UPLOAD_MAX_CELL_CHARS = int(env_str("UPLOAD_MAX_CELL_CHARS", "10000"))
# Cells read from one template file, blank ones included (10,000 rows of 100 columns).
UPLOAD_MAX_CELLS = int(env_str("UPLOAD_MAX_CELLS", "1000000"))

# ---- Background jobs: liveness (imports, sync runs) -------------------------------------------
# A running job or run stamps a heartbeat every JOB_HEARTBEAT_SECONDS; one silent for
# JOB_STALE_SECONDS lost its worker and is marked failed (pages, queuing a sync and
# `manage.py fail_stale_jobs` check). Keep the limit well above the heartbeat: on SQLite a
# beat cannot be written while the job's own transaction holds the write lock.
# Work queued for WORKER_WARNING_SECONDS without a worker says the worker may be down.
JOB_HEARTBEAT_SECONDS = float(env_str("JOB_HEARTBEAT_SECONDS", "10"))
JOB_STALE_SECONDS = int(env_str("JOB_STALE_SECONDS", "300"))
WORKER_WARNING_SECONDS = int(env_str("WORKER_WARNING_SECONDS", "30"))

# ---- Single sign-on (issue 14; accounts/sso/) ------------------------------------------------
# Educators of automated districts sign in through their district's OpenID Connect provider
# (mozilla-django-oidc; each district's provider, client and secret are in its
# SignOnConfiguration, not here). A session begun that way lasts SSO_SESSION_HOURS.
SSO_SESSION_HOURS = float(env_str("SSO_SESSION_HOURS", "12"))
# `manage.py seed_demo` points the demo district at this provider when set (README).
DEMO_OIDC_ISSUER = env_str("HOMEROOM_DEMO_OIDC_ISSUER", "")
INSTALLED_APPS.append("accounts.sso")
AUTHENTICATION_BACKENDS.append("accounts.sso.backend.DistrictOIDCBackend")
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_CREATE_USER = False
OIDC_STORE_ACCESS_TOKEN = False
OIDC_STORE_ID_TOKEN = False
OIDC_TIMEOUT = 10
# ---- Production server (issue 12: make serve, health, alerts, logs) -------------------------
# collectstatic writes here (whitenoise serves it under gunicorn); default var/staticfiles.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(STATIC_ROOT)))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Health (/healthz, `manage.py check_health`): unhealthy when no background worker stamped its
# heartbeat (every JOB_HEARTBEAT_SECONDS) within this many seconds. Load balancers probe over
# plain HTTP, so /healthz is not redirected to HTTPS.
WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 60)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The background workers queue the scheduled syncs that are due (rostering/worker_chores.py);
# 0 leaves it to `run_due_syncs` from cron. Both together are safe: each slot runs once.
WORKER_RUNS_SCHEDULE = env_bool("WORKER_RUNS_SCHEDULE", True)
# Email alerts (rostering/alerts.py): a district's administrators (and support staff, for
# failures) get one email when a sync fails or is held or an import fails, with a link built
# on PORTAL_BASE_URL. Mail goes through Django's SMTP settings below.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Homeroom <homeroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Logs: one key=value line per job start and end (homeroom.jobs) and per request error
# (django.request, 5xx) on stdout; everything else as before on stderr at LOG_LEVEL.
LOGGING["formatters"] = {
    "job": {"()": "portal.log_format.JobFormatter"},
    "request_error": {"()": "portal.log_format.RequestErrorFormatter"},
}
LOGGING["handlers"].update(
    {
        "jobs_stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "job",
        },
        "request_errors_stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "request_error",
            "level": "ERROR",
        },
    }
)
LOGGING["loggers"] = {
    "homeroom.jobs": {"handlers": ["jobs_stdout"], "level": "INFO", "propagate": False},
    "django.request": {"handlers": ["request_errors_stdout"], "level": "ERROR"},
}

# ---- Product-styled error pages under DEBUG (issue 13) --------------------------------------
# With DEBUG on (make run) people still see Homeroom's 404 and 500 pages; set
# TECHNICAL_ERROR_PAGES=1 for Django's technical pages (tracebacks) while developing.
TECHNICAL_ERROR_PAGES = env_bool("TECHNICAL_ERROR_PAGES", False)
if DEBUG and not TECHNICAL_ERROR_PAGES:
    MIDDLEWARE.insert(0, "portal.error_pages.ProductErrorPagesMiddleware")

# ---- Bounded concurrent sign-ins (issue 12) ---------------------------------------------------
# Bounded concurrent sign-ins: at most SIGNIN_CONCURRENT_HASHES password checks at once per
# web process (accounts.signin_concurrency); one more waits SIGNIN_WAIT_SECONDS, then is asked
# to try again (503), so a sign-in flood leaves the web threads to other pages.
SIGNIN_CONCURRENT_HASHES = env_int("SIGNIN_CONCURRENT_HASHES", 2)
SIGNIN_WAIT_SECONDS = float(env_str("SIGNIN_WAIT_SECONDS", "5"))
MIDDLEWARE.append("accounts.signin_concurrency.SignInConcurrencyMiddleware")

# --- Whole-list exports (issue 12; rostering/export_jobs) -----------------------------------
# A list's Export CSV of more than EXPORT_BACKGROUND_ROWS records (Students, Educators,
# Classes/Groups) is written by a background worker instead of streamed: the user gets a page
# that waits for it and then offers the download, to them only. The file is stored encrypted
# and deleted by purge_uploads after UPLOAD_RETENTION_DAYS.
EXPORT_BACKGROUND_ROWS = int(env_str("EXPORT_BACKGROUND_ROWS", "20000"))

# --- Honest results (issue 11; rostering/outcome.py) -----------------------------------------
# import_roster and sync_district exit 1 when records were sent but none, or more than this
# share (percent) of one file's records (users, classes, template rows), could be rostered,
# and say why in one sentence naming the first refused record.
ROSTER_REFUSED_SHARE_PERCENT = env_int("ROSTER_REFUSED_SHARE_PERCENT", 50)
