-- POST /login at the configured bcrypt cost: every request for the
-- benchmark account (BENCH_EMAIL), or, with BENCH_EMAIL_EACH=PREFIX and
-- as many wrk threads as connections, wrk thread i for PREFIXi@example.com,
-- an account of its own.  With BENCH_FORWARD set (the server trusting
-- its proxy, AUTH_TRUST_PROXY=on), thread i also comes from an address
-- of its own, 10.0.0.i+1, as logins to a real site do: one address
-- for all would make every login count on one throttle row.

dofile("bench/threads.lua")

function init(args)
	local email = os.getenv("BENCH_EMAIL")
	local each = os.getenv("BENCH_EMAIL_EACH")
	if each ~= nil and each ~= "" then
		email = each .. id .. "@example.com"
	end
	body = '{"email":"' .. email .. '","password":"benchmark password"}'
	headers = { ["Content-Type"] = "application/json" }
	local forward = os.getenv("BENCH_FORWARD")
	if forward ~= nil and forward ~= "" then
		headers["X-Forwarded-For"] = "10.0.0." .. (id + 1)
	end
end

function request()
	return wrk.format("POST", nil, headers, body)
end
