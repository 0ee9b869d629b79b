// A page whose form failed to save opens with its error summary focused, so a
// keyboard or screen-reader user starts from the list of problems. The summary's
// autofocus attribute does this without script, but browsers skip autofocus when
// the address ends in a #fragment, as it does after the meeting and project
// pages' inline forms; this focuses the summary then too.
window.addEventListener("load", () => {
  const summary = document.querySelector(".error-summary[autofocus]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
