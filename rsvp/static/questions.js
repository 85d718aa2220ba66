// The registration questions: a question asked only if another answer says so (show_if),
// or only when accepting, is hidden while it does not apply. Without this script every
// question shows with its note, and the server ignores what does not apply.
(function () {
  "use strict";
  var form = document.querySelector("form .question") && document.querySelector("form .question").closest("form");
  if (!form) { return; }
  function chosen(name) {
    return Array.prototype.map.call(
      form.querySelectorAll('input[name="' + name + '"]:checked'), function (i) { return i.value; });
  }
  function update() {
    var declining = chosen("response").indexOf("declined") !== -1;
    form.querySelectorAll(".question").forEach(function (box) {
      var hide = declining && box.hasAttribute("data-when-accepted");
      var other = box.getAttribute("data-show-if");
      if (other && chosen(other).indexOf(box.getAttribute("data-equals")) === -1) { hide = true; }
      box.hidden = hide;
    });
  }
  form.addEventListener("change", update);
  update();
})();
