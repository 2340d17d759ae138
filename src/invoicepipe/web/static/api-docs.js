// Starts Swagger UI on /api/docs (a static file: the content security policy allows no inline script).
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  var csrf = null;  // a logged-in browser session must echo its CSRF token on POSTs; token callers use Authorize
  fetch("/api/me", {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
    .then(function (me) { csrf = me && me.csrf_token; }).catch(function () {});
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (req) {
      if (csrf && req.method !== "GET") { req.headers["X-CSRF-Token"] = csrf; }
      return req;
    },
  });
});
