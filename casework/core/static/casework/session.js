// What a browser shows of a Casework session must end with it: PPWs share phones and school computers.
// - Signing out, or someone else signing in, clears every other Casework tab of this browser, so a page
//   left open stops showing a child's record. Tabs tell each other over a BroadcastChannel (or, without
//   one, a localStorage key set and removed at once): an event name and a user id, never a name.
// - A tab coming back to the foreground asks the server whose session this is, and clears itself if it
//   ended or belongs to someone else. Text typed into a form is spared when the session merely ended.
// - A POST form is checked before it goes: after the session ended, a submit would land on the sign-in
//   page and lose what was typed. Nothing typed is ever stored in the browser.
(function () {
  "use strict";
  var body = document.body;
  var me = body.dataset.user || "";
  if (!me || !window.fetch) { return; }  // signed out already: nothing here to clear or guard
  var KEY = "casework:session-event";
  var ENDED = "Your Casework session has ended, so this was not saved. What you typed is still here.";
  var OTHER = "Someone else is now signed in to Casework in this browser, so this was not saved. What you typed " +
              "is still here. To save it as yourself, sign them out and sign in again in another tab, then come " +
              "back here and save again.";
  var channel = window.BroadcastChannel ? new BroadcastChannel("casework-session") : null;
  var cleared = false;
  var passing = null;   // the form being resubmitted after a good check
  var checking = false;

  function announce(event) {
    var message = { event: event, user: me };
    if (channel) { channel.postMessage(message); return; }
    try {  // other tabs get a storage event; nothing stays behind
      localStorage.setItem(KEY, JSON.stringify(message));
      localStorage.removeItem(KEY);
    } catch (e) { /* storage refused (private mode): the foreground check still clears */ }
  }

  function heard(message) {
    if (!message || cleared) { return; }
    var user = String(message.user);
    if ((message.event === "signed-out" && user === me) || (message.event === "signed-in" && user !== me)) {
      clear();
    }
  }

  function element(tag, text, attributes) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { el.setAttribute(name, attributes[name]); });
    return el;
  }

  // Drop the page itself (not just hide it). A page may keep a status line that never names a student
  // (data-keep-on-clear: the home-visit notes' status, whose notes still wait on the phone for their author).
  function clear() {
    cleared = true;
    var keep = Array.prototype.slice.call(document.querySelectorAll("[data-keep-on-clear]"));
    var main = element("main", "", { id: "main", tabindex: "-1", "class": "narrow" });
    var card = element("div", "", { "class": "card signed-out" });
    card.appendChild(element("h1", "Signed out — this page was cleared for privacy"));
    card.appendChild(element("p", "Casework was signed out in this browser, or someone else signed in, " +
                                  "so this tab no longer shows what it showed."));
    var again = element("p");
    again.appendChild(element("a", "Sign in", {
      "class": "tap", href: body.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname).replace(/%2F/g, "/") }));
    card.appendChild(again);
    keep.forEach(function (el) { card.appendChild(el); });
    main.appendChild(card);
    body.textContent = "";
    body.removeAttribute("hx-headers");
    body.appendChild(main);
    document.title = "Signed out · Casework";
    main.focus();
  }

  function cookie(name) {
    var found = null;
    document.cookie.split(";").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0 && pair.slice(0, at).trim() === name) { found = decodeURIComponent(pair.slice(at + 1).trim()); }
    });
    return found;
  }

  // "me", "other", "none" (no session), or null when the server cannot be asked (then nothing changes).
  function whoIsSignedIn() {
    var abort = window.AbortController ? new AbortController() : null;
    var timer = abort && window.setTimeout(function () { abort.abort(); }, 6000);
    return fetch(body.dataset.sessionUrl, { credentials: "same-origin", cache: "no-store",
                                            headers: { "Accept": "application/json" }, signal: abort && abort.signal })
      .then(function (response) {
        if (response.status === 401) { return "none"; }
        if (!response.ok) { return null; }
        return response.json().then(function (state) { return String(state.user) === me ? "me" : "other"; });
      })
      .catch(function () { return null; })
      .then(function (who) { window.clearTimeout(timer); return who; });
  }

  function guarded(form, submitter) {
    var method = submitter && submitter.hasAttribute("formmethod") ? submitter.formMethod : form.method;
    var target = (submitter && submitter.getAttribute("formtarget")) || form.target;
    // A form opening its answer in another tab keeps its page, text and all, whatever happens there.
    return method === "post" && form.dataset.sessionGuard !== "off" && (!target || target === "_self");
  }

  function typedInto(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      if (el.type === "file") { return el.files.length > 0; }
      if (el.tagName === "SELECT") {
        var chosen = Array.prototype.some.call(el.options, function (o) { return o.defaultSelected; });
        return Array.prototype.some.call(el.options, function (o, i) {
          return o.selected !== (o.defaultSelected || (!chosen && !el.multiple && i === 0));
        });
      }
      return el.type !== "hidden" && "defaultValue" in el && el.value !== el.defaultValue;
    });
  }

  function unwarn(form) {
    var old = form.querySelector(".session-alert");
    if (old) { old.parentNode.removeChild(old); }
  }

  // At the top of the form, so it is seen where the PPW pressed Save on a phone too.
  function warn(form, text, focus) {
    unwarn(form);  // a new box each time: a screen reader announces an alert when it appears
    var box = element("div", "", { "class": "error session-alert", role: "alert", tabindex: "-1" });
    box.appendChild(element("p", text));
    if (text === ENDED) {
      var link = element("p");
      link.appendChild(element("a", "Sign in again (opens a new tab)", {
        href: body.dataset.loginUrl, target: "_blank", rel: "noopener" }));
      link.appendChild(document.createTextNode(", then come back to this tab and save again."));
      box.appendChild(link);
    }
    form.insertBefore(box, form.firstChild);
    if (focus) { box.focus(); }
  }

  // Signing in again rotates the CSRF token: the one printed in this page would be refused. The cookie
  // (not HttpOnly) always holds the current one.
  function freshToken() {
    var token = cookie(body.dataset.csrfCookie);
    if (!token) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("input[name=csrfmiddlewaretoken]"),
                                 function (input) { input.value = token; });
    body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
  }

  function resubmit(form, submitter) {
    passing = form;
    try {
      if (form.requestSubmit) {
        if (submitter && submitter.form === form) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      } else {
        if (submitter && submitter.name) {
          form.appendChild(element("input", "", { type: "hidden", name: submitter.name, value: submitter.value }));
        }
        HTMLFormElement.prototype.submit.call(form);
      }
    } finally {
      passing = null;
    }
  }

  // Capture on window: before htmx or a page's own handler sees the submit.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (form.dataset.sessionGuard === "sign-out") { announce("signed-out"); return; }
    if (form === passing || !guarded(form, submitter)) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (checking) { return; }
    checking = true;
    whoIsSignedIn().then(function (who) {
      checking = false;
      if (cleared) { return; }
      if (who === "none") { warn(form, ENDED, true); return; }
      if (who === "other") { warn(form, OTHER, true); return; }  // never sent as them; the text stays
      if (who === "me") { freshToken(); }
      unwarn(form);
      resubmit(form, submitter);  // null: the check could not be made, so the submit goes as it would have
    });
  }, true);

  function recheck() {
    if (document.hidden || cleared) { return; }
    whoIsSignedIn().then(function (who) {
      if (cleared) { return; }
      if (who === "other") { clear(); return; }
      if (who !== "none") { return; }
      var typed = Array.prototype.filter.call(document.forms, function (form) {
        return guarded(form, null) && typedInto(form);
      });
      // The session merely ended: keep what was typed (the form says so), clear everything else.
      if (typed.length) { warn(typed[0], ENDED, false); } else { clear(); }
    });
  }

  if (channel) { channel.onmessage = function (event) { heard(event.data); }; }
  window.addEventListener("storage", function (event) {
    if (event.key !== KEY || !event.newValue) { return; }
    try { heard(JSON.parse(event.newValue)); } catch (e) { /* not ours */ }
  });
  document.addEventListener("visibilitychange", recheck);
  window.addEventListener("pageshow", function (event) { if (event.persisted) { recheck(); } });
  // This page was just drawn for `me`: any tab of another user is now out of date.
  announce("signed-in");
})();
