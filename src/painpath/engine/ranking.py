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
   malignancy -> 33% malignancy; prolonged steroids -> 33% fracture; Hoeritzauer et al. 2018:
   28% of people with a cauda equina symptom have compression on MRI). That figure is used
   as a new starting point (sequential Bayes): the condition's anchored log-odds are
   ``logit(p_published) + sum of log LRs of the applied findings whose group is not in the
   rule's covers list`` (``covers`` names the groups the published figure already reflects,
   so nothing is counted twice; the age prior is replaced, as the studies span all ages).
   The condition's probability is ``max(p_bayes, p_anchored, p_published)``: the published
   figure comes from a study of the same question, while the product of general-population
   LRs from a tiny prior can understate it. Caveat: the remaining LRs were estimated in
   general back-pain populations and may be smaller within the flagged population, so an
   anchored figure is an upper estimate; it only orders the list, and triage does not use it.
6. **A serious condition a red flag names is always visible.** Every serious condition named
   by a fired red-flag rule is shown with at least the concern floor of ``red_flags.yaml``
   (10%): not a measured frequency but the level of suspicion at which the rule sends the
   person to a doctor to rule it out (a testing threshold in the sense of Pauker & Kassirer,
   NEJM 1980). Ties at the floor go to the higher probability before the floor.
7. **Serious conditions come before benign labels.** The benign labels (the common causes and
   the specific ones) mean "this explains the pain, and nothing serious is going on". When a
   red-flag rule has fired and names serious conditions, the probability of each benign label
   is multiplied by ``1 - max(P(serious condition named by a fired rule))``: the benign
   explanation is only the answer if the serious one is absent. Without a fired red flag no
   discount is applied. This keeps, for example, cauda equina syndrome above a plain disc
   herniation when saddle numbness is reported, although a disc is usually its cause.

Everything is precompiled at load time (``knowledge.py``, ``compiler.py``): a call runs one
generated function that tests every finding expression once, then sums logarithms for the 16
conditions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from painpath.engine.assessment import Evidence, RankedCondition
from painpath.engine.knowledge import (
    CompiledFinding,
    CompiledModel,
    CompiledRule,
    Evaluation,
    Knowledge,
)

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


def _priors_for_age(knowledge: Knowledge, age: Any) -> tuple[float, ...]:
    """Prior log-odds of every model for ``age`` (memoised on the knowledge: ~95 ages)."""
    if not (isinstance(age, int) and not isinstance(age, bool)):
        age = None
    cached = knowledge.prior_cache.get(age)
    if cached is None:
        cached = tuple(prior_log_odds(m, age) for m in knowledge.models)
        knowledge.prior_cache[age] = cached
    return cached


def _choose(hits: list[CompiledFinding]) -> list[CompiledFinding]:
    """From the findings present, keep the strongest for and against in each group."""
    if len(hits) == 1:
        return hits
    best_for: dict[str, CompiledFinding] = {}
    best_against: dict[str, CompiledFinding] = {}
    for f in hits:
        # Ties within a group go to the finding listed first in likelihoods.yaml.
        if f.log_lr > 0:
            cur = best_for.get(f.group)
            if cur is None or (f.log_lr, -f.pos) > (cur.log_lr, -cur.pos):
                best_for[f.group] = f
        elif f.log_lr < 0:
            cur = best_against.get(f.group)
            if cur is None or (f.log_lr, f.pos) < (cur.log_lr, cur.pos):
                best_against[f.group] = f
    chosen = [*best_for.values(), *best_against.values()]
    # Strongest evidence first, so readers see what mattered most; ties in file order.
    chosen.sort(key=lambda f: (-abs(f.log_lr), f.pos))
    return chosen


#: (finding, answer value) -> its Evidence. Evidence is immutable and the answer domains are
#: small (ages, day counts, codes), so building each once saves much of the cost of ranking.
#: Keyed by id() for speed; each entry keeps its finding alive, so an id is never reused while
#: its entry exists. The bound only guards against a pathological stream of distinct values.
_EVIDENCE_CACHE: dict[tuple[int, type, Any], tuple[CompiledFinding, Evidence]] = {}
_EVIDENCE_CACHE_MAX = 100_000


def _evidence(f: CompiledFinding, answers: Mapping[str, Any]) -> Evidence:
    if not f.needs_value:
        return f.evidence
    value = answers.get(f.link_id)
    if not isinstance(value, bool | int | str):
        return f.evidence
    # type(value) in the key: True == 1 for a dict, but they are different answers.
    key = (id(f), type(value), value)
    cached = _EVIDENCE_CACHE.get(key)
    if cached is None:
        if len(_EVIDENCE_CACHE) >= _EVIDENCE_CACHE_MAX:
            _EVIDENCE_CACHE.clear()
        e = f.evidence
        made = Evidence(e.link_id, e.code, e.effect, e.likelihood_ratio, e.text, e.source, value)
        cached = _EVIDENCE_CACHE[key] = (f, made)
    return cached[1]


