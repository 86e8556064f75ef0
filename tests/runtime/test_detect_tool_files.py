"""Files of a project's tools and an account's folders asked for at a site's top
(or one folder down), and server configuration named by the request path:
path traversal. Deeper, or as words, they stay quiet."""

from __future__ import annotations

import pytest

from tests.runtime.payloads import payload_kinds


@pytest.mark.parametrize(
    "name",
    [
        ".drone.yml",
        ".github/workflows/ci.yml",
        "Jenkinsfile",
        "Pipfile.lock",
        "pom.xml",
        "build.gradle",
        "webpack.config.js",
        ".babelrc",
        ".eslintrc.json",
        ".vault-token",
        ".terraform/",
        "terraform.tfstate",
        "prod.tfstate.backup",
        "private.key",
        ".index.php.swp",
        ".vagrant/",
        ".cache/",
    ],
)
def test_tool_files_at_a_sites_top_are_traversal(name: str) -> None:
    assert "path-traversal" in payload_kinds(path="/" + name)
    assert "path-traversal" in payload_kinds(path="/app/" + name)


@pytest.mark.parametrize("name", ["nginx.conf", "httpd.conf", "tomcat-users.xml"])
def test_server_configuration_named_by_the_path_is_traversal(name: str) -> None:
    assert "path-traversal" in payload_kinds(path="/" + name)


@pytest.mark.parametrize(
    "path",
    [
        "/org/repo/blob/main/Jenkinsfile",  # a code host's page, three folders down
        "/org/repo/blob/main/.github/workflows/ci.yml",
        "/jenkins/job/build",
        "/pom",
        "/docs/webpack-config",
        "/cache/img.png",
        "/config/",
        "/.well-known/security.txt",
        "/keys/public.asc",
        "/blog/private-keys-explained",
        "/local/news",
        "/conference",
    ],
)
def test_routes_near_tool_files_stay_quiet(path: str) -> None:
    assert payload_kinds(path=path) == set()
