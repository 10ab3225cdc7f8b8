"""Sphinx extension of bayesreg's documentation: every reference page is generated from code.

* **API reference** (``api/``): written at ``config-inited`` (before autosummary reads the
  sources) from ``bayesreg_pages``, one page per public module.
* **Conventions** (directive ``bayesreg-conventions``) and the **CLI reference** (directive
  ``bayesreg-cli``): RST produced by ``bayesreg_pages`` when the page is read. Use them inside
  an ``{eval-rst}`` block on a MyST page (their content is reStructuredText).
* **Notebooks**: ``notebooks/*.ipynb`` copied into ``docs/notebooks/`` (git-ignored) for
  MyST-NB to execute and render.
* **References** written against a defining module (``bayesreg.sampling.sample``) or
  relative to it resolve to the documented public name (``bayesreg.sample``); references to
  real objects outside the API reference are shown as code; anything else stays an error.
* **Docstrings**: ``|x|`` (an absolute value in the package's plain-Unicode mathematics) is
  escaped so that reStructuredText does not read it as a substitution.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from bayesreg_pages import (
    PACKAGE,
    _lookup,
    api_index_rst,
    api_pages,
    cli_rst,
    conventions_rst,
    module_page_rst,
    public_names,
)
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def write_api_reference(app: Sphinx, config: Any) -> None:
    out = Path(app.srcdir) / "api"
    pages = api_pages()
    wanted = {"index.rst"} | {f"{p.module}.rst" for p in pages}
    for old in out.glob("*.rst"):
        if old.name not in wanted:
            old.unlink()
    # stubs of names no longer listed (autosummary writes stubs but never removes them)
    listed = {f"{name}.rst" for page in pages for name in page.names}
    for stub in (out / "generated").glob("*.rst"):
        if stub.name not in listed:
            stub.unlink()
    _write_if_changed(out / "index.rst", api_index_rst(pages))
    for page in pages:
        _write_if_changed(out / f"{page.module}.rst", module_page_rst(page))


def _candidates(target: str, module: str | None, cls: str | None) -> list[str]:
    """Where a (possibly relative) reference may point, most specific first."""
    out = []
    if module and cls:
        out.append(f"{module}.{cls}.{target}")
    if module:
        out.append(f"{module}.{target}")
    out.append(target)
    if module:  # the module that defines the documented object (bayesreg.X → its module)
        home = getattr(_lookup(f"{module}.{cls}" if cls else module), "__module__", None)
        if isinstance(home, str) and home.startswith(PACKAGE):
            if cls:
                out.append(f"{home}.{cls}.{target}")
            out.append(f"{home}.{target}")
    out.append(f"{PACKAGE}.{target}")
    return list(dict.fromkeys(out))


def _aliases(dotted: str, top: set[str]) -> list[str]:
    """``bayesreg.<module>.NAME[.attr]`` → also ``bayesreg.NAME[.attr]`` (documented there)."""
    parts = dotted.split(".")
    out = [dotted]
    if parts[0] == PACKAGE:
        out += [".".join([PACKAGE, *parts[i:]]) for i in range(2, len(parts)) if parts[i] in top]
    return out


def resolve_public_alias(
    app: Sphinx, env: Any, node: Any, contnode: nodes.Element
) -> nodes.Element | None:
    """Resolve a bayesreg reference that the Python domain did not find.

    A reference written against the defining module (``bayesreg.sampling.sample``), or
    relative to the documented object's module, is linked to the documented public name
    (``bayesreg.sample``). A reference to a real bayesreg object that is not in the API
    reference (a private module, a helper) is shown as code without a link. Anything else
    is left unresolved: nitpicky mode then reports it, and ``-W`` fails the build.
    """
    if node.get("refdomain") != "py":
        return None
    target = re.sub(r"\s+", "", node.get("reftarget", "")).lstrip(".~")
    module, cls = node.get("py:module"), node.get("py:class")
    top = set(public_names())
    domain = env.get_domain("py")
    candidates = _candidates(target, module, cls)
    # on an object's own page, also relative to the module that defines that object
    page = node.get("refdoc", "").rsplit("/", 1)[-1]
    home = getattr(_lookup(page), "__module__", None) if page.startswith(PACKAGE) else None
    if isinstance(home, str) and home.startswith(PACKAGE):
        candidates.append(f"{home}.{target}")
    for cand in candidates:
        for alias in _aliases(cand, top):
            if alias == target and not module:
                continue
            newnode = node.deepcopy()
            newnode["reftarget"] = alias
            newnode["refspecific"] = False
            found = domain.resolve_xref(
                env, node["refdoc"], app.builder, node["reftype"], alias, newnode, contnode
            )
            if found is not None:
                return found
    for cand in candidates:
        if cand.startswith(PACKAGE + ".") and _lookup(cand) is not None:
            return contnode  # a real object outside the API reference: code, no link
    return None


_PIPES = re.compile(r"(?<![\\\w|])\|(?=[^\s|])([^|\n]*?[^\s|\\])\|(?![\w|])")
_LITERAL = re.compile(r"(``.+?``|`[^`]+`)")


def escape_absolute_values(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """``|βⱼ|`` in a docstring is an absolute value, not an RST substitution: escape it.

    The package's docstrings write mathematics in plain Unicode, readable in ``help()``;
    the docs define no substitutions, so every ``|x|`` outside literals and roles is the
    absolute value or the cardinality it reads as.
    """
    for i, line in enumerate(lines):
        stripped = line.strip()
        if "|" not in line or stripped == "|" or stripped.startswith(("| ", "+-", "+=")):
            continue  # table rows and line blocks keep their syntax
        parts = _LITERAL.split(line)
        parts[::2] = [_PIPES.sub(r"\\|\1\\|", p) for p in parts[::2]]
        lines[i] = "".join(parts)


class ConventionsDirective(SphinxDirective):
    """``.. bayesreg-conventions::`` — the generated convention tables."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return _parse_rst(self, conventions_rst(), "bayesreg-conventions")


class CLIDirective(SphinxDirective):
    """``.. bayesreg-cli::`` — every subcommand of ``bayesreg.cli.build_parser()``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return _parse_rst(self, cli_rst(), "bayesreg-cli")


def _parse_rst(directive: SphinxDirective, text: str, source: str) -> list[nodes.Node]:
    container = nodes.section() if "\n---" in text else nodes.container()
    content = StringList(text.splitlines(), source=f"<{source}>")
    nested_parse_with_titles(directive.state, content, container)
    return list(container.children)


def sync_notebooks(app: Sphinx, config: Any) -> None:
    """Copy ``notebooks/*.ipynb`` to ``docs/notebooks/`` (only what changed; stale removed)."""
    src, dst = ROOT / "notebooks", Path(app.srcdir) / "notebooks"
    dst.mkdir(exist_ok=True)
    wanted = {p.name for p in src.glob("*.ipynb")}
    for old in dst.glob("*.ipynb"):
        if old.name not in wanted:
            old.unlink()
    for path in sorted(src.glob("*.ipynb")):
        target = dst / path.name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)


def skip_sklearn_machinery(app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any):
    """Leave out scikit-learn's generated metadata-routing methods (``set_fit_request`` …):
    they belong to scikit-learn's API, and their docstrings cite its own glossary."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-skip-member", skip_sklearn_machinery)
    app.connect("config-inited", write_api_reference)
    app.connect("config-inited", sync_notebooks)
    app.connect("missing-reference", resolve_public_alias)
    app.connect("autodoc-process-docstring", escape_absolute_values)
    app.add_directive("bayesreg-conventions", ConventionsDirective)
    app.add_directive("bayesreg-cli", CLIDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
