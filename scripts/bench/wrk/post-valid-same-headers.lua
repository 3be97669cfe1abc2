-- wrk: POST a valid replicate request with the same headers `kmsconf bench` sends (User-Agent,
-- Accept, Content-Type; wrk adds Host and Content-Length), so that scripts/bench/compare-wrk.sh puts
-- the same bytes on the wire from both clients and the server does the same work for each.
wrk.method = "POST"
wrk.headers["User-Agent"] = "kmsconf-bench/0.1"
wrk.headers["Accept"] = "application/json"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"zone":"de-fra-1"}'
