import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker: move it out
# of the garbage collector's generations, so that a full collection in the middle of a request
# does not walk it all again (and pages shared after a fork stay shared).
gc.freeze()
