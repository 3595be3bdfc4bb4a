"""The transport layer shared by every fake service: requests, responses, routing, faults and
microversions. Business logic never sees these objects' HTTP details beyond a `Request`'s
parsed body, path parameters, caller context and negotiated microversion."""
