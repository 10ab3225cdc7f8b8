"""The documentation site (``docs/``, built by ``bash scripts/docs.sh``).

Quick tests, without Sphinx: every public name has a docstring and a place in the generated
API reference; the generated conventions and CLI pages cover every conversion and subcommand;
the gallery draws every plot; the README fragments the site includes are there, and the
README links the entry page and every page of the site.

``test_docs_build`` (slow) builds the whole site as ``scripts/docs.sh`` does (warnings as
errors, nitpicky cross-references, notebooks executed) into a temporary directory; it is
skipped when the ``docs`` extra is not installed (``scripts/docs.sh`` installs it, and CI runs
that script after the test suite).
"""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import bayesreg

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import bayesreg_pages as docpages  # noqa: E402  (docs/_ext: the page generators, no Sphinx)

#: What ``conf.py`` loads (``sphinx-mathjax-offline`` is imported by that name).
DOCS_MODULES = (
    "sphinx",
    "pydata_sphinx_theme",
    "numpydoc",
    "myst_nb",
    "sphinx_copybutton",
    "sphinx-mathjax-offline",
)


def _documented_names() -> set[str]:
    """Fully qualified names listed by the autosummary blocks of the generated API pages."""
    names: set[str] = set()
    for page in docpages.api_pages():
        module = None
        in_summary = False
        for line in docpages.module_page_rst(page).splitlines():
            if m := re.match(r"\.\. currentmodule:: (\S+)", line):
                module, in_summary = m.group(1), False
            elif line.startswith(".. autosummary::"):
                in_summary = True
            elif in_summary and re.match(r"   [A-Za-z_][\w.]*$", line):
                names.add(f"{module}.{line.strip()}")
            elif in_summary and line and not line.startswith("   "):
                in_summary = False
    return names


def test_every_public_name_has_a_docstring() -> None:
    missing = [
        name
        for name in docpages.public_names()
        if not (inspect.getdoc(getattr(bayesreg, name)) or "").strip()
    ]
    assert not missing, f"public names without a docstring: {missing}"


def test_every_public_name_is_in_the_api_reference() -> None:
    documented = _documented_names()
    missing = [n for n in docpages.public_names() if f"bayesreg.{n}" not in documented]
    assert not missing, f"public names missing from the API reference: {missing}"
    assert "__version__" not in {n.rsplit(".", 1)[1] for n in documented}


def test_every_public_module_has_a_page() -> None:
    pages = {p.module for p in docpages.api_pages()}
    assert {"bayesreg", "bayesreg.conventions", "bayesreg.cli", "bayesreg.solvers.lasso"} <= pages
    assert not [m for m in pages if any(part.startswith("_") for part in m.split("."))]
    index = docpages.api_index_rst(docpages.api_pages())
    assert all(f"   {m}" in index for m in pages), "the API index must list every module page"


def test_conventions_tables_cover_every_conversion() -> None:
    text = docpages.conventions_rst()  # raises if a to_* and its from_* are not inverses
    conv = importlib.import_module("bayesreg.conventions")
    to_funcs = [n for n, f in inspect.getmembers(conv, inspect.isfunction) if n.startswith("to_")]
    assert to_funcs
    for name in to_funcs:
        assert f":func:`{name}(" in text, name
    # the formulas the README and the concepts page state
    assert r"\dfrac{\lambda}{2 n}" in text  # scikit-learn Lasso alpha, glmnet l1
    assert r"\dfrac{2 \phi}{b}" in text  # λ of a Laplace prior
    assert r"\dfrac{\phi}{\sigma'^{2}}" in text  # λ of a Gaussian prior


def test_fit_monomial_reads_formulas_and_refuses_others() -> None:
    from fractions import Fraction

    c, e = docpages.fit_monomial(lambda lam, n: lam / (2 * n), ["lam", "n"], integer=["n"])
    assert c == Fraction(1, 2) and e == {"lam": 1, "n": -1}
    assert docpages.monomial_tex(c, e) == r"\dfrac{\lambda}{2 n}"
    assert docpages.fit_monomial(lambda lam: lam + 1.0, ["lam"]) is None


