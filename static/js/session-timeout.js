/* Idle-logout warning for MAUD Pathways.
 *
 * The server logs a staff member out after a period without requests (SESSION_IDLE_TIMEOUT) and
 * says how many seconds are left in data-session-seconds-left on <body>. A couple of minutes before
 * the end this shows a Bootstrap alert with a "Stay logged in" button. When time is up it opens the
 * login page, so patient information does not stay on an unattended screen. Before warning or
 * leaving it asks the server again, because another tab may have kept the session alive.
 */
(function () {
  "use strict";

  var body = document.body;
  var secondsLeft = parseInt(body.getAttribute("data-session-seconds-left"), 10);
  if (isNaN(secondsLeft)) {
    return;
  }
  var warnBefore = parseInt(body.getAttribute("data-session-warning-seconds"), 10) || 120;
  var statusUrl = body.getAttribute("data-session-status-url");
  var keepaliveUrl = body.getAttribute("data-session-keepalive-url");
  var loginUrl = body.getAttribute("data-login-url");

  var deadline = 0;
  var warnTimer = null;
  var endTimer = null;
  var textTimer = null;
  var alertBox = null;
  var messageText = null;
  var stayButton = null;

  function csrfToken() {
    var input = document.querySelector("#logout-form input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function schedule(seconds) {
    deadline = Date.now() + seconds * 1000;
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    if (seconds > warnBefore) {
      warnTimer = window.setTimeout(beforeWarning, (seconds - warnBefore) * 1000);
    }
    endTimer = window.setTimeout(atEnd, seconds * 1000 + 500);
  }

  function askServer(method, url) {
    var options = {method: method, credentials: "same-origin", headers: {"Accept": "application/json"}};
    if (method === "POST") {
      options.headers["X-CSRFToken"] = csrfToken();
    }
    return window.fetch(url, options).then(function (response) {
      return response.json();
    }).then(function (data) {
      return typeof data.seconds_left === "number" ? data.seconds_left : 0;
    });
  }

  function goToLogin() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(here));
  }

  function minutesText() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (left < 60) {
      return "less than a minute";
    }
    var minutes = Math.ceil(left / 60);
    return minutes + (minutes === 1 ? " minute" : " minutes");
  }

  function buildAlert() {
    alertBox = document.createElement("div");
    alertBox.className = "alert alert-warning shadow session-warning d-print-none";
    alertBox.setAttribute("role", "alert");
    messageText = document.createElement("p");
    messageText.className = "mb-2";
    stayButton = document.createElement("button");
    stayButton.type = "button";
    stayButton.className = "btn btn-primary btn-sm";
    stayButton.textContent = "Stay logged in";
    stayButton.addEventListener("click", stayLoggedIn);
    alertBox.appendChild(messageText);
    alertBox.appendChild(stayButton);
    document.body.appendChild(alertBox);
  }

  function updateText(canExtend) {
    if (canExtend) {
      messageText.textContent = "For privacy you will be logged out in " + minutesText() +
        " because there has been no activity.";
    } else {
      messageText.textContent = "Your session reaches its time limit in " + minutesText() +
        ". Save your work; you will need to log in again.";
    }
    stayButton.hidden = !canExtend;
  }

  function showWarning(canExtend) {
    if (!alertBox) {
      buildAlert();
    }
    alertBox.hidden = false;
    updateText(canExtend);
    window.clearInterval(textTimer);
    textTimer = window.setInterval(function () { updateText(canExtend); }, 15000);
    if (canExtend) {
      stayButton.focus();
    }
  }

  function hideWarning() {
    window.clearInterval(textTimer);
    if (alertBox) {
      alertBox.hidden = true;
    }
  }

  function beforeWarning() {
    askServer("GET", statusUrl).then(function (left) {
      if (left <= 0) {
        goToLogin();
        return;
      }
      schedule(left);
      if (left <= warnBefore) {
        showWarning(true);
      }
    }).catch(function () { showWarning(true); });
  }

  function atEnd() {
    askServer("GET", statusUrl).then(function (left) {
      if (left > 0) {
        schedule(left);
        if (left > warnBefore) {
          hideWarning();
        }
      } else {
        goToLogin();
      }
    }).catch(goToLogin);
  }

  function stayLoggedIn() {
    askServer("POST", keepaliveUrl).then(function (left) {
      if (left <= 0) {
        goToLogin();
        return;
      }
      schedule(left);
      if (left > warnBefore) {
        hideWarning();
      } else {
        showWarning(false);  // the absolute limit is near: staying active cannot extend it
      }
    }).catch(goToLogin);
  }

  schedule(secondsLeft);
  if (secondsLeft <= warnBefore) {
    showWarning(true);
  }
}());
