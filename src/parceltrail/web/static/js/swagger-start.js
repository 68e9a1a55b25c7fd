// Starts Swagger UI from a file, not an inline script, so /docs runs under script-src 'self'.
// validatorUrl null: Swagger UI would otherwise fetch a badge from validator.swagger.io.
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    oauth2RedirectUrl: window.location.origin + root.dataset.oauth2RedirectUrl,
    validatorUrl: null,
    deepLinking: true,
    showExtensions: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
