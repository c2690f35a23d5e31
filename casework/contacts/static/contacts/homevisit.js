// Home-visit notes on a phone with a poor signal: every keystroke is kept in localStorage (keyed by
// case id and user id, never a name), restored on load, and sent with fetch. The draft is removed only
// when the server confirms the notes; until then it is sent again (on a timer, when the signal returns,
// when the PPW comes back to the tab, and right after they sign in again). The server ignores a repeat of
// the same client_key, so a send whose answer was lost is never logged twice. Without JS the form posts.
// A draft carries its author (the user the page was made for). It is restored only for them, and the server
// refuses it from anyone else who signs in on this phone meanwhile: the notes then wait, out of sight, for
// their author to sign in again.
(function () {
  "use strict";
  var form = document.getElementById("hv-form");
  if (!form || !window.fetch || !window.localStorage) { return; }
  var key = form.dataset.draftKey;
  var cookieName = form.dataset.csrfCookie;
  var status = document.getElementById("hv-status");
  var signIn = document.getElementById("hv-signin");
  // Held here: session.js may clear the page (another user signed in) while the notes still wait.
  var fieldBox = document.getElementById("hv-fields");
  var saveButton = document.getElementById("hv-save");
  var loginPath = new URL(signIn.querySelector("a").href).pathname;
  var tokenField = form.querySelector("input[name=csrfmiddlewaretoken]");
  var authorField = form.querySelector("input[name=author]");
  var me = authorField.value;
  var SKIP = { csrfmiddlewaretoken: true, author: true };
  var OFFLINE = "Saved on this phone — will send when you're back online.";
  var SIGNED_OUT = "Your Casework session has ended, so the notes were not sent. They are kept on this phone.";
  var RETRY_MS = 30000;
  var sending = false;
  var timer = null;      // retries while the notes are waiting to go
  var watcher = null;    // while signed out: looks for a new sign-in (it changes the CSRF cookie)
  var tokenSent = null;

  function say(text, sent) {
    status.textContent = text;
    status.classList.toggle("hv-sent", !!sent);
    signIn.hidden = true;
  }

  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name && !SKIP[el.name]; });
  }

  function save(pending) {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.type !== "submit") {
        values[el.name] = el.value;
      }
    });
    var old = read();
    var draft = { author: me, values: values, pending: pending === undefined ? !!(old && old.pending) : pending,
                  savedAt: new Date().toISOString() };
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full: the form still posts */ }
    return draft;
  }

  function restore(draft) {
    var values = draft.values || {};
    fields().forEach(function (el) {
      if (!(el.name in values)) { return; }
      var v = values[el.name];
      if (el.type === "checkbox") { el.checked = v.indexOf(el.value) !== -1; }
      else if (el.type === "radio") { el.checked = el.value === v; }
      else if (el.type !== "submit") { el.value = v; }
    });
  }

  // Signing in again gives a new CSRF token; the one printed in this page would then fail every retry.
  // Django's cookie (not HttpOnly: test_views checks the setting) always holds the current one.
  function csrfToken() {
    var found = null;
    document.cookie.split(";").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0 && pair.slice(0, at).trim() === cookieName) { found = decodeURIComponent(pair.slice(at + 1).trim()); }
    });
    return found || tokenField.value;
  }

  function retryLater() {
    if (!timer) { timer = window.setInterval(function () { if (navigator.onLine) { send(); } }, RETRY_MS); }
  }

  function stopRetrying() {
    if (timer) { window.clearInterval(timer); timer = null; }
    if (watcher) { window.clearInterval(watcher); watcher = null; }
  }

  // Someone else is signed in on this phone: hide the notes from them and wait for the author's sign-in.
  function notTheAuthor(message) {
    say(message);
    fieldBox.hidden = true;
    saveButton.hidden = true;
    retryLater();
    if (!watcher) {
      watcher = window.setInterval(function () { if (csrfToken() !== tokenSent) { send(); } }, 1500);
    }
  }

  function signedOut() {
    say(SIGNED_OUT);
    signIn.hidden = false;
    retryLater();
    if (!watcher) {
      watcher = window.setInterval(function () { if (csrfToken() !== tokenSent) { send(); } }, 1500);
    }
  }

  // What the server's answer means. Only a fetch that never got an answer is "offline".
  function outcome(response) {
    var path = response.url ? new URL(response.url).pathname : "";
    var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
    if (!json) {
      if (response.status === 401 || response.status === 403 || (response.redirected && path === loginPath)) {
        return { kind: "signed-out" };  // 403: the CSRF check, after the session ended or rotated
      }
      return { kind: "server", status: response.status };
    }
    return response.json().then(function (body) {
      if (body.ok) { return { kind: "sent", body: body }; }
      if (body.refused === "author") { return { kind: "not-author", message: body.message }; }
      if (response.status === 401 || response.status === 403) { return { kind: "signed-out" }; }
      return { kind: response.status === 400 ? "invalid" : "server", status: response.status };
    }, function () {
      return { kind: "offline" };  // the answer was cut off; a resend is matched by its client_key
    });
  }

  // Keep the outcome of a Save in view (the sign-in link appears under it); a retry must not scroll.
  function shown(byHand) {
    if (byHand) { (signIn.hidden ? status : signIn).scrollIntoView({ block: "nearest" }); }
  }

  function send(byHand) {
    if (sending) { return; }
    var draft = save(true);
    if (!navigator.onLine) { say(OFFLINE); retryLater(); shown(byHand); return; }
    sending = true;
    authorField.value = draft.author;  // who wrote them; the server compares it with whoever is signed in now
    tokenSent = csrfToken();
    tokenField.value = tokenSent;  // Django reads the form field before the header
    say("Sending…");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "Accept": "application/json", "X-CSRFToken": tokenSent } })
      .then(outcome, function () { return { kind: "offline" }; })
      .then(function (result) {
        sending = false;
        if (result.kind === "sent") {
          localStorage.removeItem(key);
          stopRetrying();
          say(result.body.message || "Sent.", true);
          if (result.body.next) { window.location.assign(result.body.next); }
        } else if (result.kind === "invalid") {
          // The notes need a fix: let the server show its messages beside the fields. The draft stays
          // pending; the fixed notes go through fetch again with the same key.
          stopRetrying();
          HTMLFormElement.prototype.submit.call(form);
        } else if (result.kind === "signed-out") {
          signedOut();
        } else if (result.kind === "not-author") {
          notTheAuthor(result.message);
        } else if (result.kind === "server") {
          say("Casework could not save the notes (error " + result.status + "). They are kept on this phone " +
              "and will be sent again shortly. If this keeps happening, tell your system administrator.");
          retryLater();
        } else {
          say(OFFLINE);
          retryLater();
        }
        if (result.kind !== "sent" && result.kind !== "invalid") { shown(byHand); }
      });
  }

  // Back from another tab (signing in, say): try at once instead of waiting for the timer.
  function sendIfWaiting() {
    if (timer && !document.hidden && (read() || {}).pending) { send(); }
  }

  var draft = read();
  // The key already names the user; a draft that says another author is still never shown or sent.
  // (A draft saved before drafts carried their author is this key's user's own.)
  if (draft && draft.author !== undefined && String(draft.author) !== me) { draft = null; }
  var serverErrors = form.querySelector(".error");
  if (draft && !serverErrors) {
    restore(draft);
    if (draft.pending) { send(); }
    else { say("Restored what you typed earlier on this phone."); }
  }
  form.addEventListener("input", function () { save(); });
  form.addEventListener("change", function () { save(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); send(true); });
  window.addEventListener("online", function () { if ((read() || {}).pending) { send(); } });
  window.addEventListener("focus", sendIfWaiting);
  document.addEventListener("visibilitychange", sendIfWaiting);
})();
