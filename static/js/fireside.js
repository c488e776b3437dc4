// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:responseError", function (event) {
  var detail = "Something went wrong.";
  try { detail = JSON.parse(event.detail.xhr.responseText).detail || detail; } catch (e) {
    if (event.detail.xhr.status === 429) detail = "Too many attempts; wait a little.";
  }
  window.alert(detail);
});
