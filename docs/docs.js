/*
 * /docs: Swagger UI (npm swagger-ui-dist) showing /openapi.json.
 * Relative URLs, so the page also works when a site serves the API
 * from a folder (https://example.com/auth/docs).  Swagger UI is
 * optional (make deps-docs; the Debian package leaves it out): without
 * it the page says so and links the description itself.
 */
if (typeof SwaggerUIBundle === "function") {
	window.ui = SwaggerUIBundle({
		url: new URL("openapi.json", document.baseURI).href,
		dom_id: "#swagger-ui",
		deepLinking: true,
		validatorUrl: null,
		tryItOutEnabled: false
	});
} else {
	(function () {
		var box = document.getElementById("swagger-ui");
		var link = document.createElement("a");

		link.href = "openapi.json";
		link.textContent = "openapi.json";
		box.textContent = "Swagger UI is not installed here " +
		    "(make deps-docs); the API's description is ";
		box.appendChild(link);
		box.appendChild(document.createTextNode("."));
	})();
}
