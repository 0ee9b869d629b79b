// Show the delegation fields only for a part that delegates, and "recommended to" only for a recommendation.
document.querySelectorAll("[data-part-form]").forEach(function (form) {
  var kind = form.querySelector("select[name$='-kind']");
  function sync() {
    form.querySelectorAll(".js-for-delegate").forEach(function (el) { el.hidden = kind.value !== "delegate"; });
    form.querySelectorAll(".js-for-recommend").forEach(function (el) { el.hidden = kind.value !== "recommend"; });
  }
  kind.addEventListener("change", sync);
  sync();
});
