"""The chapter's production picture: nginx terminating TLS in front of two instances, with the
chapter's `proxy_set_header Upgrade/Connection` config; `wss://` clients and the chat page in
headless Chromium, one room spanning both instances."""
import json
import os
import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path

import pytest

from cluster_support import Process, free_port, port_accepts, wait_until
from cluster_helpers import Client

NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    upstream tina4 {{
        server 127.0.0.1:{a};
        server 127.0.0.1:{b};
    }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate     {dir}/cert.pem;
        ssl_certificate_key {dir}/key.pem;
        location / {{
            proxy_pass http://tina4;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_read_timeout 3600s;
        }}
    }}
}}
"""


class Nginx(Process):
    def __init__(self, upstream_ports):
        super().__init__("nginx")
        self.dir = tempfile.mkdtemp(prefix="tina4-nginx-")
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.wss = f"wss://127.0.0.1:{self.port}"
        self.cert = os.path.join(self.dir, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-keyout", os.path.join(self.dir, "key.pem"), "-out", self.cert,
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=30)
        Path(self.dir, "nginx.conf").write_text(
            NGINX_CONF.format(dir=self.dir, port=self.port, a=upstream_ports[0], b=upstream_ports[1]))

    def start(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.spawn([nginx, "-e", os.path.join(self.dir, "error.log"), "-p", self.dir,
                    "-c", os.path.join(self.dir, "nginx.conf"), "-g", "daemon off;"])
        wait_until(lambda: port_accepts(self.port) or (self.proc.poll() is not None and pytest.fail(
            f"nginx exited:\n{self.tail()}\n{Path(self.dir, 'error.log').read_text(errors='replace')}")),
            20, "nginx")


@pytest.fixture
def nginx(cluster, processes):
    a, b = cluster
    proxy = Nginx([a.port, b.port])
    processes.append(proxy)
    proxy.start()
    return proxy


def which_instance(cluster, connection_id):
    a, b = cluster
    return wait_until(lambda: ("A" if f"conn={connection_id}" in a.text() else
                               "B" if f"conn={connection_id}" in b.text() else None), 5, "the connection in a log")


def test_wss_clients_through_nginx_share_one_room_across_both_instances(cluster, nginx):
    options = {"sslopt": {"cert_reqs": ssl.CERT_REQUIRED, "ca_certs": nginx.cert}}
    clients, where = [], {}
    for _ in range(4):   # round robin: alternate instances
        client = Client(nginx.wss + "/ws/livechat/general", **options)
        your_id = client.wait_json(lambda m: m.get("type") == "welcome")["your_id"]
        where[your_id] = which_instance(cluster, your_id)
        clients.append((your_id, client))
    assert set(where.values()) == {"A", "B"}, f"nginx sent every client to one instance: {where}"
    for your_id, client in clients:
        client.send(json.dumps({"type": "message", "text": f"hi from {where[your_id]}-{your_id}"}))
    for _, receiver in clients:
        for your_id, _ in clients:
            receiver.wait_json(lambda m, i=your_id: m.get("from_id") == i and m.get("type") == "message",
                               what=f"the message of {your_id}")
        assert len(receiver.json_messages("message")) == 4
    # "online" counts the room on both instances, whichever one a newcomer lands on.
    def newcomer_sees():
        probe = Client(nginx.wss + "/ws/livechat/general", **options)
        try:
            return probe.wait_json(lambda m: m.get("type") == "welcome")["online"]
        finally:
            probe.close()
    for _ in range(2):   # round robin: one probe lands on each instance
        wait_until(lambda: newcomer_sees() == 5, 10, "a newcomer to count 4 + itself")


def test_the_chat_page_works_through_nginx_in_chromium(cluster, nginx):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from helpers_browser import open_page, wait_message_text, wait_online

    def browser():
        options = Options()
        options.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--ignore-certificate-errors", "--window-size=1200,900"):
            options.add_argument(arg)
        return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")),
                                options=options)

    drivers = []
    try:
        alice = browser()
        drivers.append(alice)
        open_page(alice, f"{nginx.url}/chat/general?name=Alice")
        bob = None
        for attempt in range(6):   # until Bob's WebSocket lands on the other instance
            candidate = browser()
            drivers.append(candidate)
            open_page(candidate, f"{nginx.url}/chat/general?name=Bob{attempt}")
            a_opens = cluster[0].text().count("/ws/livechat/{room} conn=")
            b_opens = cluster[1].text().count("/ws/livechat/{room} conn=")
            if a_opens and b_opens:
                bob = candidate
                break
        assert bob is not None, "nginx never sent a page's WebSocket to the second instance"
        wait_online(bob, len(drivers))
        bob.find_element("css selector", "#message-input").send_keys("hello across instances\n")
        wait_message_text(alice, "hello across instances")
        alice.find_element("css selector", "#message-input").send_keys("hello back\n")
        wait_message_text(bob, "hello back")
    finally:
        for driver in drivers:
            driver.quit()
