// Kept out of index.html so the page works under a CSP without 'unsafe-inline' scripts.
// "Try it out" requests are same-origin, so the session cookie is sent; non-GET calls
// also need the CSRF token, which is read from /auth/me when the user is logged in.
(function () {
  var csrf = null;
  fetch('/api/v1/auth/me', { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (body) { if (body && body.data) csrf = body.data.csrf_token; })
    .catch(function () {});
  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    requestInterceptor: function (req) {
      if (csrf && req.method && req.method.toUpperCase() !== 'GET') req.headers['X-CSRF-Token'] = csrf;
      return req;
    },
  });
})();
