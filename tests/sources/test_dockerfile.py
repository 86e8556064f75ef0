from shieldwall.sources.dockerfile import parse_dockerfile


def test_tab_after_keyword_keeps_the_instruction() -> None:
    doc = parse_dockerfile("FROM debian:12\nUSER\troot\nRUN\techo 'a\tb'\n")
    got = [(i.keyword, i.value, i.start_line) for i in doc.instructions]
    assert got == [("FROM", "debian:12", 1), ("USER", "root", 2), ("RUN", "echo 'a\tb'", 3)]


def test_continuation_on_last_line_ends_inside_the_file() -> None:
    doc = parse_dockerfile("FROM debian:12\nRUN echo hi \\\n")
    run = doc.instructions[-1]
    assert (run.keyword, run.start_line, run.end_line) == ("RUN", 2, 2)


def test_continuation_skips_comments_and_joins_lines() -> None:
    doc = parse_dockerfile("FROM a\nRUN apt-get update \\\n  # why\n  && apt-get install -y x\n")
    run = doc.instructions[-1]
    assert run.value == "apt-get update && apt-get install -y x"
    assert (run.start_line, run.end_line) == (2, 4)
    assert doc.comments[3] == "# why"


def test_stages_heredoc_and_flags() -> None:
    text = (
        "ARG PY=3.12\n"
        "FROM --platform=$BUILDPLATFORM python:${PY} AS Build\n"
        "RUN <<EOF\n"
        "pip install x\n"
        "EOF\n"
        "FROM build\n"
        "COPY --from=build --chown=app:app /a /b\n"
    )
    doc = parse_dockerfile(text)
    assert [s.name for s in doc.stages] == ["build", ""]
    assert doc.stages[0].from_instruction.flags == {"platform": "$BUILDPLATFORM"}
    run = doc.stages[0].instructions[0]
    assert (run.heredoc, run.start_line, run.end_line) == ("pip install x", 3, 5)
    copy = doc.stages[1].instructions[0]
    assert copy.flags == {"from": "build", "chown": "app:app"}
    assert copy.arguments == "/a /b"
    assert [a.value for a in doc.global_args] == ["PY=3.12"]
