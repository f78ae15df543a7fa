"""What `nianbao parse one.txt` no longer does at start-up, and what it must still do.

The compiled template definitions are never read stale; an injected template is compiled and
cached like the packaged ones; plugins installed as entry points still load (and a changed
installation is seen); patterns compiled on first use behave as compiled ones; the command leaves
the cycle collector on; the parse path imports neither the YAML parser (once compiled), hashlib,
nor the modules of formats it does not read.
"""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nianbao import templates
from nianbao.lazyre import lazy


def _run(code: str, *, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# --- the compiled YAML ------------------------------------------------------------------------


def test_an_edited_yaml_is_read_again_not_from_its_compiled_form(tmp_path: Path) -> None:
    path = tmp_path / "defs.yaml"
    path.write_text("name: 甲\nyears: [2019, 2020]\n", encoding="utf-8")
    assert templates._load_yaml(path) == {"name": "甲", "years": [2019, 2020]}
    cached = tmp_path / "__pycache__" / "defs.yaml.marshal"
    assert cached.is_file()
    assert templates._load_yaml(path) == {"name": "甲", "years": [2019, 2020]}  # from the cache
    # the same size and the same modification time would not tell: the bytes do
    stat = path.stat()
    path.write_text("name: 乙\nyears: [2019, 2021]\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert templates._load_yaml(path) == {"name": "乙", "years": [2019, 2021]}
    source, data = marshal.loads(cached.read_bytes())
    assert source == path.read_bytes() and data["name"] == "乙"


def test_a_compiled_form_of_other_bytes_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "defs.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "defs.yaml.marshal").write_bytes(marshal.dumps((b"a: 2\n", {"a": 2})))
    assert templates._load_yaml(path) == {"a": 1}
    (tmp_path / "__pycache__" / "defs.yaml.marshal").write_bytes(b"not marshal data")
    assert templates._load_yaml(path) == {"a": 1}


def test_a_folder_where_nothing_can_be_written_still_reads(tmp_path: Path) -> None:
    # `__pycache__` a file: neither the folder nor the compiled form can be made (as read-only)
    path = tmp_path / "defs.yaml"
    path.write_text("a: [1, 2]\n", encoding="utf-8")
    (tmp_path / "__pycache__").write_text("", encoding="utf-8")
    assert templates._load_yaml(path) == {"a": [1, 2]}
    assert templates._load_yaml(path) == {"a": [1, 2]}


def test_an_injected_template_is_compiled_and_a_change_to_it_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nianbao import testing

    path = tmp_path / f"template-{testing.SYNTHETIC_TEMPLATE}.yaml"
    text = testing.synthetic_template_yaml()
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(templates.TEMPLATES_ENV, str(path))
    templates.reload()
    try:
        first = templates.get_template(testing.SYNTHETIC_TEMPLATE)
        assert (tmp_path / "__pycache__" / f"{path.name}.marshal").is_file()
        assert sorted(templates.templates()) == sorted(["2019", "2021", testing.SYNTHETIC_TEMPLATE])
        # the same definition a year later: the edit, not the compiled form, is what counts
        later = text.replace(
            f"years:\n    - {first.first_year}\n", f"years:\n    - {first.first_year + 1}\n", 1
        )
        assert later != text
        path.write_text(later, encoding="utf-8")
        templates.reload()
        assert templates.get_template(testing.SYNTHETIC_TEMPLATE).first_year == first.first_year + 1
    finally:
        monkeypatch.delenv(templates.TEMPLATES_ENV)
        templates.reload()
    assert sorted(templates.templates()) == ["2019", "2021"]


# --- plugins ----------------------------------------------------------------------------------


def _install_plugin(site: Path, dist: str, module: str, reader: str) -> None:
    (site / f"{module}.py").write_text(
        textwrap.dedent(
            f"""
            from nianbao.document import Document, Paragraph
            from nianbao.plugins import reader

            @reader({reader!r}, extensions=[{reader!r}])
            def read(data, source):
                return Document(source=source, format={reader!r}, blocks=[Paragraph(data.decode())])
            """
        ),
        encoding="utf-8",
    )
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[nianbao.plugins]\n{reader} = {module}\n", encoding="utf-8")


def test_plugins_load_when_asked_and_a_new_one_is_seen(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install_plugin(site, "nianbao_odt", "nianbao_odt_reader", "odt")
    code = f"""
        import json, sys
        sys.path.insert(0, {str(site)!r})
        from nianbao import plugins
        before = sorted(plugins.READERS)
        plugins.load()
        print(json.dumps({{"before": before, "after": sorted(plugins.READERS)}}))
        """
    first = json.loads(_run(code))
    assert first["before"] == []  # importing the hooks loads nothing
    assert "odt" in first["after"] and "text" in first["after"]
    assert json.loads(_run(code))["after"] == first["after"]  # from the cached scan
    _install_plugin(site, "nianbao_wps", "nianbao_wps_reader", "wps")
    assert {"odt", "wps"} <= set(json.loads(_run(code))["after"])


# --- patterns compiled on first use ------------------------------------------------------------


def test_a_lazy_pattern_is_compiled_once_on_first_use_and_answers_as_a_compiled_one() -> None:
    text = "表三 12 件，表四 3 件"
    for pattern, flags in [(r"(\d+)\s*件", 0), (r"[\u4e00-\u9fff]+", 0), (r"表(?P<n>[三四])", re.I)]:
        lz, rx = lazy(pattern, flags), re.compile(pattern, flags)
        assert lz._compiled is None
        assert lz.search(text).group() == rx.search(text).group()  # type: ignore[union-attr]
        compiled = lz.compiled
        assert lz.findall(text) == rx.findall(text)
        assert lz.sub("#", text) == rx.sub("#", text)
        assert lz.sub(lambda m: m.group().upper(), text, 1) == rx.sub(lambda m: m.group().upper(), text, 1)
        assert lz.subn("", text) == rx.subn("", text)
        assert lz.split(text) == rx.split(text)
        assert [m.span() for m in lz.finditer(text)] == [m.span() for m in rx.finditer(text)]
        assert bool(lz.match(text)) == bool(rx.match(text))
        assert bool(lz.fullmatch(text)) == bool(rx.fullmatch(text))
        assert (lz.pattern, lz.flags) == (pattern, flags)
        assert lz.compiled is compiled
    assert lazy(rb"\xef\xb7").search(b"a\xef\xb7") is not None


# --- the command ---------------------------------------------------------------------------------


def test_parse_imports_no_yaml_parser_hashlib_or_unread_formats_and_leaves_gc_on(corpus_dir: Path) -> None:
    path = corpus_dir / "seeds" / "000_99c313048ea6a297.txt"
    code = f"""
        import gc, io, json, sys
        sys.argv = ["nianbao", "parse", {str(path)!r}]
        from nianbao.cli import main
        light = "nianbao.extract" not in sys.modules
        out, sys.stdout = sys.stdout, io.StringIO()
        main()
        line, sys.stdout = sys.stdout.getvalue(), out
        watched = ["yaml", "hashlib", "importlib.resources", "html.entities", "traceback",
                   "nianbao.readers._docx_frames", "typer", "pydantic"]
        print(json.dumps({{
            "light": light, "gc": gc.isenabled(), "organ": json.loads(line)["organ"],
            "loaded": [m for m in watched if m in sys.modules],
        }}))
        """
    _run(code)  # a first run compiles the definitions where it may
    got = json.loads(_run(code))
    assert got["light"], "importing nianbao.cli loaded the pipeline"
    assert got["gc"] and got["organ"]
    assert got["loaded"] == []


def test_the_package_names_load_on_first_use() -> None:
    code = """
        import json, sys
        import nianbao
        light = "nianbao.api" not in sys.modules
        from nianbao import Report, ReadError
        ok = nianbao.parse is sys.modules["nianbao.api"].parse and nianbao.model.Report is Report
        print(json.dumps({"light": light, "ok": ok, "missing": hasattr(nianbao, "no_such_thing")}))
        """
    assert json.loads(_run(code)) == {"light": True, "ok": True, "missing": False}
