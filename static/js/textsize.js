/* Apply the reader's remembered text size before the page is drawn (see archive.js). */
(function () {
  "use strict";
  try {
    var size = window.localStorage.getItem("archive-text-size");
    if (size && /^-?[0-3]$/.test(size)) {
      document.documentElement.setAttribute("data-text-size", size);
    }
  } catch (error) {
    /* Storage may be disabled: the default size is used. */
  }
})();
