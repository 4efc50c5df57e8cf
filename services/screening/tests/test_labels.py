"""Every finding the classification can give has its name in words, and no name is kept
for a finding it no longer gives."""

from __future__ import annotations

import ast
from pathlib import Path

from ilp_screening.domain import classify, rules
from ilp_contracts.findings import FINDING_LABELS
from ilp_screening.domain.rules import Band


def _codes_in_rules() -> set[str]:
    """Every band's code (in tuples and dicts of them), KPSP's, the BP classes' (adults'
    and children's) and a pregnancy's diseases from before it."""
    codes: set[str] = set()

    def visit(value: object) -> None:
        if isinstance(value, Band):
            codes.add(value.code)
        elif isinstance(value, (tuple, dict)):
            for item in value.values() if isinstance(value, dict) else value:
                visit(item)
    for value in vars(rules).values():
        visit(value)
    return codes | {code for code, *_ in (*rules.KPSP_FINDINGS.values(),
                                          *rules.WRONG_CAPSULE.values())} | {
        code for code, *_ in (*rules.BP_CLASSES, *rules.CHILD_BP_CLASSES,
                              *rules.KNOWN_BEFORE_PREGNANCY.values())}


def _codes_flagged_in_classify() -> set[str]:
    """String codes given to `out.flag(code, …)` and `_anaemia(out, code, …)`."""
    tree = ast.parse(Path(classify.__file__).read_text())
    codes = set()
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = getattr(call.func, "attr", getattr(call.func, "id", ""))
        arg = (call.args[0] if name == "flag" and call.args else
               call.args[1] if name == "_anaemia" and len(call.args) > 1 else None)
        for node in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                codes.add(node.value)
    return codes


def test_every_finding_has_its_name_and_every_name_a_finding() -> None:
    codes = _codes_in_rules() | _codes_flagged_in_classify() | {
        "isolated_systolic_hypertension", *classify.SENSE_REFERRALS,
        *classify.CANCER_REFERRALS}
    assert codes == set(FINDING_LABELS)
