/*
 * /account/register: POST /register, then a login with the same
 * password, then on to "next" (a path of this site) or the account
 * page.
 */
"use strict";

(function () {
	var box = document.getElementById("error");
	var next = Account.next();

	if (next !== null)
		document.getElementById("login-link").href =
		    "login?next=" + encodeURIComponent(next);

	Account.onSubmit(document.getElementById("register-form"),
	    function (v) {
		var body = { email: v.email.trim(), password: v.password };

		if (v.username.trim() !== "")
			body.username = v.username.trim();
		Account.say(box, null);
		return Account.call("POST", "register", body).then(function (r) {
			if (r.status !== 201)
				return Account.error(box, r.data);
			return Account.call("POST", "login", { email: body.email,
			    password: v.password });
		}).then(function (r) {
			var login = "login" + (next !== null ?
			    "?next=" + encodeURIComponent(next) : "");

			if (r === undefined)
				return;
			if (r.status === 200 && r.data.refresh_token === undefined) {
				window.location.replace(next !== null ? next : "./");
				return;
			}
			if (r.status !== 200) {
				// Registered: the login page says what is wrong.
				window.location.replace(login);
				return;
			}
			// Not cookie mode: end that session rather than hold a
			// refresh token in a page.
			return Account.call("POST", "logout", undefined,
			    r.data.access_token).then(function () {
				Account.error(box, { message: "The account is " +
				    "made, but these pages need the server's " +
				    "cookie mode (AUTH_COOKIE_MODE=on)." });
			});
		});
	});
})();
