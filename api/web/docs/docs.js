// Starts Swagger UI on the document this server serves. No request leaves this origin: the
// online validator badge is off (validatorUrl: null) and every asset is local.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  tryItOutEnabled: true,
  displayOperationId: true,
  displayRequestDuration: true,
  persistAuthorization: false,
  showExtensions: false,
  docExpansion: 'list',
  filter: true,
});
