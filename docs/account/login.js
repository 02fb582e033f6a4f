/*
 * /account/login: email or username and password, then the second
 * factor when the account has one (the mfa_token stays in this
 * script), then on to "next" if it is a path of this site, or to the
 * account page.  The access token of the login is not kept: the page
 * it goes to takes its own from the session's cookie.
 */
"use strict";

(function () {
	var box = document.getElementById("error");
	var first = document.getElementById("password-form");
	var second = document.getElementById("mfa-form");
	var next = Account.next();
	var mfaToken = null;

	if (next !== null)
		document.getElementById("register-link").href =
		    "register?next=" + encodeURIComponent(next);

	/* A token response: on to where the user was going. */
	function done(data) {
		if (data.refresh_token !== undefined) {
			// Not cookie mode: end that session rather than hold
			// a refresh token in a page.
			return Account.call("POST", "logout", undefined,
			    data.access_token).then(function () {
				Account.error(box, { message: "These pages " +
				    "need the server's cookie mode " +
				    "(AUTH_COOKIE_MODE=on)." });
			});
		}
		window.location.replace(next !== null ? next : "./");
	}

	Account.onSubmit(first, function (v) {
		var body = { password: v.password };

		body[v.login.indexOf("@") !== -1 ? "email" : "username"] =
		    v.login.trim();
		Account.say(box, null);
		return Account.call("POST", "login", body).then(function (r) {
			if (r.status !== 200)
				return Account.error(box, r.data);
			if (r.data.mfa_required) {
				mfaToken = r.data.mfa_token;
				first.hidden = true;
				second.hidden = false;
				document.getElementById("code").focus();
				return;
			}
			return done(r.data);
		});
	});

	Account.onSubmit(second, function (v) {
		var code = v.code.replace(/\s+/g, "");
		var body = { mfa_token: mfaToken };

		body[/^[0-9]{6}$/.test(code) ? "code" : "recovery_code"] = code;
		Account.say(box, null);
		return Account.call("POST", "login/mfa", body).then(function (r) {
			if (r.status === 200)
				return done(r.data);
			Account.error(box, r.data);
			if (r.data.error === "invalid_token") {
				// The step expired: start again.
				mfaToken = null;
				second.hidden = true;
				first.hidden = false;
			}
		});
	});
})();
