"""Ranking of likely causes: one-versus-rest Bayesian updating per condition.

Model (documented here because clinicians and reviewers should be able to check it):

1. **Prior.** Each condition starts from its prior probability among adults presenting with
   lower back or hip pain (``likelihoods.yaml``; by age band when the age is known).
2. **One versus the rest.** Each condition is updated on its own:
   ``posterior odds = prior odds x product of likelihood ratios`` of the findings that are
   definitely present. Conditions are *not* forced to share a total of 1, because they are
   not mutually exclusive: a herniated disc usually *causes* sciatica, and stenosis often
   comes with arthritis of the spine. The list is therefore a set of separate probabilities,
   sorted, not a distribution.
3. **Correlated findings.** Findings that measure the same thing share a ``group`` (e.g. pain
   below the knee and pain in the back of the thigh). Within a group only the strongest LR
   above 1 and the strongest LR below 1 are applied, so one fact is not counted twice. Each
   LR is capped to ``[lr_floor, lr_ceiling]`` at load time (0.05-20).
4. **Unknown is unknown.** A finding counts only when its expression is definitely true;
   unanswered items move nothing.
5. **Red flags (published post-test probabilities).** Red-flag rules can carry the published
   probability of their condition given the flag (e.g. Downie et al. BMJ 2013: history of
   malignancy -> 33% malignancy; prolonged steroids -> 33% fracture). A condition named first
   by a fired rule is never shown below that figure: ``p = max(p_bayes, p_published)``,
   because the published figure is a direct estimate of the same quantity from a study,
   while the naive product of LRs (which assumes independence) can understate it.
6. **Serious conditions come before benign labels.** The benign labels (the common causes and
   the specific ones) mean "this explains the pain, and nothing serious is going on". When a
   red-flag rule has fired and names serious conditions, the probability of each benign label
   is multiplied by ``1 - max(P(serious condition named by a fired rule))``: the benign
   explanation is only the answer if the serious one is absent. Without a fired red flag no
   discount is applied. This keeps, for example, cauda equina syndrome above a plain disc
   herniation when saddle numbness is reported, although a disc is usually its cause.

Everything is precompiled at load time (``knowledge.py``); a call evaluates closures and sums
logarithms, about 16 conditions x 15 findings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from painpath.engine.assessment import Evidence, RankedCondition
from painpath.engine.knowledge import CompiledFinding, CompiledModel, CompiledRule, Knowledge

#: Probabilities are kept within [P_MIN, P_MAX]: the model never claims certainty.
P_MIN = 0.0001
P_MAX = 0.99
_LOGIT_MIN = math.log(P_MIN / (1 - P_MIN))
_LOGIT_MAX = math.log(P_MAX / (1 - P_MAX))


def prior_log_odds(model: CompiledModel, age: Any) -> float:
    """The condition's prior as log-odds, from the age band containing ``age`` (years).

    Falls back to the condition's overall prior when age is unknown or outside every band.
    """
    if isinstance(age, int) and not isinstance(age, bool):
        for lo, hi, log_odds in model.prior_bands:
            if lo <= age <= hi:
                return log_odds
    return model.prior_log_odds_default


def _choose(hits: list[CompiledFinding]) -> list[CompiledFinding]:
    """From the findings present, keep the strongest for and against in each group."""
    best_for: dict[str, CompiledFinding] = {}
    best_against: dict[str, CompiledFinding] = {}
    for f in hits:
        if f.log_lr > 0:
            cur = best_for.get(f.group)
            if cur is None or f.log_lr > cur.log_lr:
                best_for[f.group] = f
        elif f.log_lr < 0:
            cur = best_against.get(f.group)
            if cur is None or f.log_lr < cur.log_lr:
                best_against[f.group] = f
    chosen = [*best_for.values(), *best_against.values()]
    # Strongest evidence first, so readers see what mattered most; ties in file order.
    chosen.sort(key=lambda f: -abs(f.log_lr))
    return chosen


def applied_findings(
    knowledge: Knowledge, model: CompiledModel, answers: Mapping[str, Any]
) -> list[CompiledFinding]:
    """The findings of ``model`` whose LR is applied for ``answers``, strongest first.

    ``answers`` may be raw or prepared (features are evaluated here if missing).
    """
    prepared = answers if _is_prepared(knowledge, answers) else knowledge.prepare(answers)
    return _choose([f for f in model.findings if f.test(prepared) is True])


def _is_prepared(knowledge: Knowledge, answers: Mapping[str, Any]) -> bool:
    return not knowledge.feature_plan or knowledge.feature_plan[0][0] in answers


def _evidence(f: CompiledFinding, answers: Mapping[str, Any]) -> Evidence:
    if not f.needs_value:
        return f.evidence
    value = answers.get(f.link_id)
    if not isinstance(value, bool | int | str):
        return f.evidence
    e = f.evidence
    return Evidence(e.link_id, e.code, e.effect, e.likelihood_ratio, e.text, e.source, value)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def rank(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    fired_red_flags: Iterable[CompiledRule] = (),
) -> tuple[RankedCondition, ...]:
    """Probability (0..1) of every condition with its evidence, highest first.

    ``answers`` is a validated intake (linkId -> value; absent = unknown), raw or already
    passed through ``knowledge.prepare``. ``fired_red_flags`` are the red-flag rules that
    fired (from ``triage.screen``); they set probability floors and the benign-label discount
    described in the module docstring. Ties are broken by the order of ``conditions.yaml``.
    """
    if not _is_prepared(knowledge, answers):
        answers = knowledge.prepare(answers)
    age = answers.get("age")
    fired = tuple(fired_red_flags)
    floors: dict[str, tuple[float, CompiledRule]] = {}
    for rule in fired:
        ptp = getattr(rule.rule, "post_test_probability", None)
        if ptp is None:
            continue
        cid = rule.rule.conditions[0]  # type: ignore[union-attr]
        if cid not in floors or ptp > floors[cid][0]:
            floors[cid] = (ptp, rule)

    models = knowledge.models
    hits: list[list[CompiledFinding]] = [[] for _ in models]
    # Each distinct expression is evaluated once, then credited to every model using it.
    for test, users in zip(knowledge.atoms, knowledge.atom_users, strict=True):
        if test(answers) is True:
            for mi, f in users:
                hits[mi].append(f)

    probs: dict[str, float] = {}
    evidence: dict[str, list[Evidence]] = {}
    for mi, model in enumerate(models):
        cid = model.condition.id
        log_odds = prior_log_odds(model, age)
        ev: list[Evidence] = []
        if hits[mi]:
            for f in _choose(hits[mi]):
                log_odds += f.log_lr
                ev.append(_evidence(f, answers))
        log_odds = min(max(log_odds, _LOGIT_MIN), _LOGIT_MAX)
        p = _sigmoid(log_odds)
        floor = floors.get(cid)
        if floor is not None and floor[0] > p:
            ptp, rule = floor
            ratio = (ptp / (1 - ptp)) / (p / (1 - p))
            ev.insert(
                0,
                Evidence(
                    link_id=rule.answers[0] if rule.answers else "",
                    code=None,
                    effect="for",
                    likelihood_ratio=ratio,
                    text=f"warning sign ({rule.rule.id}): published probability about "
                    f"{round(ptp * 100)}%",
                    source=rule.rule.source,
                ),
            )
            p = ptp
        probs[cid] = p
        evidence[cid] = ev

    serious_flagged = {
        cid
        for rule in fired
        for cid in rule.rule.conditions  # type: ignore[union-attr]
        if knowledge.conditions[cid].category == "serious"
    }
    if serious_flagged:
        keep = 1.0 - max(probs[cid] for cid in serious_flagged)
        for cid, cond in knowledge.conditions.items():
            if cond.category != "serious":
                probs[cid] *= keep

    order = {cid: i for i, cid in enumerate(knowledge.conditions)}
    ranked = sorted(probs, key=lambda cid: (-probs[cid], order[cid]))
    return tuple(
        RankedCondition(
            id=cid,
            name=knowledge.conditions[cid].name,
            probability=probs[cid],
            evidence=tuple(evidence[cid]),
        )
        for cid in ranked
    )
