/*
 * What every account page shares: calls to the API, the session kept
 * in cookies, errors shown from the API's message, and the same-site
 * check of a "next" address.
 *
 * The pages work in cookie mode only: the refresh token and the
 * fingerprint live in HttpOnly cookies the pages never see, and the
 * short-lived access token only in a variable of the page that asked
 * for it.  Nothing is ever written to localStorage, sessionStorage or
 * a cookie by script.  The API is addressed relative to the pages
 * ("../login" from /account/...), so a site that serves everything
 * under a folder (https://example.com/auth/account/) works as it is.
 */
"use strict";

var Account = (function () {
	var access = null;

	/* The API's URL for path, relative to these pages. */
	function url(path) {
		return new URL("../" + path, window.location.href).href;
	}

	/*
	 * One request: JSON in and out.  Resolves to {status, data}, data
	 * being the parsed answer (or {} when there is none); a network
	 * failure becomes an error of the same shape as the API's.
	 */
	function call(method, path, body, token) {
		var init = { method: method, headers: {},
		    credentials: "same-origin", cache: "no-store",
		    redirect: "error" };

		if (body !== undefined) {
			init.headers["Content-Type"] = "application/json";
			init.body = JSON.stringify(body);
		}
		if (token)
			init.headers.Authorization = "Bearer " + token;
		return fetch(url(path), init).then(function (res) {
			return res.text().then(function (text) {
				var data = {};

				try {
					data = text ? JSON.parse(text) : {};
				} catch (e) {
					data = { error: "internal_error",
					    message: "The server answered " +
					    res.status + " with something " +
					    "that is not JSON." };
				}
				return { status: res.status, data: data };
			});
		}, function () {
			return { status: 0, data: { error: "network",
			    message: "The server could not be reached; " +
			    "try again." } };
		});
	}

	/*
	 * A fresh access token from the refresh cookie (rotating it), or
	 * null when there is no live session.
	 */
	function refresh() {
		return call("POST", "refresh", {}).then(function (r) {
			access = r.status === 200 ? r.data.access_token : null;
			return access;
		});
	}

	/*
	 * An authenticated call.  An access token that expired while the
	 * page was open is renewed once from the cookie; a session that is
	 * gone sends the browser to the login page.
	 */
	function authed(method, path, body) {
		var first = access ? call(method, path, body, access) :
		    Promise.resolve({ status: 401,
		    data: { error: "invalid_token" } });

		return first.then(function (r) {
			if (r.status !== 401 || r.data.error !== "invalid_token")
				return r;
			return refresh().then(function (t) {
				if (t === null) {
					toLogin();
					return new Promise(function () {});
				}
				return call(method, path, body, t);
			});
		});
	}

	/* Forget the access token (the session is over). */
	function forget() {
		access = null;
	}

	/* Go to the login page, to come back here afterwards. */
	function toLogin() {
		forget();
		window.location.replace("login?next=" + encodeURIComponent(
		    window.location.pathname));
	}

	/*
	 * The path to go to after a login, from a "next" parameter: only a
	 * path of this very site ("/private/", "/account/"), never another
	 * origin ("https://evil.example", "//evil.example", "/\evil.example"),
	 * a scheme ("javascript:...") or anything with control characters.
	 * Returns the path (with its query and fragment), or null.
	 */
	function safeNext(raw) {
		var u;

		if (typeof raw !== "string" || raw.charAt(0) !== "/" ||
		    raw.charAt(1) === "/" || raw.indexOf("\\") !== -1 ||
		    /[\u0000-\u001f\u007f]/.test(raw))
			return null;
		try {
			u = new URL(raw, window.location.origin);
		} catch (e) {
			return null;
		}
		if (u.origin !== window.location.origin)
			return null;
		return u.pathname + u.search + u.hash;
	}

	/* The "next" of this page's address, if it is safe. */
	function next() {
		return safeNext(new URLSearchParams(window.location.search)
		    .get("next"));
	}

	/* Show the API's message in box (an element with role="alert"). */
	function error(box, data) {
		box.textContent = data && data.message ? data.message :
		    "Something went wrong; try again.";
		box.hidden = false;
	}

	/* Show a plain message in box, or hide it (text null). */
	function say(box, text) {
		box.textContent = text || "";
		box.hidden = !text;
	}

	/*
	 * Run action(values) when form is submitted, its submit button
	 * disabled meanwhile; values holds the form's named fields.  The
	 * form never submits itself: its method is post, so a page whose
	 * script failed never puts a password in an address.
	 */
	function onSubmit(form, action) {
		form.addEventListener("submit", function (ev) {
			var button = form.querySelector("button[type=submit]");
			var values = {};

			ev.preventDefault();
			Array.prototype.forEach.call(form.elements, function (el) {
				if (el.name)
					values[el.name] = el.type === "checkbox" ?
					    el.checked : el.value;
			});
			if (button)
				button.disabled = true;
			Promise.resolve(action(values)).then(function () {
				if (button)
					button.disabled = false;
			}, function () {
				if (button)
					button.disabled = false;
			});
		});
	}

	/*
	 * The mailed token in this page's address, which is then taken out
	 * of the address bar and the history: it is a credential.
	 */
	function mailToken() {
		var token = new URLSearchParams(window.location.search)
		    .get("token");

		if (token !== null)
			window.history.replaceState(null, "",
			    window.location.pathname);
		return token;
	}

	/*
	 * A page a mail links to (?token=...).  Opening it spends nothing (a
	 * mail scanner may fetch links): the form formId, when submitted,
	 * POSTs the token with the form's fields to endpoint, and
	 * done(data), given the answer's body, says what happened.
	 */
	function mailPage(formId, endpoint, done) {
		var box = document.getElementById("error");
		var form = document.getElementById(formId);
		var token = mailToken();

		if (token === null) {
			form.hidden = true;
			error(box, { message: "This page needs the link from " +
			    "the mail, with its token." });
			return;
		}
		onSubmit(form, function (values) {
			values.token = token;
			say(box, null);
			return call("POST", endpoint, values).then(function (r) {
				if (r.status !== 200)
					return error(box, r.data);
				form.hidden = true;
				say(document.getElementById("done"), done(r.data));
			});
		});
	}

	/* An element with text. */
	function el(name, text, cls) {
		var e = document.createElement(name);

		if (text !== undefined && text !== null)
			e.textContent = text;
		if (cls)
			e.className = cls;
		return e;
	}

	return { call: call, refresh: refresh, authed: authed,
	    forget: forget, toLogin: toLogin, safeNext: safeNext,
	    next: next, error: error, say: say, onSubmit: onSubmit,
	    mailPage: mailPage, el: el };
})();
