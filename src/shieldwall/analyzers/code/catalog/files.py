"""File-name sinks beyond open(): web frameworks' file responses, the rest of os,
os.path (and the modules it stands for), shutil and tempfile that take a file
name. What they send, stat, link, change or list is the file input names. Added
to SINK_CALLS."""

from __future__ import annotations

from shieldwall.analyzers.code.catalog.sinks import SINK_CALLS, Sink, words

FILE_NAME_SINKS: dict[str, Sink] = {
    # web frameworks' responses that send a file by its name
    "sanic.response.file": Sink("path", (0,), ("location",)),
    "sanic.response.file_stream": Sink("path", (0,), ("location",)),
    "flask.send_file": Sink("path", (0,), ("path_or_file", "filename_or_fp")),
    "flask.helpers.send_file": Sink("path", (0,), ("path_or_file",)),
    "flask.send_from_directory": Sink("path", (0,), ("directory",)),
    "starlette.responses.FileResponse": Sink("path", (0,), ("path",)),
    "fastapi.responses.FileResponse": Sink("path", (0,), ("path",)),
    "aiohttp.web.FileResponse": Sink("path", (0,), ("path",)),
    "cherrypy.lib.static.serve_file": Sink("path", (0,), ("path",)),
    "cherrypy.lib.static.serve_download": Sink("path", (0,), ("path",)),
    "cherrypy.lib.static.staticfile": Sink("path", (0,), ("filename",)),
    "builtins.open": Sink("path", (0,), ("file",)),
    "file": Sink("path", (0,), ("name",)),  # Python 2's builtin open
    # Django's file storage rooted at a folder: every name it saves or opens is there
    "django.core.files.storage.FileSystemStorage": Sink("path", (0,), ("location",)),
    "django.core.files.storage.filesystem.FileSystemStorage": Sink("path", (0,), ("location",)),
    # the rest of os/os.path that takes a file name: what they stat, link, change or
    # list is the file input names (also the implementations os.path stands for)
    **{
        f"{mod}.{name}": Sink("path", (0,), ("path", "s"))
        for mod in ("os.path", "posixpath", "ntpath", "genericpath")
        for name in ("exists", "isfile", "isdir", "islink", "ismount", "lexists", "getsize")
    },
    **{
        f"os.{name}": Sink("path", (0,), ("path",))
        for name in words(
            "access chdir chflags chroot lchflags lchmod lchown lstat mkfifo mknod pathconf"
            " readlink stat statvfs utime getxattr listxattr removexattr setxattr"
        )
    },
    "os.fwalk": Sink("path", (0,), ("top",)),
    "os.link": Sink("path", (0, 1), ("src", "dst")),
    "os.renames": Sink("path", (0, 1), ("old", "new")),
    "shutil.disk_usage": Sink("path", (0,), ("path",)),
    # temporary files: the name is joined from dir, prefix and suffix
    **{
        f"tempfile.{name}": Sink("path", (0, 1, 2), ("suffix", "prefix", "dir"))
        for name in ("mkstemp", "mkdtemp", "TemporaryDirectory")
    },
    **{
        f"tempfile.{name}": Sink("path", (4, 5, 6), ("suffix", "prefix", "dir"))
        for name in ("NamedTemporaryFile", "TemporaryFile")
    },
    "tempfile.SpooledTemporaryFile": Sink("path", (5, 6, 7), ("suffix", "prefix", "dir")),
}
SINK_CALLS.update(FILE_NAME_SINKS)
