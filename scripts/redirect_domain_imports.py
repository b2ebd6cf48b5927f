"""
Point imports of a domain's private modules at the domain's api (ADR 0017), for code written before the domain had
one or on a branch that did not know it yet.

    python scripts/redirect_domain_imports.py check      # list the imports to redirect and what the apis lack
    python scripts/redirect_domain_imports.py rewrite    # rewrite them in place (then: ruff check --fix; ruff format)

A domain is a package of ``perf_mgmt_plugin`` with an ``api.py``. From outside a domain:

* ``from ..<domain>.<module> import A, B`` becomes ``from ..<domain>.api import A, B``;
* ``from ..<domain> import <module>`` becomes ``from ..<domain> import api as <domain>_api``, and every
  ``<module>.name`` in the same function (or module, for a module-level import) becomes ``<domain>_api.name``.

Names two modules of a domain share are exported under the names of ``RENAMES``. ``check`` lists every name an api
must export for the rewrite to work (add them to the api and its ``__all__`` first). The app's composition root
(``models``, ``apps``, ``rules``), migrations and the admin's registration of each domain's ``admin`` module are
left alone, as ``.importlinter`` allows them. Reads and writes files only; imports nothing of the plugin.
"""

import ast
import collections
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = "perf_mgmt_plugin"
#: Importers the contracts allow to reach into a domain (the app's composition root).
EXEMPT_IMPORTERS = {f"{PACKAGE}.models", f"{PACKAGE}.apps", f"{PACKAGE}.rules"}
#: Modules whose imports are registrations, not uses (admin modules, retirement steps).
EXEMPT_MODULES = {"admin", "retirement", "api"}
#: (domain, module, name) -> the name the domain's api exports it as.
RENAMES = {
    ("competencies", "gaps", "export_csv"): "export_gaps_csv",
    ("competencies", "transfer", "export_csv"): "export_framework_csv",
    ("competencies", "transfer", "parse_upload"): "parse_framework_upload",
    ("competencies", "gaps", "BATCH_SIZE"): "GAP_BATCH_SIZE",
    ("appraisals", "actions", "MANAGE"): "MANAGE_FOLLOW_UP",
    ("appraisals", "coaching", "ASSIGN"): "ASSIGN_COACH",
}


def domains(root):
    return sorted(p.parent.name for p in (root / PACKAGE).glob("*/api.py"))


