"""Patient pages: landing, the intake wizard, the private result page, condition pages.

Views are thin: they read the request, call ``painpath.patients.services`` and render. Every
page that shows answers or results is ``never_cache`` (``Cache-Control: no-store, private``).
URLs carry a step number or the private token, never an answer.

Red-flag interruption (after every saved step, Next or Back, on the answers so far):

* emergency: the intake stops at once. The answers so far are stored as an intake with its
  assessment (so the clinic sees it at the top of its list) and the person lands on the private
  result page, which shows only the emergency advice. There is no "continue anyway": a wrong
  answer is corrected by starting a new intake (link on that page).
* urgent: the urgent advice is shown on ``/start/check/`` with three ways on: go back and change
  an answer, finish here and save the result, or continue the questions anyway. Continuing is
  allowed because an urgent case still benefits from a complete intake; each new urgent warning
  sign is shown once.

Under 16: an age below the questionnaire's minimum is not a form error (that would invite a
made-up age): the draft is deleted at once and a page says who PainPath is for and where to get
help instead, including emergency signs.

Remembered results: the device that sent an intake keeps its private token(s) in a signed,
HTTP-only cookie (``painpath_results``, the ``RESULTS_KEPT`` most recent, ``RESULTS_LIFETIME``
after the last one), so that Back after sending, or coming back to ``/`` or ``/start/``, shows
"You already sent your answers: see your result" instead of a dead end. "Forget" on
``/start/`` deletes the cookie (shared devices).
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from painpath.engine.intake import IntakeError
from painpath.patients import services, tokens, wizard
from painpath.patients.forms import StepForm, read_step, too_young
from painpath.patients.models import DRAFT_LIFETIME, IntakeDraft
from painpath.patients.results import result_view, triage_view

DRAFT_COOKIE = "painpath_draft"
RESULTS_COOKIE = "painpath_results"
#: How long a device remembers the results it sent (after the most recent one), and how many.
RESULTS_LIFETIME = timedelta(days=14)
RESULTS_KEPT = 3
_RESULTS_SALT = "painpath.patients.results"
MISMATCH = gettext_lazy("This answer does not fit with your other answers. Please check it.")
_DRAFT_SALT = "painpath.patients.draft"


# ----------------------------------------------------------------------------- helpers


def _draft_key(request: HttpRequest) -> str | None:
    key: str | None = request.get_signed_cookie(
        DRAFT_COOKIE, default=None, salt=_DRAFT_SALT, max_age=DRAFT_LIFETIME
    )
    return key


def _current_draft(request: HttpRequest) -> IntakeDraft | None:
    return services.find_draft(_draft_key(request))


def _keep_cookie(response: HttpResponse, key: str) -> HttpResponse:
    response.set_signed_cookie(
        DRAFT_COOKIE,
        key,
        salt=_DRAFT_SALT,
        max_age=int(DRAFT_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _forget_cookie(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(DRAFT_COOKIE, samesite="Lax")
    return response


def _remembered(request: HttpRequest) -> list[str]:
    """The private tokens this device sent, most recent first (from the signed cookie)."""
    raw = request.get_signed_cookie(
        RESULTS_COOKIE,
        default="",
        salt=_RESULTS_SALT,
        max_age=int(RESULTS_LIFETIME.total_seconds()),
    )
    return [t for t in str(raw).split(":") if tokens.looks_like_token(t)][:RESULTS_KEPT]


def _remember(request: HttpRequest, response: HttpResponse, token: str) -> HttpResponse:
    kept = [token, *[t for t in _remembered(request) if t != token]][:RESULTS_KEPT]
    response.set_signed_cookie(
        RESULTS_COOKIE,
        ":".join(kept),  # tokens are URL-safe base64: never a ":"
        salt=_RESULTS_SALT,
        max_age=int(RESULTS_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _recent_results(request: HttpRequest) -> list[dict[str, Any]]:
    """``[{"url", "sent"}]`` for this device's results that still exist, most recent first."""
    return [
        {"url": reverse("patients:result", args=[token]), "sent": record.created_at}
        for token, record in services.recent_records(_remembered(request))
    ]


def _step_url(index: int) -> str:
    if index >= wizard.review_index():
        return reverse("patients:review")
    return reverse("patients:step", args=[index + 1])


def _question_url(link_id: str) -> str:
    """The URL of the step that asks ``link_id``."""
    from painpath.engine.questionnaire import load_questionnaire

    return _step_url(wizard.steps().index(load_questionnaire().step_of(link_id)))


