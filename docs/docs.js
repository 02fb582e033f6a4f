/*
 * /docs: Swagger UI (npm swagger-ui-dist) showing /openapi.json.
 * Relative URLs, so the page also works when a site serves the API
 * from a folder (https://example.com/auth/docs).
 */
window.ui = SwaggerUIBundle({
	url: new URL("openapi.json", document.baseURI).href,
	dom_id: "#swagger-ui",
	deepLinking: true,
	validatorUrl: null,
	tryItOutEnabled: false
});