def module_name(root, path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def target_of(importer, is_package, node):
    if not node.level:
        return node.module or ""
    base = (importer if is_package else importer.rsplit(".", 1)[0]).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def domain_of(module, known):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == PACKAGE and parts[1] in known else None


def top_level_names(root, domain, module):
    """The names ``perf_mgmt_plugin/<domain>/<module>.py`` defines or imports at module level."""
    path = root / PACKAGE / domain / f"{module}.py"
    if not path.exists():
        return set()
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def exported(domain, module, name):
    return RENAMES.get((domain, module, name), name)


def find(root):
    """The imports to redirect, and per domain the names its api must export."""
    known = domains(root)
    needed = collections.defaultdict(set)
    sites = []
    attr_cache = {}
    paths = sorted((root / PACKAGE).rglob("*.py")) + sorted((root / "xblocks").rglob("*.py"))
    for path in paths:
        importer = module_name(root, path)
        if ".migrations" in importer or importer in EXEMPT_IMPORTERS:
            continue
        source = path.read_text()
        tree = ast.parse(source)
        lines = source.splitlines()
        functions = [
            (n.lineno, n.end_lineno) for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            target = target_of(importer, path.name == "__init__.py", node)
            domain = domain_of(target, known)
            if domain is None or domain_of(importer, known) == domain:
                continue
            parts = target.split(".")
            enclosing = [f for f in functions if f[0] <= node.lineno <= f[1]]
            scope = min(enclosing, key=lambda f: f[1] - f[0]) if enclosing else (1, len(lines))
            if len(parts) == 2:  # from ..<domain> import module[, module]
                modules = []
                for alias in node.names:
                    if alias.name in EXEMPT_MODULES:
                        continue
                    local = alias.asname or alias.name
                    key = (domain, alias.name)
                    if key not in attr_cache:
                        attr_cache[key] = top_level_names(root, domain, alias.name)
                    body = "\n".join(lines[scope[0] - 1 : scope[1]])
                    used = set(re.findall(r"(?<![\w.])" + re.escape(local) + r"\.(\w+)", body)) & attr_cache[key]
                    needed[domain].update(exported(domain, alias.name, name) for name in used)
                    modules.append((alias.name, local))
                if modules:
                    sites.append({"path": path, "node": node, "domain": domain, "modules": modules, "scope": scope})
            elif len(parts) == 3 and parts[2] not in EXEMPT_MODULES:
                needed[domain].update(exported(domain, parts[2], a.name) for a in node.names)
                sites.append({"path": path, "node": node, "domain": domain, "module": parts[2], "scope": scope})
    return sites, needed, attr_cache


def missing_from_apis(root, needed):
    missing = {}
    for domain, names in needed.items():
        api = root / PACKAGE / domain / "api.py"
        tree = ast.parse(api.read_text())
        declared = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
            ):
                declared = {elt.value for elt in node.value.elts}
        lacking = sorted(names - declared)
        if lacking:
            missing[domain] = lacking
    return missing


def rewrite(sites, attr_cache):
    by_path = collections.defaultdict(list)
    for site in sites:
        by_path[site["path"]].append(site)
    for path, path_sites in by_path.items():
        lines = path.read_text().splitlines(keepends=True)
        edits = []
        for site in path_sites:
            node, domain = site["node"], site["domain"]
            first = lines[node.lineno - 1]
            indent = first[: len(first) - len(first.lstrip())]
            last = lines[node.end_lineno - 1].rstrip("\n")
            comment = "  #" + last.split("#", 1)[1] if "#" in last else ""
            prefix = "." * node.level if node.level else f"{PACKAGE}."
            if "modules" in site:
                low, high = site["scope"]
                for module, local in site["modules"]:
                    names = attr_cache[(domain, module)]
                    pattern = re.compile(r"(?<![\w.])" + re.escape(local) + r"\.(\w+)")
                    for index in range(low - 1, high):
                        if node.lineno - 1 <= index <= node.end_lineno - 1:
                            continue
                        lines[index] = pattern.sub(
                            lambda m, domain=domain, module=module, names=names: (
                                f"{domain}_api.{exported(domain, module, m.group(1))}"
                                if m.group(1) in names
                                else m.group(0)
                            ),
                            lines[index],
                        )
                new = f"{indent}from {prefix}{domain} import api as {domain}_api{comment}\n"
            else:
                names = []
                for alias in node.names:
                    name = exported(domain, site["module"], alias.name)
                    local = alias.asname or alias.name
                    names.append(name if name == local else f"{name} as {local}")
                new = f"{indent}from {prefix}{domain}.api import {', '.join(names)}{comment}\n"
            edits.append((node.lineno, node.end_lineno, new))
        for start, end, new in sorted(edits, reverse=True):
            lines[start - 1 : end] = [new]
        path.write_text("".join(lines))


def main(argv):
    command = argv[1] if len(argv) > 1 else "check"
    root = pathlib.Path(argv[2]).resolve() if len(argv) > 2 else ROOT
    sites, needed, attr_cache = find(root)
    missing = missing_from_apis(root, needed)
    for site in sites:
        print(f"{site['path'].relative_to(root)}:{site['node'].lineno}: {site['domain']}")
    for domain, names in sorted(missing.items()):
        print(f"{domain}/api.py must export: {', '.join(names)}")
    if command == "rewrite":
        if missing:
            print("Nothing rewritten: add the names above to the apis (and their __all__) first.")
            return 1
        rewrite(sites, attr_cache)
        print(f"{len(sites)} imports redirected; now run: ruff check --fix . && ruff format .")
        return 0
    return 1 if sites else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
