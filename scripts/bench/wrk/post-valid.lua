-- wrk: POST a valid replicate request body on every request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"zone":"de-fra-1"}'
