/* Progressive enhancements: every feature here also works, more plainly, without JavaScript. */
(function () {
  "use strict";

  var TEXT_SIZE_KEY = "archive-text-size";
  var TEXT_SIZE_MIN = -1;
  var TEXT_SIZE_MAX = 3;

  function currentTextSize() {
    var value = parseInt(document.documentElement.getAttribute("data-text-size") || "0", 10);
    return isNaN(value) ? 0 : value;
  }

  function setTextSize(size) {
    size = Math.max(TEXT_SIZE_MIN, Math.min(TEXT_SIZE_MAX, size));
    if (size === 0) {
      document.documentElement.removeAttribute("data-text-size");
    } else {
      document.documentElement.setAttribute("data-text-size", String(size));
    }
    try {
      window.localStorage.setItem(TEXT_SIZE_KEY, String(size));
    } catch (error) {
      /* Not remembered when storage is disabled. */
    }
  }

  function initTextSize() {
    var control = document.querySelector("[data-text-size-control]");
    if (!control) {
      return;
    }
    control.hidden = false;
    control.addEventListener("click", function (event) {
      var button = event.target.closest("[data-text-size-step]");
      if (button) {
        setTextSize(currentTextSize() + parseInt(button.getAttribute("data-text-size-step"), 10));
      }
    });
  }

  function initCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field || !navigator.clipboard) {
        return;
      }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.getAttribute("data-copy-text") || field.value || field.textContent;
        navigator.clipboard.writeText(text).then(function () {
          button.textContent = button.getAttribute("data-copied-label") || "✓";
          window.setTimeout(function () { button.textContent = label; }, 2000);
        }, function () {
          if (field.select) {
            field.focus();
            field.select();
          }
        });
      });
    });
    document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  }

  function initHitNavigation() {
    var nav = document.querySelector("[data-hit-nav]");
    if (!nav) {
      return;
    }
    var hits = Array.prototype.slice.call(document.querySelectorAll("mark.hit[id^='hit-']"));
    if (!hits.length) {
      return;
    }
    var position = nav.querySelector("[data-hit-position]");
    var current = -1;

    function show(index) {
      current = (index + hits.length) % hits.length;
      var hit = hits[current];
      hits.forEach(function (other) { other.classList.remove("hit--current"); });
      hit.classList.add("hit--current");
      hit.setAttribute("tabindex", "-1");
      hit.scrollIntoView({block: "center"});
      hit.focus({preventScroll: true});
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#" + hit.id);
      }
      if (position) {
        position.textContent = (current + 1) + " / " + hits.length;
      }
    }

    var fromHash = hits.findIndex(function (hit) { return "#" + hit.id === window.location.hash; });
    if (fromHash >= 0) {
      current = fromHash;
      hits[current].classList.add("hit--current");
      if (position) {
        position.textContent = (current + 1) + " / " + hits.length;
      }
    }
    nav.querySelectorAll("[data-hit-step]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var step = parseInt(button.getAttribute("data-hit-step"), 10);
        show(current < 0 ? (step > 0 ? 0 : hits.length - 1) : current + step);
      });
    });
    // "n" and "p" move between matches, as in many readers; not while typing in a field.
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) {
        return;
      }
      if (event.key === "n") {
        show(current + 1);
      } else if (event.key === "p") {
        show(current < 0 ? hits.length - 1 : current - 1);
      }
    });
  }

  // Panels that stay open without JavaScript, folded on a phone so that results come first.
  function foldOnNarrowScreens() {
    if (window.matchMedia && window.matchMedia("(max-width: 56rem)").matches) {
      document.querySelectorAll("details[data-fold-narrow]").forEach(function (panel) {
        panel.open = false;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    foldOnNarrowScreens();
    initTextSize();
    initCopyButtons();
    initHitNavigation();
  });
})();
