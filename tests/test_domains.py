"""One list of domains (crm/domains.py) and one extension mechanism (crm/registry.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import crm
from crm import create_app, domains, registry, scheduler
from crm.extensions import db
from crm.jobs.services import resolve
from tests.support import BASE_TEST_CONFIG

NOT_DOMAINS = {"static", "translations"}  # folders of crm/ that hold no Python package


def build():
    return create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_package_of_crm_is_a_listed_domain():
    packages = {p.parent.name for p in Path(crm.__file__).parent.glob("*/__init__.py")}
    assert packages - NOT_DOMAINS == set(domains.DOMAINS)


def test_the_app_registers_each_domains_blueprint_models_and_commands():
    app = build()
    with_blueprint = {d for d in domains.DOMAINS if hasattr(domains.package(d), "bp")}
    assert set(app.blueprints) == with_blueprint
    tables = {t.name for t in db.metadata.sorted_tables}
    assert {"contact", "interaction", "release", "article", "digest_delivery", "job_run",
            "audit_entry"} <= tables
    for module in domains.modules("cli"):
        for command in module.commands:
            assert app.cli.commands[command.name] is command


def test_every_job_is_a_function_of_a_listed_domain():
    build()
    for spec in scheduler.JOBS:
        module, _, _function = spec.func.partition(":")
        package, domain, *_rest = module.split(".")
        assert package == "crm" and domain in domains.DOMAINS, spec.id
        assert callable(resolve(spec.func)), spec.id


def test_building_the_app_again_registers_nothing_twice():
    build()
    before = {name: list(r.items()) for name, r in vars(registry).items()
              if isinstance(r, registry.Registry)}
    build()
    after = {name: list(r.items()) for name, r in vars(registry).items()
             if isinstance(r, registry.Registry)}
    # every extension point of crm/registry.py, AFTER_POLL and ARTICLE_SECTIONS included
    assert after == before and len(before) == 9


def test_registry_lists_by_order_then_first_registration_and_replaces_in_place():
    entries = registry.Registry("test", reserved=frozenset({"export"}))
    entries.register("b", 1)
    entries.register("a", 2, order=10)
    entries.register("c", 3)
    entries["b"] = 4
    assert list(entries.items()) == [("a", 2), ("b", 4), ("c", 3)]
    del entries["a"]
    assert list(entries) == ["b", "c"]
    for bad in ("export", "", None):
        with pytest.raises(ValueError):
            entries.register(bad, 5)


def test_the_contact_page_parts_are_collected_by_the_view_not_the_template():
    app = build()
    assert not {"contact_actions", "contact_panels", "contact_sections"} & set(
        app.jinja_env.globals)
    source = Path(app.template_folder, "contacts", "detail.html")
    assert "page_parts." in (Path(app.root_path) / source).read_text(encoding="utf-8")