def test_cli_reference_covers_every_subcommand_and_option() -> None:
    from bayesreg.cli import build_parser

    text = docpages.cli_rst()
    for name, _help, sub in docpages._subcommands(build_parser()):
        assert f"``bayesreg {name}``" in text
        for action in sub._actions:
            for opt in action.option_strings:
                if opt not in ("-h", "--help"):
                    assert f"``{opt}``" in text, (name, opt)


def test_gallery_draws_every_plot() -> None:
    from bayesreg import plots

    gallery = (DOCS / "gallery.md").read_text(encoding="utf-8")
    missing = [name for name in plots.__all__ if f"br.{name}(" not in gallery]
    assert not missing, f"plots without a gallery entry: {missing}"


def test_the_readme_fragments_the_site_includes_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for marker in re.findall(r":(?:start-after|end-before): (<!-- [^>]+ -->)", text):
            assert readme.count(marker) == 1, f"{page.name}: {marker} not once in README.md"
    assert "docs/_build/html/index.html" in readme


def _toctree_pages() -> list[str]:
    """The pages of the toctree of ``docs/index.md`` (the site's navigation)."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    block = index.split("```{toctree}")[1].split("```")[0]
    return [ln.strip() for ln in block.splitlines() if ln.strip() and not ln.startswith(":")]


def test_the_readme_links_every_page_of_the_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pages = _toctree_pages()
    # every Markdown page of docs/ is in the navigation (Sphinx would only warn at build time)
    assert {p.stem for p in DOCS.glob("*.md")} - {"index"} <= set(pages), pages
    assert "](docs/index.md)" in readme
    missing = [p for p in pages if f"](docs/{p}.md)" not in readme and "/" not in p]
    assert not missing, f"pages the README does not link: {missing}"
    assert "docs/_build/html/api/index.html" in readme


def _unrendered_math(html: str) -> list[str]:
    """Text of an HTML page that still holds ``$`` or LaTeX commands outside math and code."""
    body = html[html.find("<article") : html.find("</article>")]
    body = re.sub(r"<(pre|code|script)[^>]*>.*?</\1>", "", body, flags=re.S)
    body = re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', "", body, flags=re.S)
    text = re.sub(r"<[^>]+>", "", body)
    hits = re.finditer(r"\$|\\[a-zA-Z]{3,}", text)
    return [text[max(0, m.start() - 60) : m.end() + 60] for m in hits]


def _docs_extra_missing() -> list[str]:
    return [m for m in DOCS_MODULES if importlib.util.find_spec(m) is None]


@pytest.mark.slow
@pytest.mark.skipif(
    bool(_docs_extra_missing()),
    reason=f"the docs extra is not installed (missing: {', '.join(_docs_extra_missing())}); "
    "bash scripts/docs.sh installs it and builds the site",
)
def test_docs_build(tmp_path: Path) -> None:
    """The site builds with warnings as errors, as ``scripts/docs.sh`` builds it."""
    out = tmp_path / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-W", "--keep-going", "-n", "-q",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-5000:]
    for page in ("index", *_toctree_pages()):
        assert (out / f"{page}.html").is_file(), page
    for name in docpages.public_names():
        assert (out / "api" / "generated" / f"bayesreg.{name}.html").is_file(), name
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    for nb in notebooks:
        html = (out / "notebooks" / f"{nb.stem}.html").read_text(encoding="utf-8")
        assert "<img" in html, f"{nb.name}: rendered without figures"
    pages = [*(out / "notebooks").glob("*.html"), *out.glob("*.html")]
    broken = {p.name: bad for p in pages if (bad := _unrendered_math(p.read_text("utf-8")))}
    assert not broken, f"math left as text: {broken}"
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
