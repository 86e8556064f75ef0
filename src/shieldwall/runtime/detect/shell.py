"""OS command injection: a command after a shell separator, shell expansions,
Windows batch syntax, and mail-protocol commands smuggled after a newline. Runs
on decoded, lower-cased text; quotes, backslashes and empty variables that split
a command word (`c'a't`, `w\\hoami`, `cat$u`) are taken out first."""

from __future__ import annotations

from fnmatch import fnmatchcase

from shieldwall.runtime.detect.gate import gated

# Commands that are nothing but commands: a separator before one is enough.
_SHELL_ONLY = (
    "whoami|uname|wget|curl|nc|ncat|netcat|socat|bash|sh|zsh|ksh|csh|tcsh|dash|busybox"
    "|id|ifconfig|ipconfig|systeminfo|nslookup|chmod|chown|chgrp|passwd|sudo|su|crontab|nohup"
    "|telnet|tftp|ssh|scp|rsync|python[23]?(?:\\.\\d+)?|perl|php|ruby|irb|lua|gcc|c89|c99"
    "|powershell|pwsh|cmd|certutil|bitsadmin|mshta|rundll32|regsvr32|wmic|netstat|tasklist"
    "|taskkill|schtasks|ping|traceroute|tracert|dig|whois|ps|htop|kill|pkill"
    "|killall|ls|dir|cat|tac|nl|od|xxd|base64(?!,)|rm|rmdir|mv|cp|mkdir|touch|echo|printf"
    "|unset|uptime|lastlog|lastlogin|hostname|df|du|mount|umount|dmesg|regedit"
    "|lsof|strace|gdb|awk|gawk|sed|grep|egrep|fgrep|xargs|tar|bsdtar|unzip|gzip"
    "|gunzip|bzip2|zcat|zstdcat|bzcat|xzcat|openssl|getent|sleep"
    "|visudo|useradd|usermod|userdel|adduser|chpasswd|iptables|systemctl|journalctl"
    "|kubectl|crictl|ansible|ansible-[a-z]+|chef-[a-z]+|cscli|cpulimit|eval|exec"
    "|sendmail|vim|nano|uniq|wc|readlink|realpath|shred|chattr|lsattr|setfacl|getfacl"
    "|apt-get|yum|dnf|pip3?|jrunscript|jjs|osascript|strace|ltrace|flock|aptitude|rmt|rmt-\\w+"
    "|mkfifo|mknod|xterm|lynx|nmap|printenv|lsb_release|whereis|ldd|objdump|readelf"
    "|hexdump|base32|md5sum|sha1sum|sha256sum|chroot|setsid|nsenter|unshare|pgrep|tcpdump"
    "|tshark|smbclient|rpcclient|ldapsearch|sqlite3|redis-cli|aria2c|wput|ifup|ifdown"
    "|iex|iwr|irm|invoke-(?:webrequest|restmethod|expression|command|item|wmimethod)"
    "|get-(?:process|content|childitem|item|wmiobject|ciminstance|localuser|service|acl"
    "|itemproperty|executionpolicy)|set-(?:content|executionpolicy|itemproperty|mppreference)"
    "|new-(?:object|item|service|localuser)|start-(?:process|service|job|bitstransfer)"
    "|stop-(?:process|service)|remove-item|out-file|add-(?:content|type|mppreference)"
    "|copy-item|select-string|convertto-securestring|test-connection|resolve-dnsname"
    "|expr|seq|sftp|tclsh|7za?|bunzip2|unxz|lzma|cpio|sqlplus|gpg|jq|nsupdate|fping|arping"
    "|ldconfig|modprobe|insmod|lsmod|rmmod|chsh|chfn|lsblk|fdisk|blkid|sysctl|ulimit|umask"
    "|dpkg|rpm|mysqldump|pg_dump|mongodump|rclone|doas|pkexec|runuser|newgrp|stdbuf"
    # Windows commands no one types for anything else
    "|findstr|attrib|cacls|icacls|takeown|vssadmin|wevtutil|fsutil|diskpart|bcdedit|net1"
    "|qwinsta|quser|nbtstat|nltest|dsquery|csvde|ntdsutil|klist|setspn|msiexec|cscript"
    "|wscript|forfiles|xcopy|robocopy|cipher|driverquery|getmac|gpresult|winrm|winrs|mountvol"
    "|openfiles|runas|esentutl|makecab|mklink|tskill"
    # binaries GTFOBins lists (what they run, read or write for an intruder) that are
    # no word of any language
    "|exiftool|lwp-download|lwp-request|systemd-run|ssh-copy-id|ssh-keyscan|ssh-keygen"
    "|run-mailcap|pdflatex|lualatex|luatex|latexmk|octave-cli|mawk|nawk|genisoimage|dos2unix"
    "|apache2ctl|msgattrib|msgcat|msgconv|msgmerge|msguniq|hping3|gcore|fail2ban-client"
    "|dmidecode|cupsfilter|csvtool|capsh|busctl|bashbug|basenc|base58|ascii85|atobm|apport-cli"
    "|zsoelim|uuencode|varnishncsa|timedatectl|systemd-resolve|setcap|rpmverify|rpmquery|rpmdb"
    "|rlwrap|openvt|ntpdate|dnsmasq|nroff|troff|neofetch|fastfetch|rustc|rustdoc|rustfmt"
    "|pygmentize|virsh|sshfs|dstat|rlogin|w3m|ascii-xfr|check_log|check_raid|check_memory"
    "|check_cups|check_statusfile|start-stop-daemon|xmodmap|ssh-agent|wireshark"
    # Windows binaries LOLBAS lists (what runs, downloads or dumps for an intruder) that
    # are no word of any language
    "|acccheckconsole|addinutil|adplus|agentexecutor|appcert|appinstaller|applauncher|appvlp"
    "|aspnet_compiler|atbroker|bginfo|certoc|certreq|cmdkey|cmdl32|cmstp|colorcpl"
    "|computerdefaults|configsecuritypolicy|conhost|coregen|createdump|customshellhost"
    "|datasvcutil|defaultpack|desktopimgdownldr|devicecredentialdeployment|devinit"
    "|devtoolslauncher|devtunnel|dfsvc|diantz|diskshadow|dnscmd|dsdbutil|dtutil|dump64"
    "|dumpminitool|dxcap|ecmangen|eudcedit|eventvwr|extexport|extrac32|fltmc|fsianycpu"
    "|gpscript|ie4uinit|iediagcmd|ieexec|ilasm|imewdbld|infdefaultinstall|installutil"
    "|intellitrace|iscsicpl|ldifde|mavinject|mftrace|microsoft\\.workflow\\.compiler|mofcomp"
    "|mpcmdrun|mpiexec|msaccess|msbuild|msconfig|msdeploy|msdt|msedge|msedgewebview2|msohtmed"
    "|msoxmled|mspub|msxsl|ngen|nmcap|ntsd|odbcad32|odbcconf|offlinescannershell"
    "|onedrivestandaloneupdater|openconsole|pcalua|pcwrun|pixtool|pktmon|pnputil|powerpnt"
    "|presentationhost|printbrm|procdump|protocolhandler|provlaunch|rasautou|rcsi|rdrleakdiag"
    "|regasm|regini|register-cimprovider|regsvcs|rpcping|runexehelper|runonce|runscripthelper"
    "|setres|settingsynchost|setupugc|sigverif|sqldumper|sqlps|sqltoolsps|stordiag"
    "|syncappvpublishingserver|testwindowremoteagent|ttdinject|tttracer|unregmp2|verclsid"
    "|visualuiaverifynative|vsdiagnostics|vshadow|vsiisexelauncher|vsjitdebugger"
    "|vslaunchbrowser|vsls-agent|vstest\\.console|wbadmin|wbemtest|wfmformat|windbg|winfile"
    "|winget|winproj|winword|wlrmdr|wsreset|wuauclt|xbootmgr|xbootmgrsleep|xwizard"
    # PowerShell's aliases that are no word of any language
    "|gci|gcm|gps|gsv|saps|spps|icm|gwmi|ipmo|gdr|ogv|rcjb|sajb|iwmi|rwmi|swmi|ipcsv|epcsv"
    "|rvpa|cvpa|gcs|shcm|trcm|sasv|spsv|rdr|ndr|rnp|rni|clhy|cnsn|ipsn|epsn|ipal|epal|gbp"
    "|sbp|rbp|dbp|ebp|clv"
)
# Commands no one types for anything else: enough as a whole value.
_ALONE = (
    "whoami|uname|ifconfig|ipconfig|systeminfo|nslookup|visudo|netstat|tasklist"
    "|cscli|crontab|chpasswd|useradd|usermod|getent|lastlog|dmesg|lsof"
)
# Configuration-management tools by their command names, with what follows them on a
# command line (a product name alone, or Ansible's own `ansible-httpget` agent, is not one).
_TOOLS = (
    r"ansible(?:-(?:playbook|galaxy|vault|doc|config|console|inventory|pull|test|lint))?"
    r"\s+(?:[\w.-]+\s+)?-{1,2}[a-z]|ansible-(?:playbook|galaxy|vault|doc|config|console"
    r"|inventory|pull|test|lint)\b(?!-)|chef-(?:run|client|solo|shell|apply|zero)\b(?!-)"
    r"|cscli\s+(?:alerts|decisions|bouncers|machines|hub|collections|parsers|scenarios|config"
    r"|lapi|capi|console|metrics|postoverflows|notifications|simulation|explain)\b"
)
# Commands that are English words too: they need an option or a path after them.
_WORDS = (
    "time|set|type|start|call|file|more|less|head|tail|sort|find|host|last|who|top|make|ip"
    "|wall|mail|net|reg|route|env|export|history|alias|source|trap|bridge|perf|service"
    "|docker|vault|knife|terraform|locate|zip|xz|cut|tr|tee|stat|dd|ln|node|java|go|apt"
    "|npm|gem|expect|screen|tmux|vi|ed|timeout|jobs|comm|strings|rev|diff|cmp|which|git|mysql"
    "|psql|ftp|ss|arp|split|paste|fold|iconv|shuf|watch|nice|at|batch|php-cgi|del|copy|fetch"
    "|links|man|finger|tree|ver|vol|print|replace|expand|ren|rd|md|shutdown|sc|query"
    "|gc|ni|ri|sls|sal|gal|ii|nal|cpi|cpp|clc|cli|clp|cls"
    # GTFOBins' binaries that are words or names too
    "|pyright|tsc|restic|rake|puppet|mypy|latex|fmt|emacs|elvish|dosbox|aws|aspell|apache2"
    "|bc|dc|cargo|dotnet|ffmpeg|cmake|gimp|mosquitto|pandoc|m4|nasm|mutt|minicom|openvpn|nft"
    "|tailscale|pkg|nm|ptx|eqn|tbl|whiptail|yelp|mtr|gcloud|facter|espeak|dvips|efax|ctr"
    "|cpan|cowsay|cowthink|byebug|bconsole|batcat|arj|qpdf|pry|yash|sash|zless|xpad|xmore"
    "|unexpand|urlget|volatility|sqlmap|soelim|redcarpet|opencode|ncdu|jshell|gtester|fzf"
    "|basez|bbot|ksshell|check_by_ssh|logrotate|julia|ab|ar|ash|date|column|join|install|pr"
    "|pg|hd|lp|crash|cancel|dialog|highlight|look|alpine|ranger|fish|posh"
)
# What follows a command word on a command line: an option, an absolute or home or
# parent path, the root before an option (`find / -name`), a variable, a drive
# (`type c:\x`), dd's operands.
_ARGUMENT = (
    r"\s+(?:-{1,2}[a-z]|/[a-z\[?*]|/\s+-|~/|\.\./|\.\\|\$|%|[a-z]:[\\/]|(?:if|of)=[/\w]"
    r"|(?:hklm|hkcu|env|variable|function|alias|cert):)"
)
_PREFIX = r"(?:(?:time|sudo|nohup|env|exec|command|builtin|timeout\s+\d+)\s+)"
# A line break before a command is taken as the last break of the blanks it starts (the
# blanks after it hold no other): the same matches, and a run of N breaks is tried once
# each instead of N times each.
LAST_BREAK = r"\n[^\S\n]*+"
_LAST_LINE_END = r"[\n\r][^\S\n\r]*+"
_SEPARATED = gated(  # blanks taken whole (`*+`): no command starts with one
    r"(?:(?:[;|`\x1a]|&&?|\$\(|\|\|)\s*+\(?\s*+|"
    + _LAST_LINE_END
    + r"(?:\(\s*+)?)"
    + _PREFIX
    # a folder before the command, Windows' too (`"c:\\windows\\system32\\rundll32.exe"`)
    + r"?\"?(?:[a-z]:)?(?:[\w.~-]*[/\\])*(?:(?:"
    + _SHELL_ONLY
    + r")(?:\.exe)?\"?"
    r"(?=$|[\s;|&<>`)},]|\$)|(?:"
    + _WORDS
    + r")"
    + _ARGUMENT
    # any Windows program given an option (`update.exe --processstart`, `setup.exe /s`)
    + r"|[\w-]+\.exe\"?\s+(?:-{1,2}|/)[a-z])"
)
# Shell words that are enough at the very end, after a separator (`;env`, `|who`).
_WEAK_END = gated(
    r"(?:[;|`\x1a]\s*+|" + LAST_BREAK + r")(?:who|env|set|export|history|alias|jobs|top|last"
    r"|ip|route|reg|net|perf|trap|bridge|time)\s*$"
)
# At the start of a value a command needs an option or a path after it, or a prefix before.
_ANY = _SHELL_ONLY + "|" + _WORDS
_LEADING = gated(
    r"^[\s\x1a]*(?:"
    + _PREFIX
    + r"?(?:/[\w.-]+)*/?(?:"
    + _ANY
    + r")"
    + _ARGUMENT
    + r"|"
    + _PREFIX
    + r"(?:/[\w.-]+)*/?(?:"
    + _SHELL_ONLY
    + r")\b"
    + r"|(?:"
    + _ALONE
    + r")\s*(?:$|[;|&`])|(?!echo\b|printf\b)(?:"
    + _SHELL_ONLY
    + r")(?:\s+[\w.-]+){0,3}\s*>>?\s*(?:[\w.~-]*/)*[a-z_][\w-]*\.[a-z]{1,5}(?=$|[\s;|&`#/\\])|(?:"
    + _TOOLS
    + r")|\\(?:"
    + _SHELL_ONLY
    + r")(?:$|\s)|(?:usr/(?:local/)?)?s?bin/(?:"
    + _SHELL_ONLY
    + "|"
    + _ALONE
    + "|"
    + _TOOLS
    + r")|(?:"
    + _SHELL_ONLY
    + r")\s+(?:"
    + _SHELL_ONLY
    + r")\s|(?:wget|curl|nc|ncat|netcat|socat|telnet|tftp|ssh|ping|nslookup|dig|lynx|ftp|sftp"
    r"|fetch|iwr|invoke-webrequest)\s+(?:[a-z]+://|\d{1,3}(?:\.\d{1,3}){3}\b))"
)
_EXPANSION = gated(
    r"\$\{\s*ifs\s*\}|\$(?:ifs|shell|bash)\b|\$\(\(?[^)]{0,200}\)|`\s*(?:[\w.~-]*/)*(?:"
    + _SHELL_ONLY
    + r")\b[^`]{0,200}`|\$\[[^\]]{1,100}\]"
    r"|\$\{(?:shell|path|home|user|pwd|ifs|0|#\w*)\}|\{\s*,?\s*\$?(?:" + _SHELL_ONLY + r"),"
    # parameter expansion with an operator (`${x#*}`, `${p/a/b}`, `${v:-d}`), arithmetic
    r"|\$\{\w*(?:[#%^,]|/{1,2}|:[-=?+])[^}]{0,100}\}|\$\{[\w:]*:-|\$\[[^\]]{0,100}\]"
    # going to the root before a command, forced removal, a job for later
    r"|\bcd\s+(?:/|~|\.\.)[\w./-]*\s*(?:;|&&|\|\|)|\brm\s+-(?:rf|fr|r|f)\b"
    r"|[;|&`]\s*at\s+\d{1,2}:\d{2}\s*(?:[ap]m\s*)?[\"'`]"
    r"|/bin/(?:ba|z|da|k|c|tc)?sh\b|\bcmd(?:\.exe)?\s*/[ck]\b|\bpowershell(?:\.exe)?\s+-"
    r"|\(\)\s*\{|\bcertutil\s+-urlcache|\|\s*(?:ba)?sh\b|[<>]\(\s*\w|\{\s*,\s*[\w$/.-]+\s*,"
    r"|(?:^|[\s;|&`(])(?:/usr(?:/local)?)?/s?bin/[a-z]|/dev/(?:tcp|udp)/"
    # Windows variables naming the shell or the system folder, or cut to a substring
    r"|%(?:comspec|systemroot|windir)%|%\w+:~-?\d+(?:,-?\d+)?%|\$\{\w+:-?\d+(?::-?\d+)?\}"
    # PowerShell running what it downloads
    r"|\b(?:iex|invoke-expression)\s*\(|\bnew-object\s+(?:system\.)?net\.webclient\b"
    r"|\.download(?:string|file|data)\s*\(\s*['\"]?\s*(?:https?|ftp)://"
    # the Windows registry changed or read by its hive's name
    r"|\breg(?:\.exe)?\s+(?:add|query|delete|save|export)\s+[\"']?(?:hklm|hkcu|hkcr|hku|hkcc|hkey_)"
    # a command of the shell's history run again (`;!-1`, `|!!`), an alias defined, a
    # script read into the shell (`;. /tmp/x`)
    r"|(?:[;|&`]\s*+|" + LAST_BREAK + r")(?:!(?:-?\d+|!)(?=$|[\s;|&`])|alias\s+[\w.-]+="
    r"|\.\s+(?:/|~/|\./)[\w.-])"
    # a script written to the server by echo (`echo "<?php ...?>" > x.php`)
    r"|\becho\b.{0,300}?>\s*[\w./-]+\.(?:php\d?|phtml|jsp|aspx?|sh|py|pl|cgi)\b"
)
_WINDOWS = gated(
    r"\bfor\s+(?:/[dlfr]\s+(?:\S+\s+){0,6}?)?%%?\S*\s+in\s*\(.{0,300}?\)\s*do\b"
    r"|\bif\s+(?:/i\s+)?(?:not\s+)?(?:exist|defined|errorlevel|cmdextversion)\s"
    r"|\bif\s+(?:/i\s+)?(?:not\s+)?\S+\s*(?:==|\s(?:equ|neq|lss|leq|gtr|geq)\s)\s*\S+"
    r"\s+(?:\(|echo\b|goto\b|set\b|call\b|cmd\b|del\b|copy\b|start\b|exit\b|\w+$)"
    # a comparison of quoted or bracketed operands, as batch files write them, or if/i
    r"|\bif(?:\s*/i)?\s+(?:not\s+)?(?:\"[^\"]*\"|\[[^\]]*\]|\([^)]*\)|\{[^}]*\})\s*=="
    r"|\bif\s*/i\s*[^\s=]+\s*=="
)
_MAIL = gated(
    _LAST_LINE_END + r"(?:rcpt\s+to|mail\s+from|helo\s|ehlo\s|auth\s+(?:login|plain)|vrfy\s|expn\s"
    r"|\w{1,10}\s+(?:login|authenticate|examine|select|search|fetch|store|uid|lsub|list"
    r"|status|append|capability|logout|noop|starttls|subscribe|unsubscribe|create|delete"
    r"|rename|copy|close|expunge|check)\b|(?:user|pass|apop|retr|dele|uidl|stat|top)\s+\S)"
)
# PowerShell: a cmdlet (verb-noun) at the start of a value or after a separator, with
# arguments as PowerShell writes them (a parameter, a variable, a drive or provider
# path, a quoted or bracketed value, a program to start, a pipe); nouns no language
# writes after such a verb are enough alone. `new-job offers` and `/get-help` stay quiet.
_PS_VERBS = (
    "get|set|new|remove|invoke|start|stop|add|copy|move|out|export|import|convertto"
    "|convertfrom|select|write|test|enable|disable|register|unregister|clear|enter|compress"
    "|expand|resolve|restart|install|uninstall|mount|grant|connect|read|format"
)
_PS_STRICT_NOUNS = (
    "childitem|wmiobject|ciminstance|cimmethod|wmimethod|psdrive|pssession|psremoting"
    "|itemproperty|executionpolicy|mppreference|localuser|localgroup|localgroupmember"
    "|scheduledtask|netfirewallrule|netfirewallprofile|nettcpconnection|netipaddress"
    "|netadapter|smbshare|computerinfo|hotfix|mimikatz|shellcode|webrequest|restmethod"
    "|aduser|adcomputer|adgroup|adgroupmember|addomain|adobject|winevent|eventlog"
    "|bitstransfer|securestring|psreadlineoption|authenticodesignature|filehash|clixml"
)
_PS_NOUNS = (
    _PS_STRICT_NOUNS
    + "|content|process|service|object|expression|command|job|module|variable|alias"
    "|location|acl|item|output|host|credential|clipboard|archive|type|string|dnsname"
    "|netconnection|connection|member|history|csv"
)
POWERSHELL_HINT = rf"\b(?:{_PS_VERBS})-(?:{_PS_NOUNS})\b|\$env:|\]::|-executionpolicy\b"
_PS_ARGUMENT = (
    r"\s+(?:-[a-z]|\$|[a-z]:\\|\.{0,2}\\|(?:hklm|hkcu|hkcr|hku|env|cert|wsman):|['\"(@]"
    r"|[\w.-]+\.(?:exe|ps1|psm1|bat|cmd|dll|vbs|hta|msi|scr)\b)|\s*\|"
)
_POWERSHELL = gated(
    rf"(?:(?:^|[;|&`(]|\$\()\s*+|{LAST_BREAK})(?:(?:{_PS_VERBS})-(?:{_PS_NOUNS})(?:{_PS_ARGUMENT})"
    rf"|(?:{_PS_VERBS})-(?:{_PS_STRICT_NOUNS})(?![\w-]))"
    # .NET classes a script reaches for, the switches of a hidden or unchecked run,
    # the environment's names of the machine and the account
    r"|\[(?:system\.)?(?:convert|text\.encoding|reflection\.assembly|io\.file|net\.webclient"
    r"|diagnostics\.process|runtime\.interopservices\.marshal|io\.compression\.\w+)\]::\w"
    r"|-(?:executionpolicy|ep|exec)\s+(?:bypass|unrestricted)\b|-(?:windowstyle|w)\s+hidden\b"
    r"|-(?:encodedcommand|enc)\s+[a-z0-9+/]{16,}=*(?:$|\s)"
    r"|\$env:(?:computername|username|userprofile|userdomain|temp|tmp|appdata|localappdata"
    r"|windir|systemroot|comspec|programfiles|programdata|path|psmodulepath)\b"
)
# SQLite's shell commands after a separator (`;.shell id`, `.system`): the shell of
# a database console reached through the application.
_SQLITE_DOT = gated(r"(?:;\s*+|" + LAST_BREAK + r")\.(?:shell|system)\s+\S")
# ... and the `$` of bash's quoting `$'\x63at'` (whose escapes decoding has read).
# Also an unset variable between a command's letters (`w${gn}h${gn}oami`).
_UNSPLIT = gated(r"['\"\\^]|\$(?:[@?*#!\d_-]|\{(?:\w?|[a-z_]\w{1,19})\}|[a-z](?![\w{])|(?=['\"]))")
_GLOB_PATH = gated(r"(?:/[\w.?*\[\]!-]+){2,}")
_SENSITIVE = (
    "/etc/passwd",
    "/etc/shadow",
    "/etc/group",
    "/etc/hosts",
    "/bin/sh",
    "/bin/bash",
    "/bin/cat",
    "/bin/nc",
    "/usr/bin/id",
    "/usr/bin/wget",
    "/usr/bin/curl",
)


