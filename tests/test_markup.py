from docgen.markup import Run, parse_paragraphs, parse_runs


def test_runs_mark_bold_and_italic_and_keep_other_characters():
    assert parse_runs("a **đậm** b *nghiêng* & <c> {{ d }}") == [
        Run("a "), Run("đậm", bold=True), Run(" b "), Run("nghiêng", italic=True),
        Run(" & <c> {{ d }}"),
    ]


def test_a_lone_star_is_text():
    assert parse_runs("điểm * sao") == [Run("điểm * sao")]


def test_paragraphs_split_on_blank_lines_and_bullets():
    paragraphs = parse_paragraphs("Dòng một\nnối tiếp.\n\n**1. Mục**\n- gạch một\n- gạch hai\n")
    assert [p.text for p in paragraphs] == [
        "Dòng một nối tiếp.", "1. Mục", "- gạch một", "- gạch hai",
    ]
    assert [p.bullet for p in paragraphs] == [False, False, True, True]
