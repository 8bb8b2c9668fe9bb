"""gunicorn's settings for `make serve`, from the environment (README "Running in production").

gunicorn's master starts WEB_WORKERS web processes and starts a new one whenever one exits;
supervisord (supervisord-serve.conf) restarts the master itself if it exits.
"""

import os

bind = os.environ.get("SERVE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
# Threads per web process (gthread when above 1): a slow request (a password hash, a large
# export) leaves the process's other threads to other pages. Sign-ins hashing at once are
# bounded per process by SIGNIN_CONCURRENT_HASHES.
threads = int(os.environ.get("WEB_THREADS", "4"))
# A request running longer than this is killed (its worker restarted); long work belongs in
# the background worker.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 20
# Only a proxy at these addresses may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# One line per request to stdout, beside the application's logs.
accesslog = "-"
errorlog = "-"
access_log_format = (
    'event=request method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s '
    "duration_ms=%(M)s remote=%(h)s"
)
wsgi_app = "portal.wsgi:application"
control_socket_disable = True  # supervisorctl manages the processes
