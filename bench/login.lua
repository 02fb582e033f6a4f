-- POST /login for the benchmark account, at the configured bcrypt cost.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"' .. os.getenv("BENCH_EMAIL") ..
    '","password":"benchmark password"}'
