-- POST /introspect of the benchmark account's access token, form-encoded
-- as RFC 7662 has it, with the benchmark client's HTTP Basic credentials
-- (BENCH_BASIC, the whole header value).  The request is made once.

function init(args)
	local f = io.open(os.getenv("BENCH_ACCESS"))
	local token = f:read("*l")
	f:close()
	req = wrk.format("POST", "/introspect", {
		["Authorization"] = os.getenv("BENCH_BASIC"),
		["Content-Type"] = "application/x-www-form-urlencoded" },
		"token=" .. token)
end

function request()
	return req
end
