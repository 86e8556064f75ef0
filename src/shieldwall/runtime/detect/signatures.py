"""Signatures for the payload kinds libinjection does not cover. Each runs on
decoded, lower-cased text. Rule ids are stable: they appear in decisions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shieldwall.runtime.detect.gate import gated
from shieldwall.runtime.detect.shell import LAST_BREAK as _LAST_BREAK
from shieldwall.runtime.detect.shell import shell_command
from shieldwall.runtime.detect.sql import sql_shape
from shieldwall.runtime.detect.ssrf import internal_url


@dataclass(frozen=True, slots=True)
class Signature:
    rule: str
    kind: str
    test: Callable[[str], object]  # truthy when the lower-cased text matches
    fields: frozenset[str]  # which request parts it applies to


_VALUES = frozenset({"path", "query", "body", "header", "cookie"})
_HEADERS = _VALUES | {"user_agent", "referer"}

# Two steps up (also `....//`, which a filter removing `../` once leaves as
# `../`), one step up inside a path (`/../`, `/..;/` as Tomcat reads it,
# `\\..\\`), or one towards a file worth reading; a lone "../" in free text (a search for it)
# is not enough.
_TRAVERSAL = gated(
    r"(?:\.\.[/\\]){2,}|(?:\.\.(?:2f|5c)){2,}|(?:(?<!\.)\.{2,}+[/\\]{2,}){2}"
    r"|[/\\;]\.{2,}+(?:[\x20\t]++|::\$data)?(?:$|[/\\;])"
    # (from the last step up before the file: the folders between end in no `..`)
    r"|\.\.[/\\]++(?:(?:[\w.-]*[\w-]\.?|\.)[/\\])*(?:etc|proc"
    r"|windows|winnt|system32|boot\.ini|win\.ini|\.env|\.git|\.ssh|\.aws|web\.config|wp-config)"
    r"|(?:^|[/\\=:])(?:etc[/\\](?:passwd|shadow|group|hosts|issue)|proc[/\\]self[/\\]"
    r"|windows[/\\](?:win\.ini|system32)|boot\.ini|win\.ini)"
    # a path-like value that starts by going up; files only an intruder reads
    r"|^\.{2,}[/\\;]\S*$|(?:^|[\s/\\=:;'\"])(?:etc[/\\](?:sudoers|crontab|apache2|httpd|nginx"
    r"|mysql|ssh|master\.passwd|resolv\.conf|fstab|profile|environment|hostname|os-release|motd"
    r"|security[/\\]|pam\.d|ld\.so\.preload|gshadow|subuid)|root[/\\]|\.ssh[/\\]|id_[rd]sa\b"
    r"|\.htpasswd|proc[/\\](?:\d+|self|thread-self|sys|net|version|cmdline|environ|cpuinfo"
    r"|meminfo|mounts|kcore|kallsyms|modules|partitions|sched_debug)\b|var[/\\]log[/\\]"
    r"|web\.config\b|wp-config\.php|\.[a-z_]+_history\b|\.(?:my\.cnf|dockercfg|cvspass)\b"
    r"|\.(?:docker|kube)[/\\]config|\.aws[/\\]credentials|\.git-credentials|\.netrc\b"
    r"|\.pgpass\b|c:[/\\](?:windows|winnt|inetpub|boot\.ini)|var[/\\]run[/\\]secrets"
    r"|run[/\\]secrets[/\\]kubernetes\.io[/\\])"
    # files a web server never serves: its access rules, a Java application's private
    # folders, version-control internals, environment files, a container's marker
    r"|(?:^|[/\\=:;'\"])(?:\.htaccess\b|\.htdigest\b|web-inf[/\\]|meta-inf[/\\]|web-inf$"
    r"|\.git[/\\](?:config|head|index|logs|refs|objects|description|packed-refs|fetch_head)\b"
    r"|\.svn[/\\](?:entries|wc\.db|pristine)\b|\.hg[/\\](?:hgrc|store|requires)\b|\.bzr[/\\]"
    r"|\.env(?:\.[a-z]+)?$|\.dockerenv\b|\.npmrc\b|\.pypirc\b|\.s3cfg\b|\.git-credentials"
    r"|\.(?:bashrc|zshrc|profile|viminfo|lesshst|bash_profile|bash_logout|cshrc|tcshrc|rhosts"
    r"|xauthority|sh_history|history|pinerc|muttrc|fetchmailrc|procmailrc|wgetrc|curlrc|netrc"
    r"|forward|shosts|login|logout|selected_editor|xsession-errors|lynx_cookies|k5login|xinitrc"
    r"|xsession|xprofile|inputrc|nanorc|screenrc|tmux\.conf)$"
    r"|\.(?:gnupg|aws|subversion|mozilla|thunderbird|docker|kube|vnc|purple|filezilla|pki|lftp"
    r"|remmina|aptitude)[/\\]|\.local[/\\]share[/\\]keyrings\b|terraform\.tfstate\b"
    r"|ntuser\.dat\b|(?:pagefile|hiberfil)\.sys\b|autoexec\.bat\b"
    r"|(?:var[/\\](?:lib|mail|spool|backups)|sys[/\\](?:class|kernel|devices|fs|power|block|bus"
    r"|module)|boot[/\\]grub)[/\\]"
    r"|id_(?:ed25519|ecdsa)\b"
    # an account's settings and tools' credentials, editors' project folders, CVS,
    # Windows set-up answer files
    r"|\.(?:gitconfig|vimrc|nano_history|sqlite_history|rediscli_history|wget-hsts|boto"
    r"|ds_store|user\.ini)$|\.(?:idea|vscode|azure|terraform\.d|cargo|gcloud)[/\\]"
    r"|\.config[/\\](?:gcloud|hub|gh|filezilla|remmina)\b|\.m2[/\\]settings\.xml|\.gradle[/\\]gradle\.properties"
    r"|\.composer[/\\]auth\.json|cvs[/\\](?:root|entries|repository)$"
    r"|sysprep[/\\]|sysprep\.(?:inf|xml)$|unattend\.xml$)"
    # server configuration named by a path (a slash before it: not prose)
    r"|[/\\](?:httpd\.conf|apache2?\.conf|nginx\.conf|lighttpd\.conf|php\.ini|my\.cnf"
    r"|my\.ini|system\.ini|boot\.ini|win\.ini|sshd_config|ssh_config|smb\.conf|krb5\.conf"
    r"|applicationhost\.config|tomcat-users\.xml|ntds\.dit)$"
    r"|(?:^|[/\\=:])etc[/\\](?:php|httpd|apache|lighttpd|ssl[/\\]private|shells|inittab"
    r"|lsb-release|redhat-release|debian_version|aliases|exports|hosts\.(?:allow|deny)"
    r"|sysctl\.conf|init\.d|xinetd|cron|logrotate|network[/\\]|sysconfig|postfix|dovecot"
    r"|samba|openvpn|wireguard|docker|kubernetes|krb5|ldap|my\.cnf|passwd-|shadow-|netplan"
    r"|machine-id|timezone|locale|vsftpd|proftpd|mail|snmp|named|bind|redis|mongod|mtab"
    r"|ftpusers|netconfig|pam\.|lilo|grub|syslog|rsyslog|rc\.|wgetrc|ld\.so|modules|updatedb"
    r"|at\.(?:allow|deny)|chrootusers|anacrontab|nsswitch|default[/\\]|x11[/\\]|skel[/\\]"
    r"|smbpasswd|spwd\.db|pwd\.db|login\.defs|securetty|services|protocols|openldap|vhcs"
    r"|[\w-]*release\b|bashrc|zshrc|csh\.(?:cshrc|login)|printcap|termcap|inputrc|hosts\.equiv"
    r"|issue\.net|opasswd|mailname|sudoers\.d|(?:[\w-]+[/\\])?[\w.-]+\.(?:conf|cnf|cfg|ini|db)\b)"
    # a PHP session file, a process's descriptors and a shell's sockets, a process's
    # working folder and root, Windows' start-up and recovery files, ASP's application file
    r"|(?:^|[/\\=:])(?:tmp[/\\]sess_\w|authorized_keys2?\b|known_hosts\b|dev[/\\](?:stdin|stdout|stderr|fd[/\\]\d|tcp[/\\]"
    r"|udp[/\\]|shm[/\\]|k?mem\b)|proc[/\\][\w-]+[/\\](?:cwd|root|fd|maps|mem|status)\b"
    r"|system\.ini\b|config\.sys\b|global\.asax?\b)"
    r"|[a-z]:[/\\]+(?:\$recycle\.bin|system volume information|minint[/\\]"
    r"|(?:users|documents and settings)[/\\][^/\\]+[/\\]ntuser|unattend(?:ed)?\.(?:txt|xml))"
    # secrets of web applications named by a path: Joomla's, MediaWiki's, Rails',
    # Magento's, ASP.NET Core's and Django's settings
    r"|(?:^|[/\\=:])(?:configuration\.php|localsettings\.php|config[/\\](?:database|secrets"
    r"|credentials|storage)\.yml|config[/\\]master\.key|app[/\\]etc[/\\](?:local\.xml|env\.php)"
    r"|appsettings(?:\.\w+)?\.json|local_settings\.py)$"
    r"|(?:^|[/\\=:])(?:windows|winnt)[/\\](?:repair|system\.ini|panther|php\.ini|ntds|minidump"
    r"|debug[/\\]|system32[/\\]|syswow64[/\\]|win\.ini|\w+\.log$|memory\.dmp|prefetch[/\\]|tasks[/\\])"
    # a version-control or tool folder itself, a backup of a configuration file
    r"|(?:^|[/\\])\.(?:git|svn|hg|bzr|cvs|idea|vscode|ssh|aws|gnupg|kube|azure|gcloud)[/\\]?$"
    r"|(?:^|[/\\=:])(?:web\.config|wp-config(?:\.php)?|\.env|\.htaccess|\.htpasswd|config\.php"
    r"|configuration\.php|settings\.php|localsettings\.php|local\.xml|database\.yml|php\.ini)"
    r"(?:\.(?:bak|old|orig|save|swp|tmp|backup|copy|\d)|~)$"
    r"|system32[/\\](?:config|drivers|inetsrv|logfiles)\b"
    r"|inetpub[/\\]|(?:^|[/\\])(?:usr[/\\]local|opt)[/\\][\w.-]+[/\\](?:conf|etc)[/\\]"
    # PHP's stream wrappers that read a local file or the request's own body for an include
    r"|\bphp://(?:filter|input|fd)\b|(?:^|[^\w])(?:phar|zip|compress\.(?:zlib|bzip2)|glob|expect"
    r"|data)://|(?:^|[^\w])file:/"
    # a file's data stream named, for IIS to send a script's source (`index.asp::$DATA`)
    r"|::\$(?:data|index_allocation)\b"
)
# A value that is a whole absolute path into the system's own trees (`/etc/inetd.conf`,
# `/var/adm/messages`, `/usr/local/apache/logs/error_log`, `c:\\apache\\logs`), or to a
# server's access or error log: a file name handed to the application to read. Judged
# on parameter and header values, never on the request path (a site may route
# `/usr/...`) nor on a referer (a URL of the site).
_SYSTEM_PATH = re.compile(
    r"[/\\]?(?:[a-z]:)?[/\\]+(?:(?:etc|var|usr|opt|proc|sys|root|boot|srv)[/\\]+[\w.-]"
    # server software installed at a drive's top (`/xampp/`, `/program files/mysql/`), a
    # database's own files, a PHP session, logs at the top
    r"|(?:program\s?files|xampp|wamp|appserv|jboss)[/\\]+[\w.-]"
    r"|(?:mysql|postgresql)[/\\]+(?:data|log|bin|\d[\w.]*)[/\\]+[\w.-]|home[/\\]+postgres[/\\]"
    r"|te?mp[/\\]+(?:sess_|jboss[/\\])|private[/\\]+etc[/\\]+[\w.-]|library[/\\]+webserver[/\\]|volumes[/\\]+macintosh"
    r"|(?:www[/\\]+)?logs?[/\\]+[\w.-]+[._-]log$|(?:windows|winnt)[/\\]+[\w-]+\.ini$"
    r"|(?<=:[/\\])(?:program\s?files|apache\d?|xampp|appserv|wamp|inetpub|windows|winnt|mysql"
    r"|php\d?[/\\])\b)"
    r"|\\(?:program files|inetpub|windows|winnt|xampp|wamp)\b"
    r"|.*[/\\](?:access|error)[._]log\s*(?:\x00|$)"
    # an account's own dot files, BSD's password file
    r"|/?\.(?:forward|shosts|rhosts|passwd|logout)$|/master\.passwd$"
    # a system tree itself, for a listing (`/etc/`)
    r"|/(?:etc|proc|root|sys|boot)/?$"
)
_PARAMETERS = frozenset({"query", "body", "cookie", "header", "user_agent"})
# A project's build, deployment and editor-upload files asked for at the top of a site
# (or one folder down): no page links to them; they give away its dependencies,
# its layout and, often, the credentials of its deployment. Deeper, they are a code
# host's pages (`/org/repo/blob/main/package.json`), which stay quiet.
_DEPLOYMENT_FILE = re.compile(
    r"/(?:[\w.-]+/)?(?:composer\.(?:json|lock)|package(?:-lock)?\.json|yarn\.lock"
    r"|gemfile(?:\.lock)?|dockerfile|docker-compose\.ya?ml|vagrantfile|sftp-config\.json"
    r"|\.ftpconfig|\.remote-sync\.json|phpunit\.xml(?:\.dist)?|\.travis\.yml|\.gitlab-ci\.yml"
    r"|\.circleci/config\.yml|\.git(?:ignore|attributes|modules)|\.(?:docker|npm|eslint)ignore"
    r"|\.editorconfig|\.user\.ini|\.boto|\.pearrc|\.yarnrc(?:\.yml)?|\.hgignore|\.drone\.yml"
    r"|\.github/workflows/[\w.-]+\.ya?ml|jenkinsfile|pipfile(?:\.lock)?|pom\.xml|build\.gradle"
    r"|(?:gruntfile|gulpfile|webpack\.config)\.js|\.(?:bower|babel|jshint|terraform)rc"
    r"|\.eslintrc(?:\.\w+)?|\.vault-token|\.deployment-config\.json|\.mailmap"
    r"|terraform\.tfvars|[\w-]*\.tfstate(?:\.backup)?|\.[\w.-]+\.sw[op]|(?:server|private|privkey)\.(?:key|pem)"
    # an account's or a tool's own folders, which a site's top never holds
    r"|\.(?:vagrant|terraform|cache|config|local|java|gem|nuget|bundle|cargo)(?:/[\w.-]*)?)"
)


# Dots and slashes some servers read though they are not URL encoding: hex
# literals, IIS's double percent (%%32%%66, left as %2%f after URL decoding) and
# its invalid hex digits after an overlong lead byte.
_ODD_SPELLING = re.compile(r"0x2e|0x2f|0x5c|%2%e|%2%f|%5%c|%bg%qf|\ufffd%(?:9v|qf|8s|pc)")
_ODD_CHARS = {"0x2e": ".", "%2%e": ".", "0x5c": "\\", "%5%c": "\\"}


# `/etc//passwd`, `/etc/./passwd`: the same file to any path resolver.
_SAME_FOLDER = re.compile(r"(?<=[/\\])(?:\.?[/\\])+")


def _traversal(lowered: str) -> bool:
    if _TRAVERSAL.search(lowered):
        return True
    if ("//" in lowered or "/./" in lowered or "\\" in lowered) and _TRAVERSAL.search(
        _SAME_FOLDER.sub("", lowered)
    ):
        return True
    if ("..2f" in lowered or "..5c" in lowered) and _TRAVERSAL.search(
        lowered.replace("2f", "/").replace("5c", "\\")
    ):  # slashes that lost their percent all along: `..2fetc2fpasswd`
        return True
    if "0x" in lowered or "%" in lowered:
        respelled = _ODD_SPELLING.sub(lambda m: _ODD_CHARS.get(m.group(0), "/"), lowered)
        return respelled != lowered and _TRAVERSAL.search(respelled) is not None
    return False


_CMD_WORDS = (
    r"(?:cat|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|ping|ls|echo|rm|chmod|"
    r"python[23]?|perl|php|ruby|powershell|cmd(?:\.exe)?|nslookup|sleep|ifconfig|ipconfig|"
    r"systeminfo|tftp|busybox|telnet|dig|whoami\.exe|netsh|reg(?:\.exe)?\s+(?:add|query|delete)\b"
    r"|net(?:\.exe)?\s+(?:user|localgroup|view|group|share))"
)
_CMDI = gated(
    r"(?:(?:[;&|`]|\$\(|\|\|)\s*+|" + _LAST_BREAK + r")(?:/\w+/)*" + _CMD_WORDS + r"(?:\b|\$)"
    r"|\$\{ifs\}|/bin/(?:ba|z|da)?sh\b|\bcmd(?:\.exe)?\s*/c\b|`[^`]*\b" + _CMD_WORDS + r"\b"
    # `pwd` alone after a separator, server-side includes that run a command, Windows
    # accounts and firewall changed
    r"|(?:(?:[;&|`]|\$\()\s*+|" + _LAST_BREAK + r")pwd\s*(?:$|[;&|#`)])"
    r"|<!--\s*#\s*exec\s+cmd\s*=|\bnetsh\s+(?:advfirewall|firewall)\s+set\b"
    r"|\bnet(?:\.exe)?\s+(?:user|localgroup)\s+\S+\s+(?:\S+\s+)?/add\b"
    # code the server runs: a YAML tag that makes a Python object (`!!python/object/apply:
    # os.system`), PHP's complex interpolation running a call (`{${phpinfo()}}`,
    # `${@print(...)}`) and its configuration dump
    r"|!!python/(?:object(?:/new|/apply)?|name|module):|\{\$\{[^}]{0,100}\(|\$\{@\w+\s*\("
    r"|\bphpinfo\s*\(\s*\)"
)
_SSRF = gated(
    r"(?:https?|gopher|dict|ftp|ldap|tftp|sftp)://(?:[^/@\s]*@)?\[?(?:169\.254\.\d+\.\d+"
    r"|metadata(?:\.google\.internal)?\b|100\.100\.100\.200|127\.\d+\.\d+\.\d+|localhost\b"
    r"|0\.0\.0\.0|0x7f[0-9a-f.]*|2130706433|017700000001|::1?\]|::ffff:|fd00:ec2::254|fe80:"
    r"|0(?:[:/]|$))|(?:^|[^\w])(?:file|local_file|gopher|dict|jar|netdoc)://"
    # a host spelled as one number (`http:2852039166`), or with a backslash before each letter
    r"|\b(?:https?|ftp):/{0,3}(?:[^/@\s]*@)?(?:\d{8,10}|0x[0-9a-f]{6,8}|0[0-7]{9,11})(?:[:/?#]|$)"
    r"|\b(?:https?|ftp):/{0,3}(?:\\+[a-z0-9.]){3,}"
)
_JNDI = re.compile(r"\$\{\s*jndi\s*:")
# A lookup that spells its value (`${lower:j}`, `${::-j}`, `${env:x:-$}`): its value.
_JNDI_NESTED = re.compile(r"\$\{(?:lower:|upper:|::-|[a-z]*:[^:${}]*:-)((?:[^${}]|\$(?!\{))*)\}")
# A template's delimiters around an expression. What lies between them never holds
# the opening delimiter again: a match from the opening nearest the close is a
# match from any earlier one, and a run of openings (`{{{{...`) is tried once
# each instead of 200 characters each.
_SSTI = gated(
    r"\{\{(?:[^{\n]|\{(?!\{)){0,200}?\}\}|\{%(?:[^{\n]|\{(?!%(?!\}))){0,200}?%\}"
    r"|\$\{\s*\d+\s*[*+/-]\s*\d+\s*\}|#\{(?:[^#\n]|#(?!\{)){0,200}?\}"
    r"|<%=(?:[^<\n]|<(?!%=)){0,200}?%>"
    r"|\$\{(?:[^$\n]|\$(?!\{)){0,200}?(?:getclass|forname|runtime|freemarker|new\s)[^}\n]{0,200}+\}"
    r"|\*\{(?:[^*\n]|\*(?!\{)){0,200}?\}|@\((?:[^@\n]|@(?!\()){0,100}?\)"
)
_SCANNER = re.compile(
    r"sqlmap|nikto|\bnmap\b|masscan|zgrab|nuclei|dirbuster|gobuster|wpscan|acunetix|nessus"
    r"|openvas|w3af|havij|jaeles|feroxbuster|wfuzz|whatweb|netsparker|appscan|arachni"
    r"|skipfish|commix|zmeu|morfeus|\bdirb\b|fuzz faster u fool|burpcollaborator|joomscan"
    r"|xsstrike|\bhydra\b|brutus|nmap scripting engine|paros|webinspect|cgichk|grabber"
)

# What libinjection leaves to the browser: script URLs and handlers outside a tag.
_XSS_URI = gated(
    r"^\s*(?:javascript|vbscript|livescript|mocha)\s*:|\b(?:src|href|action)\s*=\s*[\"'`]?\s*(?:livescript|mocha)\s*:"
    r"|<\s*(?:layer|ilayer|bgsound)\b|(?:javascript|vbscript)\s*:\s*[\w.$]+\s*\("
    r"|\bon(?:error|load|mouseover|focus|click|toggle|begin|animationstart)\s*=\s*[\w.$'\"]+\s*\("
    # handlers after a quote, JavaScript sinks, namespaced and dangerous tags, JSFuck
    r"|(?:^|[\"'\s/;>])on[a-z]{3,}\s*=|\b(?:alert|confirm|prompt|eval|setinterval|settimeout"
    r"|atob|btoa|globaleval|fromcharcode|execscript|msgbox)\s*\(|\b(?:alert|confirm|prompt|eval)\s*`|\bdocument\s*\.\s*(?:cookie|domain"
    r"|write|location)\b|\[\s*[\"'](?:cookie|alert|document|globaleval|constructor)[\"']\s*\]"
    r"|\b(?:window|self|top|parent|frames|globalthis)\s*\[|<\s*[a-z]+:[a-z]+|<\s*:\s*[a-z]"
    # a namespaced script tag with spaces, attributes that run or load script, CSS bindings
    r"|<\s*[a-z]+\s*:\s*(?:script|svg|iframe|vmlframe|img|image)\b|\b(?:formaction|srcdoc)\s*="
    r"|-moz-binding\s*:|\bbehavior\s*:\s*url\s*\("
    # out of a JavaScript string into an assignment: `" in valueOf=`, `' in a.b=`
    r"|[\"'`]\s*in\s*(?:[a-z_$][\w$]*\.[\w$.]+|valueof|location|name|onerror)\s*="
    r"|^\s*--!?>\s*$"
    # DOM sinks written to, a handler set to a sink, Angular's sandbox escape
    r"|\.(?:innerhtml|outerhtml)\s*=|\.insertadjacenthtml\s*\(|\bdocument\s*\.\s*writeln\b"
    r"|\bon[a-z]{3,}\s*=\s*(?:alert|confirm|prompt|eval)\b|\bconstructor\s*\.\s*constructor\s*\("
    r"|\blocation\s*(?:\.\s*href\s*)?=\s*[\"'`]?\s*(?:javascript|vbscript|data)\s*:"
    # the page's location and DOM tree reached, a function made from a string (`[].pop.
    # constructor('...')`, `Function('...')`, Angular's `$eval(`), a sink passed on
    # (`alert.call`), character data opened in a value
    r"|\bwindow\s*\.\s*location\b|\.\s*parentnode\b|\.\s*constructor\s*\(|\$eval\s*\("
    r"|\bfunction\s*\(\s*[\"'`]|\b(?:alert|eval|prompt|confirm)\s*\.\s*(?:call|apply|bind)\b"
    # Angular expressions that reach code, a method of an empty array called on a sink,
    # the document's properties by name, Netscape's script entities
    # (from the `{{` nearest the word: a run of `{{` is tried once each)
    r"|\{\{(?:[^{}]|\{(?!\{)){0,200}?(?:constructor|\$on\b|\$eval|\$parent|\$root|tostring"
    r"|charat|alert|prompt|confirm)[^}]{0,200}+\}\}|\[\s*\]\s*\.\s*\w+\s*\.\s*(?:call|apply|bind)\s*\("
    r"|\bdocument\s*\[\s*[\"'`]|=\s*[\"']?&\{[^}]{1,100}\}"
    r"|<!\[cdata\[|[\"'`]\s*[;+\-*/|&,(]\s*(?:window\.|self\.|top\.)?(?:onerror|valueof)\s*="
    r"|<\s*/?\s*(?:script|iframe|svg|object|embed|style|link|meta|applet|base|math|isindex"
    r"|frameset|marquee)\b|\[\]\s*\+\s*\[\]|!\+\[\]|!!\[\]|\(!\[\]|\bnew\s+function\s*\("
    r"|\bdata:\s*(?:text/html|image/svg|application/(?:x-)?javascript|[\w/+-]*\s*,\s*<)"
)

_XSS_NOISE = gated(r"[\t\n\r]|/\*.{0,200}?\*/")
# A tag spelled with spaces between its letters (`<f o r m`, `<s c r i p t`).
_SPACED_TAG = gated(r"<\s*((?:[a-z]\s+){2,}[a-z])(?![a-z])")
_TAGS = frozenset(
    {
        *("script", "form", "dialog", "iframe", "svg", "object", "embed", "img", "image"),
        *("body", "style", "link", "meta", "input", "button", "video", "audio", "details"),
        *("marquee", "math", "base", "frame", "frameset", "applet", "isindex", "textarea"),
        *("select", "keygen", "template", "source", "track"),
    }
)


# Script that hides its sinks from a filter: a sink stored in a variable and called
# through it (`a=eval;b=alert;a(b(1))`, `_=eval,...,_(...)`), names glued from regular
# expressions' sources (`/ev/.source+/al/.source`), a document's prototype chain
# reached, `with(document)`, a script element made, a sink passed as a value, a
# module imported from another host.
_HIDDEN_SINK = gated(
    r"(?<![\w$])([a-z_$][\w$]*)\s*=\s*(?:eval|alert|prompt|confirm|unescape|settimeout|setinterval)"
    r"\s*[;,].{0,200}?(?<![\w$.])\1\s*\("
    r"|/[\w.]+/\s*\.\s*source\b|\b(?:document|top|window|self|parent)\s*\.\s*__(?:proto|parent)__\b"
    r"|\bwith\s*\(\s*document\s*\)|\bcreateelement\s*\(\s*[\"'`]\s*(?:script|iframe)\b"
    # a sink passed as a value: called from parentheses, or handed to an array's method
    r"|\(\s*(?:alert|prompt|confirm|eval)\s*\)\(|\.\s*(?:find|map|filter|foreach|some|every"
    r"|reduce|sort|then)\s*\(\s*(?:alert|prompt|confirm|eval)\s*\)"
    # a module imported from another host, the page sent to where its name or fragment
    # says, a sink applied through Reflect
    r"|\bimport\s*\(\s*[\"'`]\s*(?:https?:)?//"
    r"|(?:^|[;{(,])\s*(?:(?:window|document|top|self)\s*\.\s*)?location\s*=\s*"
    r"(?:window\s*\.\s*)?(?:name|location\s*\.\s*hash)\b"
    r"|\breflect\s*\.\s*(?:apply|construct)\s*\(\s*(?:alert|eval|prompt|confirm|function)\b"
)


# Quoted pieces joined into one string (`'ev'+'al'`, `"java"+"script:"`): the
# string they spell, once joined, names a sink or a script URL.
_JOIN = gated(r"['\"`]\s*\+\s*['\"`]")
_SPELLED_SINK = gated(
    r"['\"`](?:eval|alert|prompt|confirm|settimeout|setinterval|unescape|fromcharcode"
    r"|constructor|execscript|innerhtml|outerhtml|cookie)['\"`]"
)


def _joined_sink(lowered: str) -> bool:
    joined = _JOIN.sub("", lowered)
    return joined != lowered and (
        _SPELLED_SINK.search(joined) is not None or _XSS_URI.search(joined) is not None
    )


def _xss(lowered: str) -> bool:
    """Browsers skip tabs and newlines inside `javascript:` and comments in script."""
    if _XSS_URI.search(lowered) or _HIDDEN_SINK.search(lowered):
        return True
    if "+" in lowered and _joined_sink(lowered):
        return True
    if "<" in lowered and any("".join(m.split()) in _TAGS for m in _SPACED_TAG.findall(lowered)):
        return True
    if "\t" in lowered or "\n" in lowered or "\r" in lowered or "/*" in lowered:
        return _XSS_URI.search(_XSS_NOISE.sub("", lowered)) is not None
    return False


SIGNATURES: tuple[Signature, ...] = (
    Signature("RT-SQLI", "sqli", sql_shape, _HEADERS),
    Signature("RT-XSS", "xss", _xss, _HEADERS),
    Signature("RT-TRAVERSAL", "path-traversal", _traversal, _HEADERS),
    Signature("RT-TRAVERSAL", "path-traversal", _SYSTEM_PATH.match, _PARAMETERS),
    Signature("RT-TRAVERSAL", "path-traversal", _DEPLOYMENT_FILE.fullmatch, frozenset({"path"})),
    Signature("RT-CMDI", "cmdi", _CMDI.search, _HEADERS),
    Signature("RT-CMDI", "cmdi", shell_command, _HEADERS),
    Signature("RT-SSRF", "ssrf", _SSRF.search, _VALUES - {"path"}),
    Signature("RT-SSRF", "ssrf", internal_url, _VALUES - {"path"}),
    Signature("RT-SSTI", "ssti", _SSTI.search, _HEADERS),
    Signature("RT-SCANNER", "scanner", _SCANNER.search, frozenset({"user_agent"})),
)


def jndi(text: str) -> bool:
    """`${jndi:` once `${lower:j}`-style lookups that spell it are undone."""
    if "${" not in text:
        return False
    for _ in range(8):
        folded = _JNDI_NESTED.sub(r"\1", text)
        if folded == text:
            break
        text = folded
    return _JNDI.search(text) is not None
