"""``planparse check``: every lint rule on its example table, the five samples, the CLI.

- tests/cases/check.toml: one row per fragment, each about one rule, that fires or is a
  near-miss that must not (``expect = "fail"`` rows run as ``xfail(strict=True)``); every
  rule in grammars/check/checks.toml must have both kinds.
- The samples' findings, counted per code, were checked by reading the plans (see
  ``SAMPLE_FINDINGS``): 002 is a template and must report every placeholder; 004's scope
  notes are not findings.
- lint's findings are a superset of the pipeline's own warnings, and re-linting a plan whose
  warnings hold the findings (``merge_warnings``) gives the same findings.
"""

from __future__ import annotations

import io
import json
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import GRAMMARS, SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import planparse
from planparse.check import lint, merge_warnings, rules
from planparse.check.config import ChecksFile, compile_checks, load_checks, validate
from planparse.check.report import PlanReport, render_rich, render_text
from planparse.cli import app
from planparse.errors import GrammarError

CASES = Path(__file__).parent / "cases" / "check.toml"
CHECKS = GRAMMARS / "check" / "checks.toml"
Row = dict[str, Any]


def load_rows() -> list[Row]:
    return tomllib.loads(CASES.read_text(encoding="utf-8"))["case"]


def params() -> list[Any]:
    out = []
    for row in load_rows():
        marks = [pytest.mark.xfail(strict=True, reason=row.get("note", ""))] if row.get("expect", "pass") == "fail" else []
        out.append(pytest.param(row, id=row["label"], marks=marks))
    return out


# -- the rule table ------------------------------------------------------------------------


def test_table_is_well_formed() -> None:
    rows = load_rows()
    labels = [r["label"] for r in rows]
    assert len(labels) == len(set(labels)), "labels must be unique"
    codes = {r.code for r in rules()}
    for row in rows:
        assert row["rule"] in codes, f"{row['label']}: unknown rule {row['rule']!r}"
        assert isinstance(row["fires"], bool), row["label"]
        assert row.get("expect", "pass") in ("pass", "fail"), row["label"]
        assert row.get("expect") != "fail" or row.get("note"), f"{row['label']}: a failing row needs a note"


def test_every_rule_has_cases() -> None:
    """Each rule: at least one fragment that triggers it and one near-miss that must not (passing rows)."""
    rows = [r for r in load_rows() if r.get("expect", "pass") == "pass"]
    for rule in rules():
        fires = [r for r in rows if r["rule"] == rule.code and r["fires"]]
        misses = [r for r in rows if r["rule"] == rule.code and not r["fires"]]
        assert fires, f"{rule.code}: no fragment that triggers it"
        assert misses, f"{rule.code}: no near-miss"


@pytest.mark.parametrize("row", params())
def test_rule_case(row: Row) -> None:
    plan = planparse.parse_text(row["input"])
    found = [f for f in lint(plan) if f.code == row["rule"]]
    if not row["fires"]:
        assert not found, f"unexpected: {[(f.message, f.quote) for f in found]}"
        return
    assert found, f"{row['rule']} did not fire; all findings: {[(f.code, f.message) for f in lint(plan)]}"
    if "count" in row:
        assert len(found) == row["count"], [(f.message, f.quote) for f in found]
    for part in row.get("message_has", []):
        assert part in found[0].message, found[0].message


# -- checks.toml ---------------------------------------------------------------------------


def test_checks_file_patterns_match_their_examples() -> None:
    for p in load_checks(CHECKS).patterns:
        missed = [e for e in p.examples if p.pattern.search(e) is None]
        wrongly = [c for c in p.counter_examples if p.pattern.search(c) is not None]
        assert not missed, f"{p.name} misses its examples {missed}"
        assert not wrongly, f"{p.name} matches its counter-examples {wrongly}"


