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
			if (r === undefined)
				return;
			if (r.status !== 200 || r.data.refresh_token !== undefined) {
				// Registered; let the login page say what is wrong.
				window.location.replace("login" + (next !== null ?
				    "?next=" + encodeURIComponent(next) : ""));
				return;
			}
			window.location.replace(next !== null ? next : "./");
		});
	});
})();
