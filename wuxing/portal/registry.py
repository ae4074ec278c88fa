"""The project's own apps, in layer order (settings.WUXING_APPS), and the conventional modules they contribute.

The one list that INSTALLED_APPS, the URL configuration, the API router, the demo loader, the navigation and the
access tests all read: a new app is added to settings.WUXING_DOMAIN_APPS and nowhere else.
"""

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.apps import AppConfig, apps
from django.conf import settings


def project_apps() -> list[AppConfig]:
    """The AppConfigs of settings.WUXING_APPS, bottom layer first."""
    return [apps.get_app_config(name.rsplit(".", 1)[-1]) for name in settings.WUXING_APPS]


def domain_apps() -> list[AppConfig]:
    return [apps.get_app_config(name.rsplit(".", 1)[-1]) for name in settings.WUXING_DOMAIN_APPS]


def app_module(config: AppConfig, module: str) -> ModuleType | None:
    """`<app>.<module>` (e.g. `api`, `demo`, `urls`, `public_urls`) when the app has one, else None."""
    name = f"{config.name}.{module}"
    if find_spec(name) is None:
        return None
    return import_module(name)


def contributions(module: str, configs=None) -> list[tuple[AppConfig, ModuleType]]:
    """Every project app's `<module>`, in layer order."""
    found = []
    for config in configs if configs is not None else project_apps():
        mod = app_module(config, module)
        if mod is not None:
            found.append((config, mod))
    return found
