"""The one list of Pressdesk's domains, and what the app loads from each of them.

A domain is a package `crm/<name>/` that may have, by convention:

- `bp` in its `__init__.py`: its blueprint, registered by `create_app` in this order;
- `models.py`: its tables (every one is imported before the mappers configure, so SQLAlchemy
  and Alembic know the whole schema);
- `cli.py` with a list `commands`: its `crm` commands;
- `hooks.py` with a function `register()`: its entries in the extension points of
  `crm/registry.py` (menus, contact page, digest sections, privacy parts), called by
  `create_app`;
- service functions that `crm/scheduler.py`'s JOBS name (a test checks each job belongs to
  a domain listed here).

Adding a domain means adding its name here; forgetting a module import cannot drop its part.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

DOMAINS = ("auth", "audit", "contacts", "interactions", "releases", "bounces", "monitoring",
           "campaigns", "digest", "jobs", "privacy", "demo", "alerts")


def package(domain: str) -> ModuleType:
    return import_module(f"crm.{domain}")


def modules(name: str) -> list[ModuleType]:
    """Each domain's module `crm.<domain>.<name>`, for the domains that have one."""
    found = []
    for domain in DOMAINS:
        module_name = f"crm.{domain}.{name}"
        if find_spec(module_name) is not None:
            found.append(import_module(module_name))
    return found


def blueprints() -> list:
    return [package(d).bp for d in DOMAINS if hasattr(package(d), "bp")]


def load_models() -> None:
    modules("models")


def commands() -> list:
    return [command for module in modules("cli") for command in module.commands]


def register_hooks() -> None:
    for module in modules("hooks"):
        module.register()
