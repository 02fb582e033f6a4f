-- POST /register, a new account each request (the cost-4 server): the
-- address is made of BENCH_RUN, the wrk thread and a counter, so no two
-- requests of a run, nor of two runs, ask for the same one.

dofile("bench/threads.lua")

function init(args)
	n = 0
	prefix = (os.getenv("BENCH_RUN") or "r") .. "-" .. id .. "-"
end

function request()
	n = n + 1
	return wrk.format("POST", "/register",
	    { ["Content-Type"] = "application/json" },
	    '{"email":"' .. prefix .. n ..
	    '@example.com","password":"benchmark password"}')
end
