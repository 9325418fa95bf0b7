// "Leave this site quickly": go to a neutral site and take this page out of the back button.
// Without JavaScript the button is a plain link to the same neutral site.
(function () {
  "use strict";
  function leave(event) {
    var link = document.getElementById("leave-site");
    if (!link) { return; }
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var link = document.getElementById("leave-site");
    if (link) { link.addEventListener("click", leave); }
  });
  // Escape pressed three times in a row also leaves (a common convention on safety sites).
  var presses = 0, timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) { leave(null); }
  });
})();
