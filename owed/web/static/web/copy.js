// Copy buttons: <button data-copy="ID" data-copied="Copied." hidden> copies the value of
// the field ID and says so in the element [data-copy-status="ID"]. The buttons stay hidden
// without this script: the field is read-only and can be selected and copied by hand.
(function () {
  "use strict";

  function show(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function say(button) {
    var status = document.querySelector('[data-copy-status="' + button.dataset.copy + '"]');
    if (status) {
      status.textContent = button.dataset.copied || "";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    var field = button && document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(function () {
        say(button);
      });
    } else if (document.execCommand("copy")) {
      say(button);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    show(document);
  });
  // htmx swaps the page's content in place after a form: show the new buttons too.
  document.addEventListener("htmx:load", function (event) {
    show(event.target);
  });
})();
