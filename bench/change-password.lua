-- POST /change-password (the cost-4 server): wrk thread i uses line i of
-- BENCH_ACCESS, the access token of an account of its own, on its one
-- connection (run with as many threads as connections), and flips the
-- password between two, so each request proves the one the last set.

dofile("bench/threads.lua")

function init(args)
	local i = 0
	for line in io.lines(os.getenv("BENCH_ACCESS")) do
		if i == id then
			token = line
		end
		i = i + 1
	end
	passwords = { "benchmark password", "benchmark password 2" }
	cur = 1
end

function request()
	return wrk.format("POST", "/change-password",
	    { ["Content-Type"] = "application/json",
	      ["Authorization"] = "Bearer " .. token },
	    '{"current_password":"' .. passwords[cur] ..
	    '","new_password":"' .. passwords[3 - cur] .. '"}')
end

function response(status, headers, body)
	if status == 200 then
		cur = 3 - cur
	end
end