_BIN_FOLDERS = ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin")
# A wildcard path's slashes match only slashes (its pieces hold none): a path with more
# of them than any of those names cannot name one (`/*/*/*...` of 8 KB is not tried).
_MOST_SLASHES = max(name.count("/") for name in (*_SENSITIVE, *_BIN_FOLDERS)) + 1
# A language's call that hands a string to the shell (PHP's `system('id')`, Python's
# `os.popen("...")`, Java's `Runtime.getRuntime().exec("...")`): the string is judged
# as a command line.
_RUNS_SHELL = gated(
    r"(?:\b(?:system|passthru|shell_exec|popen|proc_open|pcntl_exec|exec)|\bos\s*\.\s*"
    r"(?:system|popen)|\bsubprocess\s*\.\s*\w+|\bgetruntime\s*\(\s*\)\s*\.\s*exec)"
    r"\s*\(\s*\[?\s*['\"`]([^'\"`]{1,1000})['\"`]"
    # or the request's own parameter (`system($_GET['cmd'])`)
    r"|\b(?:system|passthru|shell_exec|popen|proc_open|exec)\s*\(\s*\$_(?:get|post|request"
    r"|cookie|server)\b"
)


def shell_command(lowered: str) -> bool:
    text = _UNSPLIT.sub("", lowered) if _UNSPLIT.search(lowered) else lowered
    for candidate in (text, lowered) if text != lowered else (text,):
        if (
            _SEPARATED.search(candidate)
            or _LEADING.search(candidate)
            or _WEAK_END.search(candidate)
            or _EXPANSION.search(candidate)
        ):
            return True
    if ("%" in lowered and _WINDOWS.search(lowered)) or (
        "if" in lowered and _WINDOWS.search(lowered)
    ):
        return True
    if ("\n" in lowered or "\r" in lowered) and _MAIL.search(lowered):
        return True
    if ("(" in lowered or "$" in lowered) and _runs_shell(lowered):
        return True
    if ("-" in lowered or "::" in lowered or "$env:" in lowered) and _POWERSHELL.search(lowered):
        return True
    if ".s" in lowered and _SQLITE_DOT.search(lowered):
        return True
    return _globbed(lowered)


