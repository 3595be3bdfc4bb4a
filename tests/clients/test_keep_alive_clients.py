"""Over HTTP (``fakecloud serve``), an answer without a body keeps the connection open, as the
servers the real services run behind (uWSGI, Apache mod_wsgi, eventlet.wsgi) keep it: a client's
next request (openstacksdk's, through urllib3; here the standard library's ``http.client``,
whose ``will_close`` is the same reading of the answer) goes over the same connection. waitress
closed it after every 204 (``Connection: close``), so each image delete, tag or token revocation
cost the client a new connection.
"""

import http.client
from urllib.parse import urlsplit

from fakecloud.transport.server import FakecloudServer


def test_a_204_keeps_the_connection_and_close_is_still_honoured():
    with FakecloudServer(port_base=0, speed=0, settle=True, epoch="now") as served:
        token = served.cloud.keystone.token_for("demo").id
        image = urlsplit(served.urls["image"])
        conn = http.client.HTTPConnection(image.hostname, image.port, timeout=30)
        auth = {"X-Auth-Token": token, "Content-Type": "application/json"}

        def call(method, path, body=None, **headers):
            conn.request(method, path, body=body, headers={**auth, **headers})
            answer = conn.getresponse()
            answer.read()
            return answer

        made = call("POST", "/v2/images", body='{"name": "short-lived"}')
        assert made.status == 201 and not made.will_close
        sock = conn.sock
        image_id = made.getheader("Location").rsplit("/", 1)[1]
        deleted = call("DELETE", f"/v2/images/{image_id}")
        assert deleted.status == 204
        assert deleted.getheader("Connection") is None and not deleted.will_close
        listed = call("GET", "/v2/images")
        assert listed.status == 200 and conn.sock is sock  # the same connection throughout

        tagged = call("PUT", "/v2/images/nosuch/tags/t", Connection="close")
        assert tagged.status == 404 and tagged.will_close
        conn.close()
