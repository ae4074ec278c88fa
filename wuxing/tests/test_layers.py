"""The layer contracts of docs/architecture.md (pyproject.toml, [tool.importlinter]) hold, and they would catch
an import that breaks them: an upward import, a cycle between domain apps, or a domain app reaching into another's
models instead of its selectors."""

from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application import use_cases

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _report(monkeypatch, planted=()):
    """The import-linter report on the real import graph, with `planted` (importer, imported) edges added."""
    build = use_cases._build_graph

    def build_and_plant(**kwargs):
        graph = build(**kwargs)
        for importer, imported in planted:
            graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="planted")
        return graph

    configuration.configure()
    use_cases._register_built_in_contract_types()
    monkeypatch.setattr(use_cases, "_build_graph", build_and_plant)
    options = use_cases.read_user_options(config_filename=str(PYPROJECT))
    return use_cases.create_report(options, cache_dir=None)


def _broken(report) -> set[str]:
    return {contract.name for contract, check in report.get_contracts_and_checks() if not check.kept}


def test_the_tree_keeps_every_contract(monkeypatch):
    report = _report(monkeypatch)
    assert not report.could_not_run
    assert _broken(report) == set()
    assert report.kept_count >= 2


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        # The foundation importing upward.
        ("wuxing.core.models", "wuxing.org.models", "Layers"),
        ("wuxing.org.views", "wuxing.campaigns.selectors", "Layers"),
        ("wuxing.campaigns.services", "wuxing.checklists.services", "Layers"),
        ("wuxing.checklists.views", "wuxing.portal.views", "Layers"),
        # Two apps of one band reading each other, even through selectors.
        ("wuxing.showcase.forms", "wuxing.liaison.forms", "Layers"),
        # A domain app reaching into another's models instead of its selectors.
        ("wuxing.checklists.services", "wuxing.targets.models", "Domain apps"),
    ],
)
def test_a_planted_violation_breaks_its_contract(monkeypatch, importer, imported, contract):
    broken = _broken(_report(monkeypatch, planted=[(importer, imported)]))
    assert any(name.startswith(contract) for name in broken), broken