def _resume_url(draft: IntakeDraft) -> str:
    return _step_url(draft.furthest_step)


def _expired(request: HttpRequest) -> HttpResponseRedirect:
    # Back after sending lands here: /start/ then offers the result this device sent.
    if not _remembered(request):
        messages.info(
            request,
            _("We could not find your answers on this device (they are kept for 24 hours). "
              "Please start again."),
        )  # fmt: skip
    return redirect("patients:start")


def _result_redirect(request: HttpRequest, outcome: services.Submitted) -> HttpResponse:
    response = _forget_cookie(redirect("patients:result", token=outcome.token))
    return _remember(request, response, outcome.token)


@functools.lru_cache(maxsize=64)
def _url_exists(name: str, urlconf: str | None) -> bool:
    # Asked once per name (and URL configuration): a failed reverse() raises, which is slow.
    try:
        reverse(name, urlconf=urlconf, args=["A" * tokens.TOKEN_LENGTH])
    except NoReverseMatch:
        return False
    return True


def _first_url(candidates: list[str], token: str) -> str | None:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    for name in candidates:
        if _url_exists(name, urlconf):
            return reverse(name, args=[token])
    return None


def _error_label(text: str) -> str:
    """A question as the start of an error line: "Question?" or "Statement:" (never ".:")."""
    text = text.strip()
    if text.endswith(("?", "!")):
        return text
    return text.rstrip(".:;, ") + ":"


#: URL names other apps may register for a result's booking flow and tailored plan.
BOOKING_URL_NAMES = ["booking:choose"]
PLAN_URL_NAMES = ["careplan:plan", "checkins:plan", "plans:plan"]


