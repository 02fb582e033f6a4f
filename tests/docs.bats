#!/usr/bin/env bats
# GET /openapi.json and GET /docs (Swagger UI), through $HOST, and /docs
# rendered by a real browser: headless Chromium.  No other suite needs
# Chromium or Swagger UI, so this one installs them (make deps-docs,
# which does nothing when they are there).

load lib/server

setup_file() {
	# A make of its own, not part of the `make test` that may run this.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" deps-docs
	server_start
}
teardown_file() { server_stop; }
setup() { load_helpers; }

@test "docs: GET /openapi.json is the description, as JSON with the contract's headers" {
	req GET /openapi.json
	assert_status 200
	assert_header Content-Type application/json
	assert_header Cache-Control no-store
	assert_header X-Content-Type-Options nosniff
	cmp <(printf '%s\n' "$BODY") "$ROOT/docs/openapi.json"
	assert_json .openapi 3.1.0
}

@test "docs: GET /docs is the Swagger UI page, with its files" {
	req GET /docs
	assert_status 200
	assert_header Content-Type 'text/html; charset=utf-8'
	assert_header X-Frame-Options DENY
	grep -q "Content-Security-Policy: default-src 'self'" "$HEADERS"
	[[ $BODY == *'src="docs/swagger-ui-bundle.js"'* ]]
	req GET /docs/swagger-ui-bundle.js
	assert_status 200
	assert_header Content-Type 'text/javascript; charset=utf-8'
	[[ $BODY == *SwaggerUIBundle* ]]
	req GET /docs/swagger-ui.css
	assert_status 200
	req GET /docs/docs.js
	assert_status 200
	[[ $BODY == *openapi.json* ]]
}

@test "docs: nothing else under /docs, and no listing" {
	for path in /docs/ /docs/index.html /docs/package.json \
	    /docs/node_modules/swagger-ui-dist/index.html /docs/x.js /docsx \
	    /openapi.json/x; do
		req GET "$path"
		assert_error 404 not_found
	done
}

@test "docs: /docs in headless Chromium lists every operation" {
	local dom m p
	command -v chromium >/dev/null ||
	    fail "no chromium: make deps-docs did not install it"
	# A fresh profile, and nothing that would reach beyond loopback.
	dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
	    --virtual-time-budget=15000 --dump-dom "$BASE/docs" 2>/dev/null)
	# Swagger UI drew the page from /openapi.json: its title, and one
	# block per operation with its method and path.
	[[ $dom == *'<h1 class="title">fcgi-auth'* ]]
	while read -r m p; do
		grep -q "opblock-summary-method\">$m</span><div class=\"opblock-summary-path-description-wrapper\"><span class=\"opblock-summary-path\" data-path=\"$p\"" <<<"$dom" ||
		    { echo "/docs does not show $m $p"; false; }
	done < <(jq -r '.paths | to_entries[] | .key as $p | .value | keys[] |
	    select(test("^(get|put|post|patch|delete)$")) |
	    "\(ascii_upcase) \($p)"' "$ROOT/docs/openapi.json")
}

@test "docs: without Swagger UI the page says so and links the description" {
	local dom docs=$STATE/bare-docs
	command -v chromium >/dev/null ||
	    fail "no chromium: make deps-docs did not install it"
	# Served from a copy without Swagger UI's two files, where
	# Apache's user may read it.
	mkdir "$docs"
	cp "$ROOT/docs/openapi.json" "$ROOT/docs/index.html" "$ROOT/docs/docs.js" "$docs/"
	chmod -R a+rX "$docs"
	server_stop
	SITE_DOCS=$docs server_start
	req GET /docs/swagger-ui-bundle.js
	assert_error 404 not_found
	dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
	    --virtual-time-budget=5000 --dump-dom "$BASE/docs" 2>/dev/null)
	[[ $dom == *'Swagger UI is not installed here (make deps-docs); the API'"'"'s description is <a href="openapi.json">openapi.json</a>.'* ]]
}