def rank(
    knowledge: Knowledge,
    answers: Mapping[str, Any],
    fired_red_flags: Iterable[CompiledRule] = (),
    evaluation: Evaluation | None = None,
) -> tuple[RankedCondition, ...]:
    """Probability (0..1) of every condition with its evidence, highest first.

    ``answers`` is a validated intake (linkId -> value; absent = unknown), raw or already
    passed through ``knowledge.prepare``. ``fired_red_flags`` are the red-flag rules that
    fired (from ``triage.screen``); they set probability floors and the benign-label discount
    described in the module docstring. Ties are broken by the order of ``conditions.yaml``.
    ``evaluation`` is ``knowledge.evaluate(answers)`` when the caller already has it.
    """
    age = answers.get("age")
    fired = tuple(fired_red_flags)
    # condition id -> [(published probability, its rule)] for the fired rules that carry one
    anchors: dict[str, list[tuple[float, CompiledRule]]] = {}
    for rule in fired:
        ptp = getattr(rule.rule, "post_test_probability", None)
        if ptp is not None:
            cid = rule.rule.conditions[0]  # type: ignore[union-attr]
            anchors.setdefault(cid, []).append((ptp, rule))

    models = knowledge.models
    hits: list[list[CompiledFinding]] = [[] for _ in models]
    # Each distinct expression is evaluated once, then credited to every model using it.
    atom_users = knowledge.atom_users
    for i in (evaluation or knowledge.evaluate(answers))[2]:
        for mi, f in atom_users[i]:
            hits[mi].append(f)

    probs: list[float] = []
    evidence: list[tuple[Evidence, ...]] = []
    priors = _priors_for_age(knowledge, age)
    prior_ps = knowledge.prior_cache.get(("p", age if isinstance(age, int) else None))
    if prior_ps is None:
        prior_ps = tuple(1.0 / (1.0 + math.exp(-lo)) for lo in priors)
        knowledge.prior_cache[("p", age if isinstance(age, int) else None)] = prior_ps
    for mi, model in enumerate(models):
        found = hits[mi]
        if not found and not anchors:
            # Nothing answered about this condition: its prior, no evidence.
            probs.append(prior_ps[mi])
            evidence.append(())
            continue
        log_odds = priors[mi]
        ev: list[Evidence] = []
        chosen = _choose(found) if found else []
        for f in chosen:
            log_odds += f.log_lr
            ev.append(_evidence(f, answers) if f.needs_value else f.evidence)
        if log_odds < _LOGIT_MIN:
            log_odds = _LOGIT_MIN
        elif log_odds > _LOGIT_MAX:
            log_odds = _LOGIT_MAX
        p = 1.0 / (1.0 + math.exp(-log_odds))
        if anchors and model.condition.id in anchors:
            best = p
            best_rule: CompiledRule | None = None
            best_ptp = 0.0
            for ptp, rule in anchors[model.condition.id]:
                covers = rule.rule.covers  # type: ignore[union-attr]
                anchored = math.log(ptp / (1 - ptp)) + sum(
                    f.log_lr for f in chosen if f.group not in covers
                )
                anchored = min(max(anchored, _LOGIT_MIN), _LOGIT_MAX)
                candidate = max(ptp, 1.0 / (1.0 + math.exp(-anchored)))
                if candidate > best:
                    best, best_rule, best_ptp = candidate, rule, ptp
            if best_rule is not None:
                ev.insert(
                    0,
                    Evidence(
                        link_id=best_rule.answers[0] if best_rule.answers else "",
                        code=None,
                        effect="for",
                        likelihood_ratio=(best / (1 - best)) / (p / (1 - p)),
                        text="a warning sign: in published studies about "
                        f"{round(best_ptp * 100)} in 100 people with it had this condition",
                        source=f"{best_rule.rule.source} [rule {best_rule.rule.id}]",
                    ),
                )
                p = best
        probs.append(p)
        evidence.append(tuple(ev))

    bayes = list(probs)  # before floors and discounts: breaks ties among floored conditions
    if fired:
        serious_flagged = {
            cid
            for rule in fired
            for cid in rule.rule.conditions  # type: ignore[union-attr]
            if knowledge.conditions[cid].category == "serious"
        }
        floor = knowledge.concern_floor.probability
        for mi, m in enumerate(models):
            if m.condition.id in serious_flagged and probs[mi] < floor:
                p = probs[mi]
                rules = [
                    r.rule.id
                    for r in fired
                    if m.condition.id in r.rule.conditions  # type: ignore[union-attr]
                ]
                evidence[mi] = (
                    Evidence(
                        link_id=next(
                            (r.answers[0] for r in fired if r.rule.id == rules[0] and r.answers),
                            "",
                        ),
                        code=None,
                        effect="for",
                        likelihood_ratio=(floor / (1 - floor)) / (p / (1 - p)),
                        text="a warning sign you reported means a doctor should rule this out",
                        source=f"{knowledge.concern_floor.source} [rules {', '.join(rules)}]",
                    ),
                    *evidence[mi],
                )
                probs[mi] = floor
        if serious_flagged:
            keep = 1.0 - max(
                probs[mi] for mi, m in enumerate(models) if m.condition.id in serious_flagged
            )
            for mi, m in enumerate(models):
                if m.condition.category != "serious":
                    probs[mi] *= keep

    # Exact ties (e.g. several conditions at the concern floor) go to the higher probability
    # before floors, then to the order of conditions.yaml.
    ranked = sorted(range(len(models)), key=lambda mi: (-probs[mi], -bayes[mi], mi))
    return tuple(
        RankedCondition(
            id=models[mi].condition.id,
            name=models[mi].condition.name,
            probability=probs[mi],
            evidence=evidence[mi],
        )
        for mi in ranked
    )