# ------------------------------------------------------------------------------- pages


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what PainPath is and is not (plus this device's recent results)."""
    recent = _recent_results(request)
    response = render(request, "patients/home.html", {"recent": recent})
    if recent:
        add_never_cache_headers(response)  # it now holds private links
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Begin or resume an intake. GET shows the choice (and this device's recent results);
    POST ``action=new|resume|forget`` acts (``forget``: this device forgets its results)."""
    draft = _current_draft(request)
    if request.method == "POST":
        if request.POST.get("action") == "forget":
            response = redirect("patients:start")
            response.delete_cookie(RESULTS_COOKIE, samesite="Lax")
            messages.info(request, _("This device no longer remembers your results."))
            return response
        if request.POST.get("action") == "resume" and draft is not None:
            return redirect(_resume_url(draft))
        if draft is not None:
            draft.delete()  # "start again": the old answers go now, not in 24 hours
        draft, key = services.start_draft()
        return _keep_cookie(redirect(_step_url(0)), key)
    return render(
        request,
        "patients/start.html",
        {"draft": draft, "step_count": len(wizard.steps()), "recent": _recent_results(request)},
    )


def _step_context(
    draft: IntakeDraft,
    index: int,
    raw: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    all_steps = wizard.steps()
    step = all_steps[index]
    items = wizard.shown_items(step, draft.answers)
    questions = wizard.question_views(step, items, draft.answers, raw, errors)
    error_list = [(q.link_id, _error_label(q.text), q.error) for q in questions if q.error]
    return {
        "step": step,
        "number": index + 1,
        "count": len(all_steps),
        "questions": questions,
        "error_list": error_list,
        "has_previous": wizard.previous_index(index, draft.answers) is not None,
        # Once every step has been seen, a changed answer can go straight back to the review.
        "can_review": draft.furthest_step >= wizard.review_index(),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def step(request: HttpRequest, number: int) -> HttpResponse:
    """One step of the intake (``number`` is 1-based). POST ``action=next|back|review``."""
    draft = _current_draft(request)
    if draft is None:
        return _expired(request)
    all_steps = wizard.steps()
    index = number - 1
    if not 0 <= index < len(all_steps):
        raise Http404("no such step")
    if index > draft.furthest_step:
        return redirect(_resume_url(draft))
    the_step = all_steps[index]
    items = wizard.shown_items(the_step, draft.answers)
    if request.method == "GET":
        if not items:
            return redirect(_step_url(wizard.next_index(index, draft.answers)))
        return render(request, "patients/step.html", _step_context(draft, index))

    key = _draft_key(request) or ""
    form = read_step(the_step, request.POST, items)
    if request.POST.get("action") == "back":
        # Keep what can be kept; a half-typed number must not block going back.
        try:
            saved = services.save_step(draft, form.answers, form.cleared, lambda a: 0)
        except IntakeError:
            saved = draft.answers
        previous = wizard.previous_index(index, saved)
        target = _step_url(previous) if previous is not None else reverse("patients:start")
        return _after_save(request, draft, saved, key, target)

    if too_young(form):
        # Not a form error (that invites a made-up age): nothing is kept, and the page says
        # where to get help instead.
        draft.delete()
        response = render(request, "patients/too_young.html", _too_young_context(form))
        return _forget_cookie(response)
    if form.is_valid:
        try:
            saved = services.save_step(
                draft, form.answers, form.cleared, lambda a: wizard.next_index(index, a)
            )
        except IntakeError as exc:
            own = {i.link_id for i in items}
            for err in exc.errors:
                target_id = err.link_id if err.link_id in own else items[0].link_id
                form.errors.setdefault(target_id, str(MISMATCH))
    if not form.is_valid:
        context = _step_context(draft, index, form.raw, form.errors)
        return render(request, "patients/step.html", context, status=200)
    if request.POST.get("action") == "review" and draft.furthest_step >= wizard.review_index():
        return _after_save(request, draft, saved, key, reverse("patients:review"))
    return _after_save(request, draft, saved, key, _step_url(wizard.next_index(index, saved)))


def _too_young_context(form: StepForm) -> dict[str, Any]:
    from painpath.patients.results import clinic_phones, emergency_number, tel_href

    number = emergency_number()
    return {
        "minimum_age": form.minimum_age,
        "call_number": number,
        "call_href": tel_href(number),
        "phones": clinic_phones(),
    }


def _after_save(
    request: HttpRequest, draft: IntakeDraft, saved: dict[str, Any], key: str, target: str
) -> HttpResponse:
    """Screen the saved answers for red flags before going on to ``target``.

    Runs after Back too: a warning sign ticked just before going back must not wait until the
    person comes forward again (they might close the tab instead).
    """
    screening = services.screen(saved, draft.acknowledged_flags, draft.furthest_step)
    if screening.interrupt == "emergency":
        return _result_redirect(request, services.submit_draft(draft))
    if screening.interrupt == "urgent":
        return _keep_cookie(redirect("patients:check"), key)
    return _keep_cookie(redirect(target), key)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Urgent advice in the middle of the intake. POST ``action=continue|finish``."""
    draft = _current_draft(request)
    if draft is None:
        return _expired(request)
    screening = services.screen(draft.answers, draft.acknowledged_flags, draft.furthest_step)
    if screening.interrupt is None:
        return redirect(_resume_url(draft))
    if screening.interrupt == "emergency":
        return _result_redirect(request, services.submit_draft(draft))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "finish":
            return _result_redirect(request, services.submit_draft(draft))
        if action == "continue":
            services.acknowledge_flags(draft, list(screening.new_flags))
            return redirect(_resume_url(draft))
    previous = wizard.previous_index(min(draft.furthest_step, wizard.review_index()), draft.answers)
    back_url = _step_url(previous) if previous is not None else _step_url(0)
    # A warning that rests on a skipped question ("you did not say when this pain started"):
    # "change an answer" leads to that question, not to the step just answered.
    assumed = [
        link_id
        for flag in screening.triage.red_flags
        if flag.rule_id in screening.new_flags
        for link_id in flag.assumed
    ]
    if assumed:
        back_url = _question_url(assumed[0])
    return render(
        request,
        "patients/check.html",
        {"triage": triage_view(screening.triage.to_dict()), "back_url": back_url},
    )


class ReviewForm(forms.Form):
    """The review step's optional email. Validated like Django's model ``EmailField``
    (254 characters at most, as the stored ``IntakeRecord.contact_email``): a longer address
    is refused with an error on the field, never accepted and then mailed to nobody."""

    email = forms.EmailField(
        required=False,
        max_length=254,
        label=gettext_lazy("Your email address (optional)"),
        help_text=gettext_lazy(
            "We send you only the private link to your result. We never send your answers."
        ),
        error_messages={
            "invalid": gettext_lazy("Please enter an email address like name@example.com, or "
                                    "leave the box empty."),
            "max_length": gettext_lazy("This email address is too long (at most %(limit_value)d "
                                       "characters). Please check it, or leave the box empty."),
        },
    )  # fmt: skip


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """Check the answers, optionally give an email, and send (idempotent)."""
    draft = _current_draft(request)
    if draft is None:
        if request.method == "POST":
            done = services.record_for_submission(request.POST.get("submission_key", ""))
            if done is not None:  # a refresh or second click after the first submit succeeded
                return _result_redirect(request, done)
        return _expired(request)
    if draft.furthest_step < wizard.review_index():
        return redirect(_resume_url(draft))
    form = ReviewForm(request.POST or None)
    errors: list[tuple[str, str, str]] = []
    if request.method == "POST" and form.is_valid():
        if request.POST.get("submission_key") not in ("", None, draft.submission_key):
            return _expired(request)
        try:
            outcome = services.submit_draft(draft, form.cleaned_data["email"])
        except IntakeError as exc:
            from painpath.engine.questionnaire import load_questionnaire

            q = load_questionnaire()
            for err in exc.errors:
                item = q.get(err.link_id)
                if item is not None:
                    errors.append((_question_url(item.link_id), _error_label(item.text), ""))
        else:
            if form.cleaned_data["email"] and outcome.created:
                messages.success(request, _("We are sending the private link to your email."))
            return _result_redirect(request, outcome)
    previous = wizard.previous_index(wizard.review_index(), draft.answers)
    return render(
        request,
        "patients/review.html",
        {
            "form": form,
            "summary": wizard.answer_summary(draft.answers),
            "submission_key": draft.submission_key,
            "answer_errors": errors,
            "back_url": _step_url(previous) if previous is not None else _step_url(0),
            "count": len(wizard.steps()),
        },
    )


@never_cache
@require_safe
def result(request: HttpRequest, token: str) -> HttpResponse:
    """The private result page. 404 for any token that is not an intake's.

    Rendered afresh on every visit, never cached on the server: the advice on it can change at
    any moment (a check-in's warning sign or a therapist's review escalates it), and with several
    server processes a cached copy in one of them could show the old, calmer advice. A first
    visit costs one query and no engine run (README, "Patient web app", benchmark).
    """
    if not tokens.looks_like_token(token):
        raise Http404("no such result")
    try:
        record = services.record_for_result_page(token)
    except services.RecordNotFound:
        raise Http404("no such result") from None
    view = result_view(record.assessment)
    escalation = None
    if record.has_escalation:  # type: ignore[attr-defined]  # (services.record_for_result_page)
        from painpath.checkins.templatetags.checkins_tags import escalation_view

        escalation = escalation_view(record)
    if escalation is not None and escalation.level in ("emergency", "urgent"):
        # A check-in or the clinic's review now says "see a doctor": self-care advice under
        # it would say the opposite (the plan page pauses the exercises the same way).
        view.show_self_care = False
        view.show_booking = escalation.level != "emergency"
        view.seek_help = []  # the banner says when to go sooner
    context = {
        "record": record,
        "view": view,
        "escalation": escalation,
        # The level the person must act on now: the escalation's, else the intake's.
        "level_now": escalation.level if escalation is not None else view.triage.level,
        # The address this page was opened at (the email uses PAINPATH_BASE_URL instead, as a
        # Host header cannot be trusted when nobody is looking at the page).
        "private_link": request.build_absolute_uri(request.path),
        "booking_url": _first_url(BOOKING_URL_NAMES, token) or f"/r/{token}/book/",
        "plan_url": _first_url(PLAN_URL_NAMES, token),
    }
    return render(request, "patients/result.html", context)


@require_safe
def conditions(request: HttpRequest) -> HttpResponse:
    """Education: every condition of the knowledge base, common causes first."""
    from painpath.engine.knowledge import load_knowledge

    kb = load_knowledge()
    groups = [
        ("common", _("Common causes")),
        ("specific", _("Causes a clinician should confirm")),
        ("serious", _("Serious causes that need medical care")),
    ]
    listed = [
        (title, [c for c in kb.conditions.values() if c.category == category])
        for category, title in groups
    ]
    return render(request, "patients/conditions.html", {"groups": listed})


@require_safe
def condition(request: HttpRequest, condition_id: str) -> HttpResponse:
    """Education: one condition's page (404 for an unknown id)."""
    from painpath.engine.knowledge import load_knowledge

    found = load_knowledge().conditions.get(condition_id)
    if found is None:
        raise Http404("no such condition")
    return render(request, "patients/condition.html", {"condition": found})
