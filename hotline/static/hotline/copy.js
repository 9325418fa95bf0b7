// Copy a reported URL as text (the page never makes it a link). Without JavaScript the
// defanged text can still be selected by hand.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () { button.textContent = button.dataset.copied; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(button.dataset.copy).then(done);
        } else {
          var area = document.createElement("textarea");
          area.value = button.dataset.copy;
          document.body.appendChild(area);
          area.select();
          document.execCommand("copy");
          area.remove();
          done();
        }
      });
    });
  });
})();
