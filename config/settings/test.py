from config.env import env_str

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Tasks run in the request that enqueued them (after its transaction commits); the worker tests
# switch to the database backend and to RQ and run the real workers.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# The RQ worker tests use their own Redis database, emptied around each test.
RQ_QUEUES = {"default": {"URL": env_str("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"), "DEFAULT_TIMEOUT": 300}}
