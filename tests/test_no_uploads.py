"""Concordance stores text only: no model or form anywhere has a file, image or media field."""

from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models


def test_no_model_has_a_file_or_image_field():
    offending = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    assert offending == []


def test_no_form_in_the_product_has_a_file_field():
    import importlib
    import inspect
    import pkgutil

    offending = []
    for app in ("accounts", "training", "quiz"):
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, form_class in inspect.getmembers(module, inspect.isclass):
                if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                    fields = getattr(form_class, "base_fields", {})
                    offending += [
                        f"{module.__name__}.{form_class.__name__}.{name}"
                        for name, field in fields.items()
                        if isinstance(field, forms.FileField)
                    ]

    assert offending == []


def test_uploads_are_refused_by_configuration():
    assert settings.FILE_UPLOAD_HANDLERS == []
