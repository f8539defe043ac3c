"""Lists as real offices send them (issue 10): every person read, every skipped row kept with its reason.

Each test builds its own small workbook; none uses asxh_cli/sample.py. Names and IDs are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asxh_cli.errors import InputError
from asxh_cli.io.grid import SheetGrid
from asxh_cli.io.layout import parse_sheet
from asxh_cli.io.reader import read_beneficiaries

HEADER = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Chức vụ", "Ghi chú"]


def read(paths, rules, **kw):
    return read_beneficiaries([Path(p) for p in paths], rules, **kw)


def skipped(table):
    return [(s.row, s.reason) for s in table.skipped_list]


# --- class 1: people taken for totals or signatures ---------------------------------------------------------------


def test_class1_job_titles_and_notes_do_not_hide_people(make_xlsx, rules):
    rows = [
        HEADER,
        [1, "Nguyễn Văn Công", "12/03/1970", "079070001111", "Trưởng phòng", None],
        [2, "Trần Thị Cộng", "1975", None, "Kế toán", "Công ty TNHH A"],
        [3, "Lê Văn Ba", "05/06/1980", None, "Giám đốc", None],
        [4, "Phạm Thị Bốn", "1966", None, "Cán bộ địa chính", "Chuyển đến ngày 05 tháng 03 năm 2024"],
        [5, "Võ Văn Năm", "1990", None, "Chủ tịch Hội đồng quản trị", None],
        [6, "Đỗ Thị Sáu", "07/08/1985", None, "Công chức", None],
        [None, "Tổng cộng: 6 người"],
        [None, None, None, "Vũng Tàu, ngày 05 tháng 01 năm 2026"],
        [None, "NGƯỜI LẬP BIỂU", None, "THỦ TRƯỞNG ĐƠN VỊ"],
        [None, "Trần Thị Lập", None, "Nguyễn Văn Chủ"],
    ]
    result = read([make_xlsx({"DS": rows})], rules)
    table = result.tables[0]
    assert list(result.data["source_row"]) == [2, 3, 4, 5, 6, 7]
    assert result.data.loc[3, "full_name"] == "Phạm Thị Bốn"
    assert skipped(table) == [(8, "total"), (9, "signature"), (10, "signature"), (11, "signature")]
    assert not any(s.looks_like_person for s in table.skipped_list)


def test_class1_no_footer_mode_people_after_a_signature_like_row_are_read(make_xlsx, rules):
    rows = [
        HEADER,
        [1, "Nguyễn Văn Một", "1950", None, None, None],
        [None, "Kế toán trưởng xác nhận"],
        [2, "Trần Thị Hai", "1951", None, None, None],
        [3, "Lê Văn Ba", None, None, None, "Chuyển đến ngày 05 tháng 03 năm 2024"],
    ]
    result = read([make_xlsx({"DS": rows})], rules)
    assert list(result.data["full_name"]) == ["Nguyễn Văn Một", "Trần Thị Hai", "Lê Văn Ba"]
    assert skipped(result.tables[0]) == [(3, "signature")]


def test_class1_skipped_row_that_looks_like_a_person_is_flagged(make_xlsx, rules):
    rows = [
        HEADER,
        [1, "Nguyễn Văn Một", "1950", "079050000011", None, None],
        [None, "Cộng"],
        [None, None, None, None, "Trần Văn Hai", "15/03/1952"],
    ]
    path = make_xlsx({"DS": rows})
    table = read([path], rules).tables[0]
    flags = {s.row: s.looks_like_person for s in table.skipped_list}
    assert flags == {3: False, 4: True}
    assert table.skipped_list[0].file == str(path) and table.skipped_list[0].sheet == "DS"


def test_class1_group_headings_give_commune_and_category(make_xlsx, rules):
    rows = [
        ["STT", "Họ và tên", "Năm sinh", "Số định danh"],
        ["I", "Xã Long Sơn"],
        [1, "Nguyễn Văn Một", "1950", "079050000011"],
        ["II. Phường Tam Thắng"],
        ["", "Đối tượng người cao tuổi"],
        [1, "Trần Thị Hai", "1940", "079140000012"],
    ]
    result = read([make_xlsx({"DS": rows})], rules)
    assert list(result.data["commune"]) == ["Xã Long Sơn", "Phường Tam Thắng"]
    assert list(result.data["category"]) == [None, "Đối tượng người cao tuổi"]
    assert skipped(result.tables[0]) == [(2, "heading"), (4, "heading"), (5, "heading")]


# --- class 7: unlabelled totals and second header rows -------------------------------------------------------------


def test_class7_numbers_only_and_sub_header_rows_are_skipped(make_xlsx, rules):
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Mức hưởng", "Mức hưởng", "Mức hưởng"],
        [None, None, None, None, "TC", "TC", "TC-BT"],
        [1, "Nguyễn Văn Một", "1950", "079050000011", 500000, 0, 500000],
        [2, "Trần Thị Hai", "1951", "079151000012", 500000, 0, 500000],
        [None, None, None, None, 1000000, 0, 1000000],
        [None, 2],
    ]
    table = read([make_xlsx({"DS": rows})], rules).tables[0]
    assert list(table.data["source_row"]) == [3, 4]
    assert [(s.row, s.reason, s.detail) for s in table.skipped_list] == [
        (2, "heading", "sub_header"),
        (5, "total", "numbers_only"),
        (6, "total", "numbers_only"),
    ]
    assert table.skipped["total"] == 2


def test_class7_repeated_header_at_page_break_is_not_a_person(make_xlsx, rules):
    rows = [HEADER, [1, "Nguyễn Văn Một", "1950", None], HEADER, [2, "Trần Thị Hai", "1951", None]]
    table = read([make_xlsx({"DS": rows})], rules).tables[0]
    assert list(table.data["full_name"]) == ["Nguyễn Văn Một", "Trần Thị Hai"]
    assert [(s.row, s.detail) for s in table.skipped_list] == [(3, "repeated_header")]


# --- class 5: short sheets, any shape -----------------------------------------------------------------------------


def test_class5_merged_range_past_the_last_row_does_not_crash(make_xlsx, rules):
    rows = [["BIỂU MẪU SỐ 01"], ["STT", "Họ và tên", "Ngày sinh"], [1, "Nguyễn Văn Một", "1950"]]
    path = make_xlsx({"M01": rows}, merges={"M01": ["A1:C1", "D2:E60", "A4:B70"]})
    result = read([path], rules)
    assert list(result.data["full_name"]) == ["Nguyễn Văn Một"]


_CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "STT", "Họ và tên", "Ngày sinh", "Số CCCD", "Nam", "Nữ", "Tổng cộng", "Cộng", "Kế toán", "I. Xã A"]
    ),
    st.sampled_from(["Nguyễn Văn A", "Trần Thị B", "1950", "01/02/1960", "079050000011", "12", "x", "TC"]),
    st.text(max_size=6),
)


@st.composite
def _grids(draw):
    rows = draw(st.lists(st.lists(_CELLS, max_size=7), max_size=9))
    merged = draw(
        st.lists(
            st.tuples(*(st.integers(0, 12) for _ in range(4))).map(
                lambda t: (min(t[0], t[2]), min(t[1], t[3]), max(t[0], t[2]), max(t[1], t[3]))
            ),
            max_size=4,
        )
    )
    return SheetGrid(Path("fuzz.xlsx"), "S", rows, merged)


@settings(max_examples=300, deadline=None)
@given(_grids())
def test_class5_fuzz_any_small_grid_with_merges_reads_or_gives_input_error(rules, grid):
    total = len(grid.rows)
    try:
        table = parse_sheet(grid, rules)
    except InputError:
        return
    # every row is a header row, a person or a counted skipped row; every non-blank skipped row is listed
    assert len(table.data) + sum(table.skipped.values()) + len(table.header_rows) == total
    assert len(table.skipped_list) == sum(n for reason, n in table.skipped.items() if reason != "blank")
    listed = {s.row for s in table.skipped_list}
    assert listed.isdisjoint(set(table.data["source_row"]))


# --- class 2: header spelling -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["stt", "hoten", "ngaysinh", "gioitinh", "cccd"], ["row_no", "full_name", "birth_date", "sex", "national_id"]),
        (
            ["HoTen", "NgaySinhRaw", "GioiTinh", "DiaChi", "TenDiaBan", "TenNhomDoiTuong", "SoDienThoai"],
            ["full_name", "birth_date", "sex", "address", "commune", "category", "phone"],
        ),
        (
            ["S\nT\nT", "Họ và tên nhà giáo", "Thường Trú", "Mức trợ cấp (đồng)", "so_cccd"],
            ["row_no", "full_name", "address", "amount", "national_id"],
        ),
        (
            ["TT", "Họ và tên người hưởng", "Năm\nsinh", "Số CMND/CCCD (12 số)"],
            ["row_no", "full_name", "birth_date", "national_id"],
        ),
    ],
)
def test_class2_real_header_spellings(make_xlsx, rules, headers, expected):
    values = {
        "row_no": 1,
        "full_name": "Nguyễn Văn Một",
        "birth_date": "1950",
        "sex": "Nam",
        "national_id": "079050000011",
        "address": "Thôn 1",
        "commune": "Xã A",
        "category": "Hộ nghèo",
        "phone": "0912345678",
        "amount": 500000,
    }
    table = read([make_xlsx({"DS": [headers, [values[f] for f in expected]]})], rules).tables[0]
    assert [c.field for c in table.columns] == expected
    assert len(table.data) == 1


def test_class2_cmnd_column_of_twelve_digit_numbers_is_the_personal_id(make_xlsx, rules):
    rows = [["STT", "Họ tên", "Năm sinh", "CMND"], [1, "Nguyễn Văn Một", "1950", "079050000011"]]
    rows.append([2, "Trần Thị Hai", "1951", "079151000012"])
    table = read([make_xlsx({"DS": rows})], rules).tables[0]
    assert [c.field for c in table.columns] == ["row_no", "full_name", "birth_date", "national_id"]
    assert list(table.data["national_id"]) == ["079050000011", "079151000012"]
    assert table.notes and table.notes[0].startswith("D:")


# --- class 3: sheets that are not lists ---------------------------------------------------------------------------

PEOPLE = [["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân"], [1, "Nguyễn Văn Một", "1950", "079050000011"]]
EXAMPLE = [["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân"], [1, "Nguyễn Văn Mẫu", "1960", "079060000099"]]


def test_class3_example_instruction_and_catalogue_sheets_are_skipped_with_a_notice(make_xlsx, rules):
    path = make_xlsx(
        {"Ví dụ": EXAMPLE, "DS": PEOPLE, "Hướng dẫn": [["Điền đủ các cột"]], "Danh mục": [["Mã", "Tên"], ["01", "A"]]}
    )
    result = read([path], rules)
    assert list(result.data["full_name"]) == ["Nguyễn Văn Một"]
    assert [s.sheet for s in result.skipped_sheets] == ["Ví dụ", "Hướng dẫn", "Danh mục"]
    assert any("Ví dụ" in n and "--sheet" in n for n in result.notices)
    example = read([path], rules, sheet="Ví dụ")
    assert list(example.data["full_name"]) == ["Nguyễn Văn Mẫu"]


def test_class3_template_with_only_an_example_sheet_gives_no_people(make_xlsx, rules):
    path = make_xlsx({"Mẫu": EXAMPLE, "Hướng dẫn": [["Điền đủ các cột"]]})
    with pytest.raises(InputError, match="không sheet nào"):
        read([path], rules)


# --- class 4: format by content ----------------------------------------------------------------------------------


def _xls(path: Path, sheets: dict[str, list[list[object]]], merges=(), hidden=()) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
        for r0, r1, c0, c1, value in merges:
            sheet.write_merge(r0, r1, c0, c1, value)
        if title in hidden:
            sheet.visibility = 1
    book.save(str(path))
    return path


def test_class4_xlsx_saved_under_an_xls_name_is_read_with_a_notice(make_xlsx, rules, tmp_path):
    real = make_xlsx({"DS": PEOPLE})
    renamed = real.rename(tmp_path / "ds.xls")
    result = read([renamed], rules)
    assert list(result.data["full_name"]) == ["Nguyễn Văn Một"]
    assert result.notices and "ds.xls" in result.notices[0] and "xlsx" in result.notices[0]


def test_class4_real_xls_and_xls_under_xlsx_name_and_csv_under_xls_name(rules, tmp_path):
    xls = _xls(tmp_path / "ds.xls", {"DS": PEOPLE})
    assert list(read([xls], rules).data["full_name"]) == ["Nguyễn Văn Một"]
    assert read([xls], rules).notices == []
    wrong = _xls(tmp_path / "ds2.xlsx", {"DS": PEOPLE})
    result = read([wrong], rules)
    assert list(result.data["national_id"]) == ["079050000011"] and result.notices
    text = tmp_path / "ds3.xls"
    text.write_text("STT,Họ và tên,Ngày sinh\n1,Nguyễn Văn Một,1950\n", encoding="utf-8")
    assert list(read([text], rules).data["full_name"]) == ["Nguyễn Văn Một"]


def test_class4_html_under_an_xls_name_is_a_clear_error(rules, tmp_path):
    page = tmp_path / "export.xls"
    page.write_text("<html><body><table><tr><td>Họ và tên</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="HTML"):
        read([page], rules)


# --- class 9: hidden sheets and unread rows ----------------------------------------------------------------------


def test_class9_hidden_sheet_with_people_is_reported_with_its_count(rules, tmp_path):
    other = [PEOPLE[0], [1, "Trần Thị Hai", "1951", "079151000012"], [2, "Lê Văn Ba", "1952", "079052000013"]]
    path = _xls(tmp_path / "ds.xls", {"Xã A": PEOPLE, "Xã B": other}, hidden=("Xã B",))
    result = read([path], rules)
    assert list(result.data["full_name"]) == ["Nguyễn Văn Một"]
    assert [(h.sheet, h.people) for h in result.hidden_sheets] == [("Xã B", 2)]
    assert any("Xã B" in w and "2" in w for w in result.warnings)
    assert len(read([path], rules, sheet="Xã B").data) == 2


def test_class9_csv_with_an_unterminated_quote_is_an_error_naming_the_line(rules, tmp_path):
    lines = ["STT,Họ và tên,Ngày sinh"] + [f"{i},Người Số {i},1950" for i in range(1, 4)]
    lines.insert(2, '9,"Nguyễn Văn Chín,1950')
    path = tmp_path / "ds.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="dòng 3"):
        read([path], rules)
    closed_later = lines[:]
    closed_later[4] = '3,Người Số" 3,1950'
    path.write_text("\n".join(closed_later) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="dòng 3"):
        read([path], rules)


def test_class9_commune_merged_down_over_its_group_applies_to_each_row(make_xlsx, rules):
    rows = [["STT", "Xã", "Họ và tên", "Năm sinh"]]
    rows += [[i, "Xã Long Sơn" if i == 1 else None, f"Người Số {i}", "1950"] for i in range(1, 4)]
    rows += [[4, "Phường Tam Thắng", "Người Số Bốn", "1951"]]
    path = make_xlsx({"DS": rows}, merges={"DS": ["B2:B4"]})
    result = read([path], rules)
    assert list(result.data["commune"]) == ["Xã Long Sơn"] * 3 + ["Phường Tam Thắng"]
    xls = _xls(
        path.with_suffix(".xls"),
        {"DS": rows[:1] + [[*r[:1], None, *r[2:]] for r in rows[1:]]},
        merges=[(1, 3, 1, 1, "Xã Long Sơn"), (4, 4, 1, 1, "Phường Tam Thắng")],
    )
    assert list(read([xls], rules).data["commune"]) == ["Xã Long Sơn"] * 3 + ["Phường Tam Thắng"]


# --- class 10: encodings and sheet sizes -------------------------------------------------------------------------

NAMES = ["Nguyễn Văn Bình", "Trần Thị Hương", "Lê Đức Thắng", "Phạm Thị Ngọc Diễm"]


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_class10_legacy_text_saved_as_windows_1252_is_not_read_as_1258(rules, tmp_path, legacy):
    from asxh_cli.clean import clean_beneficiaries
    from asxh_cli.normalize.legacy import encode_tcvn3, encode_vni

    encode = encode_tcvn3 if legacy == "tcvn3" else encode_vni
    body = b"STT,Ho va ten,Nam sinh\n" + b"".join(
        f"{i},{encode(n)},1950\n".encode("cp1252") for i, n in enumerate(NAMES, 1)
    )
    path = tmp_path / "ds.csv"
    path.write_bytes(body)
    result = read([path], rules)
    assert result.tables[0].encoding == "cp1252"
    cleaned = clean_beneficiaries(result.data, rules)
    assert list(cleaned.data["full_name"]) == NAMES


def test_class10_plain_windows_1252_names_are_kept(rules, tmp_path):
    names = ["Lý Hòa", "Võ Trà", "Hà Tú", "José Müller"]
    path = tmp_path / "ds.csv"
    text = "STT,Ho va ten,Nam sinh\n" + "".join(f"{i},{n},1950\n" for i, n in enumerate(names, 1))
    path.write_bytes(text.encode("cp1252"))
    result = read([path], rules)
    assert list(result.data["full_name"]) == names


@pytest.mark.parametrize("far", ["ZZ200000", "XFD1048576"])
def test_class10_one_far_away_cell_is_read_row_by_row(make_xlsx, rules, far):
    import openpyxl

    path = make_xlsx({"DS": PEOPLE})
    book = openpyxl.load_workbook(path)
    book["DS"][far] = "x"
    book.save(path)
    result = read([path], rules)
    assert list(result.data["full_name"]) == ["Nguyễn Văn Một"]


# --- class 8: ID repairs only where Excel is the cause, one cleaner for lists and the register --------------------


def test_class8_no_invented_digits(rules):
    from asxh_cli.normalize.ids import INVALID, clean_id, clean_old_id

    provinces = frozenset(rules.provinces)
    short = clean_id("0448901234", provinces)
    assert (short.value, short.kind, short.problem, short.repairs) == (None, INVALID, "id-missing-digit", ())
    assert clean_id("04489012345", provinces).problem == "id-missing-digit"
    assert clean_id("01234567", provinces).problem == "id-missing-digit"
    odd = clean_id("24/GCN-UBCK", provinces)
    assert (odd.kind, odd.repairs) == (INVALID, ())
    assert clean_id("79050000011", provinces, 1950).value == "079050000011"
    assert clean_id("79250000011", provinces, 1950).problem == "id-length"  # century 2000s against a 1950 birth
    assert clean_old_id("1234567890") == "1234567890"  # a CMND is never padded into a 12-digit ID
    assert clean_old_id("12345678") == "012345678"


def test_class8_list_rows_report_every_change(make_xlsx, rules):
    from asxh_cli.clean import clean_beneficiaries

    rows = [
        ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Số CMND"],
        [1, "Nguyễn Văn Một", "1950", 79050000011, "1234567890"],
        [2, "Trần Thị Hai", "1951", "0791510000", None],
        [3, "Lê Văn Ba", "1952", "079.052.000.013", None],
    ]
    result = read([make_xlsx({"DS": rows})], rules)
    cleaned = clean_beneficiaries(result.data, rules)
    assert list(cleaned.data["national_id"]) == ["079050000011", "0791510000", "079052000013"]
    assert cleaned.data["old_id"].iat[0] == "1234567890"
    codes = {(int(r.source_row), r.code) for r in cleaned.problems.itertuples()}
    assert {(2, "id-leading-zero"), (3, "id-missing-digit"), (4, "id-stripped")} <= codes
    assert (3, "id-leading-zero") not in codes


_ID_TEXT = st.one_of(
    st.from_regex(r"\A0?(01|36|77|79)[0-3][0-9]{8}\Z"),
    st.from_regex(r"\A[0-9]{6,13}\Z"),
    st.from_regex(r"\A0?79[0-3][0-9]{8}\.0\Z"),
    st.from_regex(r"\A0?79 ?[0-3][0-9]{2}[ .][0-9]{3}[ .][0-9]{3}\Z"),
    st.sampled_from(["7.9050000011E+10", "CCCD: 079050000011", "24/GCN-UBCK", "", " ", "０７９０５００００００１１"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), _ID_TEXT), max_size=20))
def test_class8_register_and_lists_clean_ids_the_same_way(rules, values):
    import pandas as pd

    from asxh_cli.match.register import _register_ids
    from asxh_cli.normalize.ids import clean_id

    provinces = frozenset(rules.provinces)
    series = pd.Series(values, dtype=object)
    # Same cleaning, except that a plain 12-digit register ID is the register's own word: kept whatever its
    # structure (issue 12: an ID that is byte for byte the register's is evidence).
    expected = [
        v.strip()
        if isinstance(v, str) and v.strip().isascii() and v.strip().isdigit() and len(v.strip()) == 12
        else clean_id(v, provinces).value
        for v in values
    ]
    assert [None if pd.isna(v) else v for v in _register_ids(series, rules)] == expected


def test_class8_register_float_ids_keep_their_digits(rules):
    import pandas as pd

    from asxh_cli.match.register import _register_ids

    ids = pd.Series(["79123456789.0", "7.9050000011E+10", "079 050 000 011", "079.050.000.012"], dtype=object)
    assert list(_register_ids(ids, rules)) == ["079123456789", "079050000011", "079050000011", "079050000012"]


# --- class 6: legacy text with ASCII inside ----------------------------------------------------------------------


def test_class6_tcvn3_and_vni_names_with_an_ascii_abbreviation_are_decoded(make_xlsx, rules):
    from asxh_cli.clean import clean_beneficiaries
    from asxh_cli.normalize.legacy import encode_tcvn3, encode_vni

    rows = [
        ["STT", "Họ và tên", "Năm sinh"],
        [1, encode_tcvn3("Nguyễn Việt Hà") + " (GDCD)", "1980"],
        [2, encode_tcvn3("Trần Thị Hương") + " (KT)", "1981"],
        [3, encode_vni("Lê Đức Thắng") + " (TD)", "1982"],
    ]
    result = read([make_xlsx({"DS": rows})], rules)
    cleaned = clean_beneficiaries(result.data, rules)
    assert list(cleaned.data["full_name"]) == ["Nguyễn Việt Hà (GDCD)", "Trần Thị Hương (KT)", "Lê Đức Thắng (TD)"]


def test_class6_text_that_was_not_decoded_is_never_re_cased():
    from asxh_cli.normalize.text import normalize_name

    assert normalize_name("ViÖt Hµ") == "ViÖt Hµ"
    assert normalize_name("NGUYỄN thị MAI") == "Nguyễn Thị Mai"


# --- class 11: categories by ordered rules with their legal basis ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "rule"),
    [
        (
            "Người từ đủ 60 đến dưới 80 tuổi thuộc hộ nghèo không có người có nghĩa vụ và quyền phụng dưỡng",
            "BTXH",
            "nd20-5-5a-nct-ngheo-khong-nguoi-phung-duong",
        ),
        ("(NĐ176) Người từ đủ 75 tuổi trở lên hưởng trợ cấp hưu trí xã hội", "BTXH", "huu-tri-xa-hoi"),
        ("Người từ 16-22 tuổi đang đi học văn hóa, học nghề", "BTXH", "nd20-5-2-hoc-sinh-16-22"),
        ("Trẻ em nhiễm HIV/AIDS thuộc hộ nghèo", "BTXH", "nd20-5-3-tre-em-hiv"),
        ("Người khuyết tật nặng thuộc hộ cận nghèo", "BTXH", "nd20-5-6-khuyet-tat"),
        ("Thân nhân liệt sĩ", "NCC", "alias"),
        ("Thương binh 4/4 (61%)", "NCC", "ncc"),
        ("Thành viên hộ cận nghèo", "HCN", "ho-can-ngheo"),
        ("Thành viên hộ nghèo", "HN", "ho-ngheo"),
        ("HN", "HN", "alias"),
    ],
)
def test_class11_most_specific_rule_decides_and_is_visible(rules, text, code, rule):
    from asxh_cli.normalize.lookup import category_index

    found = category_index(rules).explain(text)
    assert (found.code, found.rule) == (code, rule)
    assert found.rule == "alias" or found.basis


def test_class11_clean_files_long_descriptions_under_the_right_group(make_xlsx, rules):
    from asxh_cli.clean import clean_beneficiaries

    rows = [
        ["STT", "Họ và tên", "Năm sinh", "Đối tượng"],
        [1, "Nguyễn Văn Một", "1950", "Người từ đủ 60 đến dưới 80 tuổi thuộc hộ nghèo không có người phụng dưỡng"],
        [2, "Trần Thị Hai", "1940", "(NĐ176) trợ cấp hưu trí xã hội"],
        [3, "Lê Văn Ba", "2008", "Người từ 16-22 tuổi đang đi học"],
        [4, "Phạm Thị Bốn", "1970", "Hộ nghèo"],
    ]
    cleaned = clean_beneficiaries(read([make_xlsx({"DS": rows})], rules).data, rules)
    assert list(cleaned.data["category_code"]) == ["BTXH", "BTXH", "BTXH", "HN"]


def test_class11_rules_are_validated(tmp_path, rules):
    import shutil

    from asxh_cli.errors import RuleError
    from asxh_cli.rules import load_rules

    folder = tmp_path / "rules"
    shutil.copytree(rules.source, folder)
    text = (folder / "categories.toml").read_text(encoding="utf-8")
    (folder / "categories.toml").write_text(
        text.replace('code = "KHAC"\nname = "Trợ giúp khác"', 'code = "XYZ"\nname = "x"')
    )
    with pytest.raises(RuleError, match="mã lạ"):
        load_rules(folder)


def test_every_non_empty_row_is_a_person_a_header_row_or_a_listed_skipped_row(make_xlsx, rules):
    rows = [
        ["UBND XÃ LONG SƠN", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        [],
        ["DANH SÁCH CHI TRẢ THÁNG 01/2026"],
        HEADER,
        [None, None, "(1)", "(2)", "(3)"],
        [1, "Nguyễn Văn Một", "1950", "079050000011"],
        ["I. Xã Long Sơn"],
        [2, "Trần Thị Hai", "1951", None, "Kế toán"],
        [None, "Tổng cộng"],
    ]
    table = read([make_xlsx({"DS": rows})], rules).tables[0]
    non_empty = sum(1 for row in rows if any(v is not None for v in row))
    assert len(table.data) + len(table.header_rows) + len(table.skipped_list) == non_empty
    assert [(s.row, s.reason, s.detail) for s in table.skipped_list] == [
        (1, "heading", "title"),
        (3, "heading", "title"),
        (5, "column_numbers", ""),
        (7, "heading", "group"),
        (9, "total", "tong cong"),
    ]


def test_class2_second_column_for_a_taken_field_is_reported(make_xlsx, rules):
    rows = [["STT", "Họ và tên", "Họ tên người hưởng", "Năm sinh"], [1, "Nguyễn Văn Một", "Nguyễn Văn Một", "1950"]]
    table = read([make_xlsx({"DS": rows})], rules).tables[0]
    assert [c.field for c in table.columns] == ["row_no", "full_name", None, "birth_date"]
    assert any(note.startswith("C ") and "full_name" in note for note in table.notes)


def test_class4_register_workbook_under_a_csv_name_is_read_by_content(make_xlsx, rules, tmp_path):
    from asxh_cli.io.reader import read_register

    path = make_xlsx({"CSDL": [["Số định danh cá nhân", "Họ và tên", "Ngày sinh"], ["079050000011", "A B", "1950"]]})
    renamed = path.rename(tmp_path / "csdl.csv")
    frame = read_register(renamed, rules)
    assert list(frame["national_id"]) == ["079050000011"]


def test_class2_every_alias_is_understood_in_camel_snake_and_run_together_spelling(rules):
    from asxh_cli.io.layout import _Headers

    headers = _Headers(rules.column_aliases, {})
    for alias, name in rules.column_aliases.items():
        for form in ("".join(w.capitalize() for w in alias.split()), alias.replace(" ", ""), alias.replace(" ", "_")):
            assert headers.field_of(form) == name, (alias, form)
        assert headers.field_of(f"{alias} (ghi chú)") == name


_SYLLABLES = st.sampled_from(
    ["Nguyễn", "Trần", "Lê", "Thị", "Văn", "Hương", "Đức", "Thắng", "Việt", "Hà", "Ngọc", "Bình"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_SYLLABLES, min_size=2, max_size=4), st.sampled_from(["", " (GDCD)", " - KT", " (TD) ", " CB"]))
def test_class6_legacy_names_decode_whatever_ascii_surrounds_them(words, suffix):
    from asxh_cli.normalize.legacy import Encoding, encode_tcvn3, encode_vni, fix_legacy
    from asxh_cli.normalize.text import VIETNAMESE_LETTERS

    name = " ".join(words)
    for encode, kind in ((encode_tcvn3, Encoding.TCVN3), (encode_vni, Encoding.VNI)):
        legacy = encode(name)
        if all(ch.isascii() or ch in VIETNAMESE_LETTERS for ch in legacy):
            continue  # "Thò" is VNI for "Thị" and also a Vietnamese word: only the column can tell
        text, found = fix_legacy(legacy + suffix)
        assert text == name + suffix
        assert found is kind or encode(name) == name


def test_read_result_lists_skipped_rows_of_every_sheet_and_file(make_xlsx, rules, tmp_path):
    first = make_xlsx(
        {"A": [*PEOPLE, [None, "Tổng cộng"]], "B": [*PEOPLE, [None, None, None, None, "Lê Văn Ba", "1952"]]}
    )
    second = tmp_path / "ds.csv"
    second.write_text("STT,Họ và tên,Năm sinh\n1,Trần Thị Hai,1951\n,Cộng,\n", encoding="utf-8")
    result = read([first, second], rules)
    frame = result.skipped_frame()
    assert list(zip(frame["file"], frame["sheet"], frame["row"], frame["reason"], strict=True)) == [
        (str(first), "A", 3, "total"),  # the path as given
        (str(first), "B", 3, "heading"),
        (str(second), "ds", 3, "total"),
    ]
    assert list(frame["looks_like_person"]) == [False, True, False]
    assert len(result.warnings) == 1 and "dòng 3" in result.warnings[0] and "Lê Văn Ba" not in result.warnings[0]


def test_class10_sheet_with_more_cells_than_the_limit_is_refused_clearly(make_xlsx, rules, monkeypatch):
    import asxh_cli.io.grid as grid

    monkeypatch.setattr(grid, "MAX_CELLS", 5)
    with pytest.raises(InputError, match="vượt giới hạn 5"):
        read([make_xlsx({"DS": PEOPLE})], rules)


def test_large_register_csv_whose_first_block_ends_inside_a_letter(rules, tmp_path):
    """The encoding is sniffed on the first 256 KB; a cut inside a multi-byte letter must not break the read."""
    from asxh_cli.io.reader import read_register

    line = "079150000{:03d},Nguyễn Thị Ánh Tuyết,15/06/1950,Nữ,Còn sống\n"
    for pad in range(80):
        text = "Số định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Tình trạng" + "x" * pad + "\n"
        text += "".join(line.format(i % 1000) for i in range(6000))
        data = text.encode("utf-8")
        if 0x80 <= data[256 * 1024] <= 0xBF:  # the cut falls inside a letter
            break
    assert 0x80 <= data[256 * 1024] <= 0xBF
    path = tmp_path / "csdl.csv"
    path.write_bytes(data)
    frame = read_register(path, rules)
    assert len(frame) == 6000 and frame["full_name"].iat[-1] == "Nguyễn Thị Ánh Tuyết"
