/* PainPath progressive enhancement. Every page works without this file; it only:
   1. lets a click or tap on a body-map region tick that region's check box;
   2. shows or hides follow-up questions live as earlier answers change (the server drops
      answers to hidden questions anyway);
   3. unticks the other boxes when "None of these" is ticked (and the reverse);
   4. ignores a second click on a submit button while the first submit is on its way;
   5. shows the "Copy the link" button of the result page and copies the private link.
   No inline script is allowed (Content Security Policy), so everything is wired up here. */
(function () {
  "use strict";

  function syncRegions(map) {
    map.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      map.querySelectorAll('.region[data-region="' + box.value + '"]').forEach(function (shape) {
        shape.classList.toggle("is-on", box.checked);
      });
    });
  }

  function setUpBodyMap(map) {
    map.addEventListener("click", function (event) {
      var shape = event.target.closest ? event.target.closest(".region") : null;
      if (!shape) { return; }
      var box = map.querySelector('input[type=checkbox][value="' + shape.getAttribute("data-region") + '"]');
      if (!box || box.disabled) { return; }
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    map.addEventListener("change", function () { syncRegions(map); });
    syncRegions(map);
  }

  /* The current answer of the item named `name` in `form`, in the answers' types:
     true/false for yes/no, a number, a code, or undefined when unanswered. */
  function currentAnswer(form, name) {
    var controls = form.querySelectorAll('[name="' + name + '"]');
    var value;
    controls.forEach(function (control) {
      if (control.disabled) { return; }
      if (control.type === "radio") {
        if (control.checked) { value = control.value; }
      } else if (control.value !== "") {
        value = control.value;
      }
    });
    if (value === undefined || value === "unsure") { return undefined; }
    if (value === "yes") { return true; }
    if (value === "no") { return false; }
    if (/^-?\d+$/.test(value)) { return parseInt(value, 10); }
    return value;
  }

  function conditionHolds(form, rule) {
    var value = currentAnswer(form, rule.item);
    if (value === undefined) { return Boolean(rule.if_unanswered); }
    if (Object.prototype.hasOwnProperty.call(rule, "equals") && rule.equals !== null) {
      return value === rule.equals;
    }
    return (rule.not_in || []).indexOf(value) === -1;
  }

  function updateConditionals(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var rule;
      try { rule = JSON.parse(block.getAttribute("data-show-when")); } catch (e) { return; }
      var show = conditionHolds(form, rule);
      block.hidden = !show;
      block.querySelectorAll("input, select, textarea").forEach(function (control) {
        control.disabled = !show;
      });
      var hint = block.querySelector(".condition-hint");
      if (hint) { hint.hidden = true; }
    });
  }

  function setUpExclusive(form) {
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (!box || box.type !== "checkbox" || !box.checked) { return; }
      var group = form.querySelectorAll('input[type=checkbox][name="' + box.name + '"]');
      var exclusive = box.hasAttribute("data-exclusive");
      group.forEach(function (other) {
        if (other === box) { return; }
        if (exclusive || other.hasAttribute("data-exclusive")) { other.checked = false; }
      });
    });
  }

  function setUpOnce(form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      window.setTimeout(function () { sent = false; }, 8000);
    });
  }

  /* The copy button is hidden in the HTML (without script it could do nothing). */
  function setUpCopy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    if (!field) { return; }
    function say(key) { if (status) { status.textContent = status.getAttribute(key) || ""; } }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = field.value;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { say("data-copied"); },
          function () { field.select(); say("data-failed"); });
        return;
      }
      field.focus();
      field.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      say(copied ? "data-copied" : "data-failed");
    });
    field.addEventListener("focus", function () { field.select(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(setUpCopy);
    document.querySelectorAll("[data-bodymap]").forEach(setUpBodyMap);
    document.querySelectorAll("form[data-intake]").forEach(function (form) {
      setUpExclusive(form);
      setUpOnce(form);
      updateConditionals(form);
      form.addEventListener("change", function () { updateConditionals(form); });
    });
    document.querySelectorAll("form[data-once]").forEach(setUpOnce);
    // After a rejected form, move focus to the list of problems so screen readers announce it.
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