def test_checks_file_rules_are_complete() -> None:
    cfg = load_checks(CHECKS)
    for rule in cfg.rules.values():
        assert rule.title and rule.hint and rule.doc, rule.code
    # the pipeline codes the rules reuse keep their names (OUTPUT_CONTRACT.md: codes are stable)
    for code in (
        "placeholder-unit",
        "placeholder-value",
        "task-without-lead",
        "task-without-units",
        "bad-year",
        "bad-date",
        "unknown-heading-gap",
        "deadline-outside-period",
        "unparsed-deadline",
        "unsegmented-text",
    ):
        assert code in cfg.rules, code


def _raw() -> dict[str, Any]:
    return tomllib.loads(CHECKS.read_text(encoding="utf-8"))


def test_checks_schema_refuses_unknown_key() -> None:
    data = _raw()
    data["rule"][0]["severty"] = "error"
    with pytest.raises(GrammarError, match=r"grammars/check/checks.toml: \[rule -> 0 -> severty\] Extra inputs"):
        validate(data)


def test_checks_schema_refuses_bad_severity() -> None:
    data = _raw()
    data["rule"][1]["severity"] = "fatal"
    with pytest.raises(GrammarError, match=r"\[rule -> 1 -> severity\]"):
        validate(data)


def test_checks_refuse_duplicate_code_and_empty_pattern() -> None:
    data = _raw()
    data["rule"].append(dict(data["rule"][0]))
    with pytest.raises(GrammarError, match="duplicate id 'task-without-units'"):
        compile_checks(ChecksFile.model_validate(data))
    data = _raw()
    data["placeholders"]["token"] = "X*"
    with pytest.raises(GrammarError, match=r"\[placeholders -> token\] pattern matches the empty string"):
        compile_checks(ChecksFile.model_validate(data))


def test_unknown_ignore_code_is_an_error() -> None:
    plan = planparse.parse_text("一、主要任务\n（一）加强监管。（牵头单位：XXX）")
    with pytest.raises(ValueError, match="unknown check code"):
        lint(plan, ignore={"placeholder-units"})
    assert [f.code for f in lint(plan, ignore={"placeholder-unit", "deadlines-not-listed"})] == []


# -- the five samples ----------------------------------------------------------------------

# Counted by reading each plan (and the findings' quotes), not copied from the code's output:
# 000 (8 tasks with 牵头/责任单位, no 完成时限 field anywhere; "整治102个入河排污口" gives no year);
# 001 (a notice with no assignment blocks); 002 (a template: every unit XXX — 51 tasks × 牵头+配合
# plus the 责任单位 task = 104 —, 21 placeholder values (11 targets XX% / XX万亩…, and XX蒸吨/小时 ×4,
# X处 ×3, 大于或等于XX, 提高到X, XX万亩), 20 placeholder names (美丽XX, XX县, XX山 …), and
# 22020年底前); 003 (责任单位 throughout, a dated 完成时限 on every task; three 畜禽 targets with no
# year; 区市场监管局 beside 区市场监督管理局); 004 (牵头+责任单位 without 完成时限; scope notes such
# as 区工信局(高耗能项目) are not findings; units that open a list bare — 城管执法局 (line 232),
# 环卫服务中心 (278), 园林服务中心 (330) — beside the 区- form used elsewhere, 区应急局 (98) / 区应急管理局
# (160), 区市场监管局 (118) / 区市场监督管理局 (162); 市场监督管理局 on line 98 shares the 区 of the list
# before it, so it is not a variant; 秸秆综合利用率达到90%以上 with no year in its paragraph).
SAMPLE_FINDINGS: dict[str, dict[str, int]] = {
    "000_58eff289fd67a2be.txt": {"deadlines-not-listed": 1, "target-without-year": 1},
    "001_3588264997f5548d.txt": {},
    "002_f9cc23a53aad9a5a.txt": {
        "deadlines-not-listed": 1,
        "placeholder-unit": 104,
        "placeholder-value": 21,
        "placeholder-text": 20,
        "bad-year": 1,
        "target-without-year": 1,  # 三年新增绿化面积XX万亩
    },
    "003_e7c703fe6ca54374.txt": {"target-without-year": 3, "unit-name-variant": 1},
    # 004: 每个村(社区)的巡查人员不少于10人 and 公安部门组织不少于五分之一警力 have no year either
    "004_438900912e87cf9d.txt": {"deadlines-not-listed": 1, "unit-name-variant": 5, "target-without-year": 5},
}


