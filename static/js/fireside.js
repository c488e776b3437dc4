// Small progressive enhancements; every page works without this file.
// An in-place action the server refused (a vote past the budget, say) says why on the page.
var toastTimer = null;
function showToast(text) {
  var toast = document.getElementById("toast");
  if (!toast) { window.alert(text); return; }
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(function () { toast.hidden = true; }, 8000);
}
document.addEventListener("click", function (event) {
  var toast = document.getElementById("toast");
  if (toast && event.target === toast) toast.hidden = true;
});
document.addEventListener("htmx:responseError", function (event) {
  var detail = "Something went wrong.";
  try { detail = JSON.parse(event.detail.xhr.responseText).detail || detail; } catch (e) {
    if (event.detail.xhr.status === 429) detail = "Too many attempts; wait a little.";
  }
  showToast(detail);
});
document.addEventListener("htmx:sendError", function () {
  showToast("Fireside cannot be reached: check your connection and try again.");
});

// The not-found page's log-in link comes back here. The address is added in the browser:
// the server's answer stays byte for byte the same for a missing page and a hidden one.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("a[data-login-back]").forEach(function (link) {
    link.href = link.getAttribute("href") + "?next=" + encodeURIComponent(location.pathname);
  });
});
