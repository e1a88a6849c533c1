#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into Fuzz/Corpus/<target>/ (checked in; run it
again after changing it). Hand-made valid and edge inputs, a few KiB per target."""
import os, shutil, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, seeds):
    folder = os.path.join(HERE, "Corpus", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


# --- HTTP -----------------------------------------------------------------------------------
write("FuzzHTTPRequestParser", {
    "get": "GET /hello?name=Ann&x=%41 HTTP/1.1\r\nHost: example.com\r\nAccept: application/json\r\n\r\n",
    "post-json": "POST /api/items HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n"
                 '{"a":[1,2.5,"x"],"b":null}\n',
    "post-form": "POST /f HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 "Content-Length: 21\r\n\r\nname=A+n%20n&name=2&z",
    "chunked": "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
               "5;ext=1\r\n[1,2]\r\n0\r\nTrailer: x\r\n\r\n",
    "pipelined": "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.0\r\n\r\nHEAD /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "expect": "PUT /up HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
    "upgrade": "GET /ws/chat/lobby HTTP/1.1\r\nHost: localhost:7145\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://localhost:7145\r\n"
               "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, permessage-deflate; server_no_context_takeover; "
               'client_max_window_bits="10"\r\n\r\n\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x4d\x58',
    "absolute": "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\nGET http://example.com:80/p?q HTTP/1.1\r\nHost: example.com\r\n\r\n",
    "bad-lf": "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n",
    "smuggle": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "obs-fold": "GET / HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n",
    "encoded-path": "GET /a%2Fb/%E2%82%AC/..%2F/%zz?x=%ff&&=&y HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
})

# --- WebSocket frames -------------------------------------------------------------------------
def frame(opcode, payload, fin=True, rsv1=False, mask=b"\x37\xfa\x21\x3d"):
    first = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
    n = len(payload)
    if n < 126:
        head = bytes([first, (0x80 if mask else 0) | n])
    elif n < 65536:
        head = bytes([first, (0x80 if mask else 0) | 126]) + struct.pack(">H", n)
    else:
        head = bytes([first, (0x80 if mask else 0) | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def deflated(data, wbits=15):
    c = zlib.compressobj(6, zlib.DEFLATED, -wbits)
    out = c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


chat = '{"type":"message","room":"lobby","user":"Ann","text":"hello there, hello there, hello there"}'.encode()
frames = {
    "text": frame(1, b"Hello"),
    "binary": frame(2, bytes(range(256))),
    "fragmented": frame(1, "caf\u00e9 ".encode()[:4], fin=False) + frame(9, b"ping") + frame(0, "caf\u00e9 ".encode()[4:]),
    "ping-pong-close": frame(9, b"") + frame(10, b"x" * 125) + frame(8, struct.pack(">H", 1000) + b"bye"),
    "close-empty": frame(8, b""),
    "close-bad-code": frame(8, struct.pack(">H", 1005)),
    "len16": frame(1, b"a" * 300),
    "len64": bytes([0x82, 0xFF]) + struct.pack(">Q", 70000) + b"\x01\x02\x03\x04" + b"z" * 64,
    "unmasked": frame(1, b"hi", mask=None),
    "bad-utf8": frame(1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"),
    "deflate": frame(1, deflated(chat), rsv1=True) + frame(1, deflated(chat), rsv1=True),
    "deflate-fragments": frame(1, deflated(chat)[:10], fin=False, rsv1=True) + frame(0, deflated(chat)[10:]),
    "deflate-corrupt": frame(2, b"\xff\xff\xff\xff", rsv1=True),
    "rsv1-control": frame(9, b"", rsv1=True),
}
write("FuzzWebSocketFrameDecoder", frames)

# --- the connection machine: a program (see FuzzWebSocketConnection/main.swift) -----------------
def reads(data, size=200):
    out = b""
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += bytes([0, len(piece)]) + piece
    return out

write("FuzzWebSocketConnection", {
    "echo": b"\x00" + reads(frame(1, b"Hello") + frame(2, b"\x00\x01")) + b"\x08" + reads(frame(8, struct.pack(">H", 1000))) + b"\x0c",
    "peer-close": b"\x00" + reads(frames["ping-pong-close"]) + b"\x0c",
    "deflate": b"\x01" + reads(frames["deflate"] + frames["deflate-fragments"]) + b"\x0a",
    "deflate-no-context": b"\x03" + reads(frame(1, deflated(chat), rsv1=True) + frame(1, deflated(chat), rsv1=True)) + b"\x0b",
    "deflate-window9": b"\x05" + reads(frame(1, deflated(chat, 9), rsv1=True)) + b"\x09\x09",
    "timeout": b"\x00" + reads(frame(1, b"a", fin=False)) + b"\x08\x09\x09",
    "handler-throws": b"\x00\x0d" + reads(frame(1, b"boom")) + b"\x0a\x09",
    "handler-closes": b"\x00\x0e" + reads(frame(1, b"bye") + frame(1, b"more")) + b"\x0f" + frame(8, b""),
    "violation": b"\x00" + reads(frame(1, b"x", mask=None) + frame(1, b"never")) + b"\x0c\x09",
    "eof": b"\x00\x0a\x0b",
})

# --- JSON ---------------------------------------------------------------------------------------
write("FuzzJSON", {
    "object": '{"type":"message","room":"lobby","n":-12.5e-3,"ok":true,"none":null,"list":[1,[2,[3]],{}]}',
    "escapes": r'["\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r","<script>&amp;\u2028\u0000"]',
    "numbers": "[0,-0,1e308,1e-400,123456789012345678901234567890,0.1,5e-324,-1.7976931348623157e308,1E+2]",
    "dup-keys": '{"a":1,"a":2,"b":{"a":3},"":4}',
    "many-keys": "{" + ",".join('"k%d":%d' % (i, i) for i in range(40)) + "}",
    "deep": "[" * 60 + "]" * 60,
    "bad-surrogate": r'"\ud800"',
    "bad": '{"a":01,"b":.5,"c":1.,"d":tru}',
    "whitespace": ' \t\r\n{ "a" : [ ] } \n',
    "utf8": '"caf\u00e9 \U0001F1FA\U0001F1F3"'.encode("utf-8"),
})

# --- Frond --------------------------------------------------------------------------------------
write("FuzzFrond", {
    "print": "Hi {{ name }} {{ name|raw }} {{ user.profile.bio|e('html_attr') }} {{ js|e('js') }} {{ items|json_encode }}",
    "filters": "{{ name|upper|lower|capitalize|title|trim|length }} {{ numbers|sort|reverse|join(', ') }} "
               "{{ stamp|date('Y-m-d H:i:s D N jS') }} {{ int64max|date('c') }} {{ huge|round(2, 'ceil') }} "
               "{{ half|number_format(3, ',', ' ') }} {{ negative|abs }} {{ 'a,b'|split(',')|first }} "
               "{{ unicode|url_encode }} {{ space|nl2br }} {{ '<b>x</b>'|striptags }} {{ nothing|default('d') }} "
               "{{ user|keys|last }} {{ name|replace({'Ann': 'Bo'}) }} {{ emptyList|length }}",
    "if": "{% if user.name == 'Bo' and not no or zero > 1 %}yes{% elseif items is empty %}e{% else %}no{% endif %}"
          "{{ one + 2 * 3 // 2 % 5 ** 2 - half }} {{ name ~ '!' }} {{ 'x' in name }} {{ name starts with 'A' }}"
          "{{ yes ? 'y' : 'n' }} {{ nothing ?? 'fallback' }} {{ [1, 2][0] }} {{ {'a': 1}.a }}",
    "for": "{% for i, item in items %}{{ loop.index }}/{{ loop.length }}:{{ item }}{% if loop.last %}.{% endif %}"
           "{% else %}none{% endfor %}",
    "range": "{% for n in 1..5 %}{{ n }}{% endfor %}{{ range(10, 0, 3)|join }}",
    "set": "{% set x = name ~ '-' ~ one %}{{ x }}{% set block %}<b>{{ x }}</b>{% endset %}{{ block }}",
    "extends": "{% extends 'base.html' %}{% block title %}T{% endblock %}{% block body %}B {{ parent() }}{% endblock %}",
    "include": "{% include 'part.html' %}{% include 'missing.html' ignore missing %}{% include 'part.html' with {'name': 'Z'} only %}"
               "{% include 'child.html' %}",
    "trim": "a {{- name -}} b {%- if yes -%} c {%- endif -%} {#- note -#} d\n{% verbatim %}{{ raw }}{% endverbatim %}",
    "errors": "{{ name|nosuchfilter }}{% if %}{{ 1 +",
    "unclosed": "{% for x in items %}{{ x }",
})

# --- RESP ---------------------------------------------------------------------------------------
write("FuzzRESP", {
    "message": b"*3\r\n$7\r\nmessage\r\n$8\r\ntina4:ws\r\n$5\r\nhello\r\n",
    "types": b"+OK\r\n-ERR wrong\r\n:-42\r\n:9223372036854775807\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n",
    "nested": b"*2\r\n*2\r\n:1\r\n*1\r\n+deep\r\n$-1\r\n",
    "subscribe": b"*3\r\n$9\r\nsubscribe\r\n$8\r\ntina4:ws\r\n:1\r\n",
    "binary": b"$4\r\n\x00\r\n\xff\r\n",
    "bad": b":12a\r\n",
    "overflow": b":9223372036854775808\r\n",
    "lf-only": b"+OK\n",
    "deep": b"*1\r\n" * 6 + b":1\r\n",
})