@pytest.fixture(scope="module")
def sample_plans() -> dict[str, planparse.Plan]:
    return {name: planparse.parse(SAMPLES / name) for name in SAMPLE_FINDINGS}


@pytest.mark.parametrize("name", sorted(SAMPLE_FINDINGS))
def test_sample_findings(name: str, sample_plans: dict[str, planparse.Plan]) -> None:
    found = Counter(f.code for f in lint(sample_plans[name]))
    assert dict(found) == SAMPLE_FINDINGS[name]


def test_template_reports_every_placeholder(sample_plans: dict[str, planparse.Plan]) -> None:
    """002: every placeholder token in the text lies inside some placeholder finding."""
    plan = sample_plans["002_f9cc23a53aad9a5a.txt"]
    findings = [f for f in lint(plan) if f.code.startswith("placeholder-") and f.span]
    tokens = list(load_checks(CHECKS).token.finditer(plan.text))
    assert len(tokens) == 145
    missed = [m.group() for m in tokens if not any(f.span.start <= m.start() and m.end() <= f.span.end for f in findings)]
    assert not missed
    assert all(f.severity == "error" for f in findings if f.code != "placeholder-text")


def test_scope_notes_are_not_findings(sample_plans: dict[str, planparse.Plan]) -> None:
    """004's scope notes (区工信局(高耗能项目), 措施①…, (负责工业企业)) neither cause nor appear in a finding."""
    plan = sample_plans["004_438900912e87cf9d.txt"]
    scopes = {u.scope for t in plan.tasks for u in (*t.lead_units, *t.responsible_units, *t.cooperating_units) if u.scope}
    assert len(scopes) >= 10, "004 has unit-scope notes"
    findings = lint(plan)
    assert not [f for f in findings if f.severity == "error"]
    for f in findings:
        assert not any(s in f.message or s in (f.quote or "") for s in scopes), f.message


def test_findings_cover_pipeline_warnings(sample_plans: dict[str, planparse.Plan]) -> None:
    """Every pipeline warning with a check code is re-derived (same span; numbering codes refined)."""
    numbering = {"unknown-heading-gap", "heading-repeat", "heading-restart", "heading-family-jump"}
    codes = {r.code for r in rules()}
    for plan in sample_plans.values():
        found = {(f.code, f.span.root if f.span else None) for f in lint(plan)}
        spans = {(f.code in numbering, f.span.root if f.span else None) for f in lint(plan)}
        for w in plan.warnings:
            if w.code not in codes:
                continue
            key = (w.code, w.span.root if w.span else None)
            assert key in found or (w.code in numbering and (True, key[1]) in spans), key


def test_relint_after_merge_is_stable(sample_plans: dict[str, planparse.Plan]) -> None:
    for text in [
        *(p.text for p in sample_plans.values()),
        "一、总体要求\n二、主要任务\n二、保障措施\n（三）附则\n一、附件",
    ]:
        plan = planparse.parse_text(text)
        findings = lint(plan)
        merged = plan.model_copy(update={"warnings": merge_warnings(plan.warnings, findings)})
        assert len(merged.warnings) == len(findings) + len([w for w in plan.warnings if w.code not in {r.code for r in rules()}])
        assert [f.model_dump() for f in lint(merged)] == [f.model_dump() for f in findings]


