// Turns each <input data-picker> into a type-to-search box (Tom Select) over
// the JSON endpoint the attribute names. The input stays a text input of
// references: what is chosen here is submitted as the same text a person
// without JavaScript types, and the server reads both the same way.
(function () {
  "use strict";

  function load(url) {
    return function (query, callback) {
      var address = new URL(url, window.location.href);
      address.searchParams.set("q", query);
      fetch(address, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          callback(data.results);
        })
        .catch(function () {
          callback();
        });
    };
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function picker(input) {
    var separator = input.dataset.pickerSeparator;
    var select = new TomSelect(input, {
      valueField: "value",
      labelField: "label",
      // The endpoint matches the query inside the reference or title, which the
      // label holds: this keeps, of the matches loaded so far, those for the query.
      searchField: ["label", "value"],
      maxItems: separator ? null : 1,
      // A single choice is never split: its text may hold a comma ("30 Sep 2029, item 79 (ii)").
      delimiter: separator || "\u001f",
      create: false,
      persist: false,
      closeAfterSelect: true,
      loadThrottle: 200,
      shouldLoad: function (query) {
        return query.trim().length > 0;
      },
      load: load(input.dataset.picker),
      plugins: separator ? ["remove_button"] : ["clear_button"],
      render: {
        option: function (data) {
          return '<div class="picker-option">' + escape(data.label || data.value) + "</div>";
        },
        item: function (data) {
          return '<div title="' + escape(data.label || data.value) + '">' + escape(data.value) + "</div>";
        },
        no_results: function () {
          return '<div class="no-results">Nothing matches what you typed.</div>';
        },
        loading: function () {
          return '<div class="spinner-border spinner-border-sm m-2" role="status"><span class="visually-hidden">Searching</span></div>';
        },
      },
    });
    labelled(select, input);
  }

  function labelled(select, input) {
    // Tom Select moves the label to its own box; the input it keeps (hidden,
    // out of the tab order) is named by the same label, for screen readers' lists of fields.
    var label = select.control_input.getAttribute("aria-labelledby");
    if (label) input.setAttribute("aria-labelledby", label);
  }

  function start() {
    if (typeof TomSelect === "undefined") return;
    document.querySelectorAll("input[data-picker]").forEach(picker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
