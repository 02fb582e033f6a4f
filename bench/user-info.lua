-- GET /user-info, each request with the next access token of the file
-- BENCH_ACCESS (one per line): the benchmark account's one token on the
-- empty database; tokens of users spread over the whole table on the
-- seeded one.  BENCH_PATH asks for another path with them (the page
-- behind the authorizer).  The requests are made once, in init(), so both runs
-- cost wrk the same.

dofile("bench/threads.lua")

function init(args)
	local path = os.getenv("BENCH_PATH") or "/user-info"
	reqs = {}
	for line in io.lines(os.getenv("BENCH_ACCESS")) do
		table.insert(reqs, wrk.format("GET", path,
		    { ["Authorization"] = "Bearer " .. line }))
	end
	-- Threads start at different places in the list.
	n = (id * 7919) % #reqs
end

function request()
	n = n % #reqs + 1
	return reqs[n]
end
