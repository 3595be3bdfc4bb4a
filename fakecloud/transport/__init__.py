"""How real clients reach a cloud: endpoint hosts, token checks, in-process interception through
`responses`, and a real HTTP server on 127.0.0.1. Business logic never sees HTTP; this layer
turns wire requests into `fakecloud.api.http.Request` objects and back."""
