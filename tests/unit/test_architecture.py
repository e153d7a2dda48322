"""The domain package never depends on the UI."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "campaigns"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_never_imports_streamlit_or_ui() -> None:
    offenders = {
        str(path.relative_to(DOMAIN.parent)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in {"streamlit", "ui", "pages"}
        )
        for path in DOMAIN.rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}


def test_the_import_check_sees_a_streamlit_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom streamlit import session_state\n", encoding="utf-8")
    assert "streamlit" in imported_modules(sample)
