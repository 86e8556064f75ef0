"""Calls that are sinks: which argument of which call carries data where it must
not go (commands, SQL, files, XML, headers, logs, the session)."""

from __future__ import annotations

import ast
import re

from shieldwall.analyzers.code import catalog as cat
from shieldwall.analyzers.code.state import (
    HTML_BODY,
    LOGGER,
    RESPONSE,
    FlowState,
    fixed_destination,
    not_html,
    said_html,
)
from shieldwall.analyzers.code.syntax import (
    attr_name,
    is_session,
    looks_like_logger,
    on_query,
    xpathish,
)
from shieldwall.analyzers.code.values import (
    Val,
    union_taint,
)

# What sends a request on an http.client (or urllib3) connection.
HTTP_CONNECTION_SENDS = frozenset({"request", "putrequest", "request_chunked"})
_CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?([a-zA-Z%])")


def repr_only(message: Val) -> bool:
    """A %-format message whose every conversion is `%r` (repr() of the argument)."""
    if not message.known or not isinstance(message.const, str):
        return False
    kinds = [k for k in _CONVERSION.findall(message.const) if k != "%"]
    return bool(kinds) and all(k == "r" for k in kinds)


def formatted_text(node: ast.expr) -> bool:
    """A string formatted here from literal text: `"..." % x`, `"..." + x`,
    `"...".format(x)`, an f-string with fields."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return any(
            formatted_text(side) or (isinstance(side, ast.Constant) and isinstance(side.value, str))
            for side in (node.left, node.right)
        )
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
    )


class SinkChecks(FlowState):
    """Calls that are sinks: which argument of which call carries data where it must
    not go (commands, SQL, files, XML, headers, logs, the session)."""

    def check_sinks(
        self,
        node: ast.Call,
        qual: str | None,
        method: str | None,
        receiver: Val | None,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> None:
        name = qual or ""
        if name == "print" or (
            method in cat.LOG_METHODS
            and receiver is not None
            and (receiver.qual in ("logging", LOGGER) or looks_like_logger(node.func))
        ):
            self.markup_handled(node, args)  # markup printed or logged is not served
        if self._call_sinks(node, name, args, kwargs):
            return
        if method is None or receiver is None:
            return
        if not self._typed_method_sinks(node, method, receiver, args, kwargs):
            self._named_method_sinks(node, method, receiver, args, kwargs)

    def _call_sinks(
        self, node: ast.Call, name: str, args: list[Val], kwargs: dict[str, Val]
    ) -> bool:
        """Sinks known by the function's qualified name; True when the name decided."""
        if (
            "headers" in kwargs
            and name.rsplit(".", 1)[-1].endswith("Response")
            and name.split(".", 1)[0] in cat.WEB_RESPONSE_MODULES
        ):
            self.header_dict_sink(kwargs["headers"], node)  # Response(..., headers={...})
        if name == cat.START_RESPONSE and len(args) > 1:
            pairs = args[1].items if args[1].items is not None else [args[1]]
            for pair in pairs:
                if pair.items is not None and len(pair.items) == 2:
                    self.header_sink(pair.items[0], pair.items[1], node)
                else:
                    self.sink("header", pair.deep_taint(), node, "a response header")
            return True
        if name in cat.MODULE_IMPORTS:
            self._module_import(node, name, args, kwargs)
            return True
        spec = cat.SINK_CALLS.get(name)
        if name == "numpy.load":
            # unpickles only when allowed to (allow_pickle is False since numpy 1.16.3)
            allow = kwargs.get("allow_pickle") or (args[2] if len(args) > 2 else None)
            if allow is None or allow.consts != frozenset({True}):
                return True
        if spec is not None:
            headers: list[Val] = []
            if spec.cls == "xss" and name.endswith("make_response"):
                if args and args[0].items is not None:
                    args = list(args[0].items)  # make_response((body, status, headers))
                # make_response(body, status, headers): the mappings are headers
                headers = [
                    v
                    for i, v in enumerate(args[1:], 1)
                    if v.keys is not None
                    or (i < len(node.args) and isinstance(node.args[i], ast.Dict))
                ]
                for h in headers:
                    self.header_dict_sink(h, node)
                args = args[:1]
            at = cat.CONTENT_TYPE_AT.get(name)
            if at is not None and len(args) > at and "content_type" not in kwargs:
                kwargs = {**kwargs, "content_type": args[at]}  # HttpResponse(body, type)
            if spec.cls == "xss" and not_html(kwargs, headers):
                return True
            if name in cat.HTML_ONLY_WHEN_SAID and not said_html(kwargs):
                return True
            shown = "XPathEvaluator()(...)" if name == "<xpatheval>" else name
            if (
                name.startswith(("os.exec", "os.spawn", "os.posix_spawn"))
                or name.endswith("create_subprocess_exec")
            ) and self._shell_program(spec, node, name, args):
                return True
            self._check_args(spec, node, shown, args, kwargs)
            return True
        if name in cat.SUBPROCESS_FUNCS:
            self._check_subprocess(node, name, args, kwargs)
            return True
        if name in ("yaml.load", "yaml.load_all"):
            loader = kwargs.get("Loader") or (args[1] if len(args) > 1 else None)
            lq = (loader.qual or "") if loader else ""
            if not loader or lq.rsplit(".", 1)[-1] not in cat.YAML_SAFE_LOADERS:
                data = args[0] if args else kwargs.get("stream")
                if data is not None:
                    self.sink("deser", data.deep_taint(), node, f"`{name}`")
            return True
        if name in cat.XML_PARSE_FUNCS:
            parser = args[1] if len(args) > 1 else kwargs.get("parser")
            if parser is not None and "xxe" in parser.flags and args:
                self.sink("xxe", args[0].deep_taint(), node, f"`{name}` with external entities")
            return True
        if name in cat.LXML_PARSE_FUNCS:
            parser = args[1] if len(args) > 1 else kwargs.get("parser")
            if args and (parser is None or "safe" not in parser.flags):
                self.sink("xxe", args[0].deep_taint(), node, f"`{name}`")
            return True
        return False

    def _module_import(
        self, node: ast.Call, name: str, args: list[Val], kwargs: dict[str, Val]
    ) -> None:
        """import_module(name) / __import__(name): the module named runs."""
        module = args[0] if args else kwargs.get("name")
        if module is not None:
            self.sink("import", module.deep_taint(), node, f"`{name}` of a module named by input")

    def _typed_method_sinks(
        self,
        node: ast.Call,
        method: str,
        receiver: Val,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> bool:
        """Methods of values whose type is followed, and sink methods known by name;
        True when the method decided."""
        if receiver.qual == "pathlib.Path" and method in cat.PATH_METHODS:
            self.sink("path", receiver.deep_taint(), node, f"`Path.{method}`")
            return True
        if (
            receiver.qual == RESPONSE
            and HTML_BODY in receiver.flags
            and method in cat.RESPONSE_BODY_METHODS
            and args
        ):
            # HttpResponse().write(x), Response().set_data(x): x is the HTML served
            self.sink("xss", union_taint(args), node, f"the response's `{method}()`")
            return True
        if receiver.qual == "<request>" and method == "write" and "twisted" in self.m.imported:
            # Twisted's request is the response too: what it is given is the page
            self.sink("xss", union_taint(args), node, "the request's `write()`")
            return True
        handler = node.func.value if isinstance(node.func, ast.Attribute) else None
        if (
            method in ("write", "writelines")
            and args
            and isinstance(handler, ast.Attribute)
            and handler.attr == "wfile"
            and isinstance(handler.value, ast.Name)
            and self._http_handler_method(handler.value.id)
        ):
            # an http.server handler's self.wfile: the response as it goes out, HTML
            # unless the method declares a type a browser does not render as a page
            if not (self.info is not None and _serves_no_html(self.info.node)):
                self.sink("xss", union_taint(args), node, "the handler's `wfile.write()`")
            return True
        if receiver.qual == "<tar-archive>" and method in ("extractall", "extract"):
            self._tar_extraction(node, method, receiver, args, kwargs)
            return True
        if receiver.qual == "<http-connection>" and method in HTTP_CONNECTION_SENDS:
            # the host the connection was opened to decides where the request goes
            self.sink("ssrf", receiver.taint, node, f"`HTTPConnection.{method}`")
            return True
        if receiver.qual == "<http-connection>" and method == "set_tunnel":
            # the host a proxy is asked to open a tunnel to
            host = args[0] if args else kwargs.get("host")
            self.sink("ssrf", host.deep_taint() if host else None, node, "`set_tunnel`")
            return True
        if (
            receiver.qual == "<parser>"
            and "xxe" in receiver.flags
            and method in ("parse", "feed")
            and args
        ):
            self.sink("xxe", args[0].deep_taint(), node, f"`{method}` with external entities")
        if receiver.qual == cat.UNPICKLER and method == "load":
            self.sink("deser", receiver.taint, node, "`Unpickler.load`")
            return True
        mspec = cat.SINK_METHODS.get(method)
        if mspec is not None:
            needs = cat.SINK_METHOD_LIBRARIES.get(method)
            if needs is not None and not needs & self.m.imported:
                return True  # a method of that name on something else
            self._check_args(mspec, node, f".{method}()", args, kwargs)
            return True
        if (
            method in cat.ETREE_FIND_METHODS
            and args
            and receiver.qual != "re"
            and {"xml", "lxml", "defusedxml"} & self.m.imported
            and (xpathish(node.args[0]) or xpathish(ast.Constant(args[0].prefix or "")))
        ):
            # the query written in the call or held in a variable built from a literal step
            self.sink("xpath", args[0].deep_taint(), node, f"ElementTree `{method}()`")
            return True
        return False

    def _tar_extraction(
        self, node: ast.Call, method: str, archive: Val, args: list[Val], kwargs: dict[str, Val]
    ) -> None:
        """TarFile.extractall() or extract(member) of an archive from input: a member
        named `../x` or `/etc/x` is written there, unless a filter refuses it, the
        members are chosen by the caller (anything but the archive itself) or the
        one member extracted is named by the application."""
        filt = kwargs.get("filter")
        if filt is not None and (
            (filt.known and filt.const in cat.TAR_SAFE_FILTERS) or filt.qual in cat.TAR_SAFE_FILTERS
        ):
            return
        if method == "extract":
            member = args[0] if args else kwargs.get("member")
            if member is None or member.known:
                return
        else:
            members = kwargs.get("members") or (args[1] if len(args) > 1 else None)
            if members is not None and members.qual != "<tar-archive>":
                return
        what = f"`TarFile.{method}()` of an archive from input"
        self.sink("path", archive.taint, node, what)

    def _named_method_sinks(
        self,
        node: ast.Call,
        method: str,
        receiver: Val,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> None:
        """Sinks recognised by a method name and the shape of the call (LDAP searches,
        `extra()`, loggers, uploads saved, cookies, response headers, the session)."""
        if (
            method == "search"
            and {"ldap3", "ldap"} & self.m.imported
            and (receiver.qual or "") != "re"
            and (len(args) >= 2 or {"search_filter", "filterstr"} & kwargs.keys())
        ):
            # python-ldap: search(base, scope, filterstr); ldap3: search(base, filter)
            at = 2 if len(args) >= 3 and (args[1].qual or "").startswith("ldap.SCOPE") else 1
            self._check_args(
                cat.Sink("ldap", (at,), ("search_filter", "filterstr")),
                node,
                "an LDAP search filter",
                args,
                kwargs,
            )
        elif (
            method == "setopt"
            and "pycurl" in self.m.imported
            and len(args) > 1
            and (args[0].qual or "").endswith(".URL")
        ):
            # pycurl: c.setopt(pycurl.URL, url) sets where c.perform() connects
            self.sink("ssrf", args[1].deep_taint(), node, "pycurl's URL option")
        elif method == "extra":
            self._check_args(
                cat.Sink("sql", cat.DJANGO_EXTRA_POSITIONS, cat.DJANGO_EXTRA_KWARGS),
                node,
                "QuerySet.extra()",
                args,
                kwargs,
            )
        elif method in cat.LOG_METHODS and (
            receiver.qual in ("logging", LOGGER) or looks_like_logger(node.func)
        ):
            # the message and the %-arguments logging interpolates into it
            msg_args = args[1:] if method == "log" else args
            if msg_args and repr_only(msg_args[0]):
                msg_args = msg_args[:1]  # "%r" escapes CR and LF in what it formats
            if msg_args:
                self.sink("log", union_taint(msg_args), node, "a log message")
        elif (
            method == "save"
            and args
            and receiver.deep_taint() is not None
            and receiver.qual is None
        ):
            # an uploaded file (or an object made from one) saved under a chosen path
            self.sink("path", args[0].deep_taint(), node, "`.save()` of uploaded data")
        elif method == "set_cookie":
            value = args[1] if len(args) > 1 else kwargs.get("value")
            if value is not None:
                self.sink("weakrand", value.deep_taint(), node, "a cookie value")
        else:
            self._response_and_query_sinks(node, method, receiver, args, kwargs)

    def _response_and_query_sinks(
        self,
        node: ast.Call,
        method: str,
        receiver: Val,
        args: list[Val],
        kwargs: dict[str, Val],
    ) -> None:
        """The rest of `_named_method_sinks`: response headers, SQLAlchemy criteria
        given as text, the session."""
        if method == "setdefault" and receiver.qual == RESPONSE and len(args) > 1:
            # Django: response.setdefault(header, value) sets it unless already set
            self.header_sink(args[0], args[1], node)
        elif (
            method in cat.SQLALCHEMY_CRITERIA_METHODS
            and node.args
            and formatted_text(node.args[0])
            and (
                {"sqlalchemy", "flask_sqlalchemy"} & self.m.imported
                or on_query(
                    node.func.value if isinstance(node.func, ast.Attribute) else None,
                    self.query_names,
                )
            )
        ):
            # SQLAlchemy before 2.0 reads a plain string criterion as SQL text
            self.sink("sql", args[0].deep_taint(), node, f"SQL text given to `{method}()`")
        elif receiver.qual == "<headers>" and method in ("add", "set", "setdefault") and args:
            # werkzeug's Headers() rejects newlines in values, not in names
            self.sink("header", args[0].deep_taint(), node, "a response header name")
        elif len(args) > 1 and (
            method in ("add_header", "set_header", "setHeader", "send_header")
            or (method in ("add", "set", "setdefault") and attr_name(node.func) == "headers")
        ):
            self.header_sink(args[0], args[1], node)
        elif method in ("update", "extend") and attr_name(node.func) == "headers":
            for v in args:
                self.header_dict_sink(v, node)
            if kwargs:
                self.header_dict_sink(Val(keys={k: v for k, v in kwargs.items()}), node)
        elif method in ("update", "setdefault", "__setitem__") and is_session(
            node.func.value if isinstance(node.func, ast.Attribute) else None, receiver
        ):
            self.sink("trust", union_taint([*args, *kwargs.values()]), node, "the session")

    def _shell_program(self, spec: cat.Sink, node: ast.Call, name: str, args: list[Val]) -> bool:
        """os.execl("/bin/sh", "sh", "-c", cmd): the arguments of a shell are a command."""
        at = spec.args[0] if spec.args else 0
        if (
            at >= len(args)
            or not args[at].known
            or str(args[at].const).rsplit("/", 1)[-1] not in cat.SHELLS
        ):
            return False
        rest: list[Val] = []
        for v in args[at + 1 :]:
            rest.extend(v.items if v.items is not None else [v])
        self.sink("cmd", union_taint(rest), node, f"`{name}` running a shell")
        return True

    def _check_args(
        self, spec: cat.Sink, node: ast.Call, name: str, args: list[Val], kwargs: dict[str, Val]
    ) -> None:
        for i in spec.args:
            if (
                i < len(args)
                and not fixed_destination(spec.cls, args[i])
                and self.sink(spec.cls, args[i].deep_taint(), node, f"`{name}`")
            ):
                return
        for kw in spec.kwargs:
            if (
                kw in kwargs
                and not fixed_destination(spec.cls, kwargs[kw])
                and self.sink(spec.cls, kwargs[kw].deep_taint(), node, f"`{name}`")
            ):
                return

    def _check_subprocess(
        self, node: ast.Call, name: str, args: list[Val], kwargs: dict[str, Val]
    ) -> None:
        cmd = args[0] if args else kwargs.get("args")
        if cmd is None:
            return
        shell = kwargs.get("shell")
        shell_on = shell is not None and (not shell.known or bool(shell.const))
        if cmd.items is None:
            if shell_on or cmd.known or cmd.consts is not None:
                self.sink("cmd", cmd.deep_taint(), node, f"`{name}`")
            elif cmd.prefix is not None and any(c.isspace() for c in cmd.prefix):
                # "grep -R %s ." without a shell is one program name, "grep -R ...",
                # under a folder named by the fixed start: input cannot pick another
                return
            else:
                # A string runs as a program name; a list we could not follow: element 0
                # (a caller that passes a list of known shape is judged on its first item)
                self.sink("cmd", cmd.deep_taint(), node, f"`{name}` program")
            return
        if not cmd.items:
            return
        first = cmd.items[0]
        if shell_on:
            self.sink("cmd", cmd.deep_taint(), node, f"`{name}` with shell=True")
        elif first.consts is not None and any(
            str(c).rsplit("/", 1)[-1] in cat.SHELLS for c in first.consts
        ):
            self.sink("cmd", cmd.deep_taint(), node, f"`{name}` running a shell")
        else:
            self.sink("cmd", first.deep_taint(), node, f"`{name}` program")


def _serves_no_html(function: ast.AST) -> bool:
    """The method sets its Content-Type only to constants, none of them HTML or
    XML (`send_header("Content-Type", "application/json")`): what it writes is
    data a browser does not render as a page."""
    types = []
    for call in ast.walk(function):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "send_header"
            and len(call.args) == 2
        ):
            continue
        name, value = call.args
        if not (isinstance(name, ast.Constant) and str(name.value).lower() == "content-type"):
            continue
        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return False  # a type decided elsewhere: may be HTML
        types.append(value.value.lower())
    return bool(types) and not any("html" in t or "xml" in t or "svg" in t for t in types)
