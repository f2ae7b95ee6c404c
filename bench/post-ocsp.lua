-- wrk script: POST one fixed DER OCSP request (path in the OCSP_REQUEST environment variable).
local file = assert(io.open(os.getenv("OCSP_REQUEST"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*all")
wrk.headers["Content-Type"] = "application/ocsp-request"
file:close()