# A variable given a quoted command line, then expanded as the command (`c=$'id';$c`).
_VARIABLE_RUN = gated(
    r"\b([a-z_]\w*)=(?:\$?\\?['\"]([^'\"\\]{1,200})\\?['\"]|([\w./-]{1,100}))\s*[;&|\n]+\s*"
    r"\$\{?\1\b"
)


def _runs_shell(lowered: str) -> bool:
    """A string given to a call that runs it in a shell, or kept in a variable that is
    then run, when it is a command line."""
    for found in _VARIABLE_RUN.finditer(lowered):
        kept = found.group(2) or found.group(3)
        if _SEPARATED.search("; " + kept) or _LEADING.search(kept):
            return True
    for match in _RUNS_SHELL.finditer(lowered):
        line = match.group(1)
        if line is None or line.strip() == "pwd":  # the request's own parameter, or `pwd`
            return True
        if _SEPARATED.search("; " + line) or _LEADING.search(line):
            return True
    return False


def _globbed(lowered: str) -> bool:
    """`/e?c/pa[s]swd`, `/etc/[!q]asswd`: a wildcard path that names a sensitive file."""
    if "?" not in lowered and "*" not in lowered and "[" not in lowered:
        return False
    for path in _GLOB_PATH.findall(lowered):
        if not any(c in path for c in "?*[") or path.count("/") > _MOST_SLASHES:
            continue
        if any(fnmatchcase(target, path) for target in _SENSITIVE):
            return True
        folder = path.rpartition("/")[0]
        if any(fnmatchcase(target, folder) for target in _BIN_FOLDERS):
            return True
    return False
