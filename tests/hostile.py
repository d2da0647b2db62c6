"""Hostile markup for tests, and the check that none of it comes back able to run.

Every fragment carries the marker "zqx" right after the character that would open a tag or
close an attribute; escaped output turns that character into an entity, so finding the raw
pair means the page printed the input unescaped.
"""

MARKUP = [
    "<script>zqx()</script>",
    '"><img src=x onerror=zqx()>',
    "'><zqx onmouseover=alert(1)>",
    '" onfocus="zqx()" autofocus="',
    "</textarea></title><zqx>",
    "<svg/onload=zqx()>",
    "javascript:zqx()//",
    "{{ zqx }}{% zqx %}",
]
UNSAFE = ["<script>zqx", "<img src=x onerror=zqx", "<zqx", '"zqx', "'zqx", "<svg/onload=zqx", '="zqx()"']
SQL = ["' OR '1'='1", "1; DROP TABLE practices_practice; --", "%' UNION SELECT password FROM auth_user --", "\\x00"]


def assert_escaped(html, where=""):
    for needle in UNSAFE:
        assert needle not in html, f"unescaped {needle!r} in {where}"
