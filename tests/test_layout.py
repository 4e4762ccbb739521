"""The package layout the README describes is the real one: every module its table names imports, each
kind of document's package depends only downward, and no module holds two ideas' worth of lines."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
WHERE = README[README.index("## Where things are") :]

BOTTOM = {
    "jixiao.model",
    "jixiao.fmt",
    "jixiao.grading",
    "jixiao.safe_text",
    "jixiao.settings",
    "jixiao.perf",
    "jixiao.naming",
}
DOMAINS = ("summary", "forms", "final_accounts")


def _jixiao_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jixiao"):
            if node.module == "jixiao":
                out |= {f"jixiao.{a.name}" for a in node.names}
            else:
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("jixiao")}
    return out


def test_every_module_the_readme_names_exists_and_imports():
    paths = sorted(set(re.findall(r"`((?:jixiao|components|pages)/[\w/]+\.py)`", WHERE)))
    assert len(paths) > 20
    for rel in paths:
        assert (ROOT / rel).is_file(), rel
        if not rel.startswith("pages/"):  # page scripts run only under streamlit
            importlib.import_module(rel[:-3].replace("/", "."))


def test_ingest_imports_no_domain_code():
    for path in (ROOT / "jixiao" / "ingest").glob("*.py"):
        for mod in _jixiao_imports(path):
            assert mod in BOTTOM or mod.startswith("jixiao.ingest"), (path.name, mod)


def test_each_domain_package_depends_only_downward():
    for pkg in DOMAINS:
        for path in (ROOT / "jixiao" / pkg).glob("*.py"):
            for mod in _jixiao_imports(path):
                allowed = mod in BOTTOM or mod.startswith(("jixiao.ingest", f"jixiao.{pkg}"))
                assert allowed, (f"{pkg}/{path.name}", mod)


def test_export_has_no_import_cycle():
    shared = _jixiao_imports(ROOT / "jixiao" / "export" / "common.py")
    assert not {m for m in shared if m.startswith("jixiao.export")}
    for name in ("html", "pptx", "xlsx"):
        assert "jixiao.export.bundle" not in _jixiao_imports(ROOT / "jixiao" / "export" / f"{name}.py")


def test_no_domain_module_imports_streamlit_or_grows_past_600_lines():
    for path in (ROOT / "jixiao").rglob("*.py"):
        text = path.read_text("utf-8")
        assert "import streamlit" not in text and "from streamlit" not in text, path
        assert len(text.splitlines()) <= 600, (path, len(text.splitlines()))