def test_finding_places_and_issue(sample_plans: dict[str, planparse.Plan]) -> None:
    plan = sample_plans["002_f9cc23a53aad9a5a.txt"]
    f = next(f for f in lint(plan) if f.code == "bad-year")
    assert f.section_path == ["二、", "（一）"]
    assert f.quote == "22020年底前" and f.hint
    issue = f.to_issue()
    assert (issue.code, issue.span) == ("bad-year", f.span)
    assert plan.text[f.span.start : f.span.end] == "22020年底前"


# -- report and CLI ------------------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["check", *args])


S002, S003, S004 = (str(SAMPLES / n) for n in ("002_f9cc23a53aad9a5a.txt", "003_e7c703fe6ca54374.txt", "004_438900912e87cf9d.txt"))


def test_cli_clean_warnings_pass_and_strict_fails() -> None:
    result = run(S003)
    assert result.exit_code == 0, result.output
    assert "unit-name-variant" in result.stdout and "建议：" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "结论：通过 — 警告 4"
    assert run("--strict", S003).exit_code == 1


def test_cli_errors_fail_and_ignore_drops_rules() -> None:
    result = run(S002)
    assert result.exit_code == 1
    assert "结论：不通过 — 错误 126，警告 21，提示 1" in result.stdout
    ignored = run(S002, "--ignore", "placeholder-unit", "--ignore", "placeholder-value", "--ignore", "bad-year")
    assert ignored.exit_code == 0, ignored.stdout[-300:]
    assert "placeholder-unit" not in ignored.stdout


def test_cli_json() -> None:
    result = run("--format", "json", S003, S004)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["format"] == "planparse-check/1" and data["fail_on"] == "error" and data["verdict"] == "pass"
    assert [Path(p["path"]).name for p in data["plans"]] == ["003_e7c703fe6ca54374.txt", "004_438900912e87cf9d.txt"]
    assert data["plans"][1]["by_code"] == SAMPLE_FINDINGS["004_438900912e87cf9d.txt"] | {}
    first = data["plans"][0]["findings"][0]
    assert set(first) >= {"code", "severity", "message", "span", "section_path", "page", "quote", "hint"}
    assert json.loads(run("--format", "json", "--strict", S003).stdout)["verdict"] == "fail"


def test_cli_usage_errors() -> None:
    assert run("--ignore", "no-such-rule", S003).exit_code == 2
    assert run("--format", "xml", S003).exit_code == 2
    assert run().exit_code == 2


def test_cli_unreadable_input(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = run(S003, str(missing))
    assert result.exit_code == 1
    assert str(missing) in result.stderr and "Traceback" not in result.stderr
    assert "结论：通过" in result.stdout  # the readable plan is still reported


def test_rich_table_on_a_terminal(sample_plans: dict[str, planparse.Plan]) -> None:
    from rich.console import Console

    plan = sample_plans["003_e7c703fe6ca54374.txt"]
    report = PlanReport("003.txt", plan.metadata.title, lint(plan), "error")
    out = io.StringIO()
    render_rich(report, Console(file=out, force_terminal=True, width=160, color_system=None))
    text = out.getvalue()
    assert "级别" in text and "unit-name-variant" in text and "结论：通过 — 警告 4" in text
    assert render_text(report).splitlines()[-1] == report.verdict_line


# -- robustness ----------------------------------------------------------------------------

_PLAN_CHARS = "一二三四五六七八九十、（）()0123456789.年月日底前XX×%：:；;，。\n牵头责任配合单位县区市局委生态环境达到以上不低于处"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_PLAN_CHARS, max_size=400))
def test_lint_never_raises(text: str) -> None:
    """Whatever the pipeline makes of a text, lint reports on it and every span stays in the text."""
    try:
        plan = planparse.parse_text(text)
    except planparse.InputError:
        return  # empty text: the pipeline refuses it before lint could run
    for f in lint(plan):
        assert f.span is None or 0 <= f.span.start <= f.span.end <= len(plan.text)
        assert f.message and f.hint
