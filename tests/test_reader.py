"""Reading real-looking beneficiary sheets: header detection, layouts, provenance, bad input."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from pathlib import Path

import pytest

from asxh_cli.errors import InputError
from asxh_cli.io.reader import parse_overrides, read_beneficiaries, read_register

TITLE = [
    ["UBND PHƯỜNG VŨNG TÀU", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    [],
    ["DANH SÁCH ĐỐI TƯỢNG BẢO TRỢ XÃ HỘI THÁNG 01/2026"],
]


def read(paths, rules, **kw):
    return read_beneficiaries([Path(p) for p in paths], rules, **kw)


def test_title_block_header_detected_and_rows_keep_excel_numbers(make_xlsx, rules):
    path = make_xlsx(
        {
            "DS": [
                *TITLE,
                ["STT", "Họ và tên", "Ngày sinh", "Số CCCD"],
                [1, "Nguyễn Văn An", "01/02/1950", "079050000001"],
                [2, "Trần Thị Bình", "1948", "079148000002"],
            ]
        }
    )
    result = read([path], rules)
    table = result.tables[0]
    assert table.header_rows == (5,)
    assert list(result.data["source_row"]) == [6, 7]
    assert list(result.data["full_name"]) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert list(result.data["national_id"]) == ["079050000001", "079148000002"]
    assert {Path(f).name for f in result.data["source_file"]} == {"list.xlsx"}
    assert set(result.data["source_sheet"]) == {"DS"}


def test_two_level_nam_nu_header_gives_sex_from_column(make_xlsx, rules):
    rows = [
        *TITLE,
        ["STT", "Họ và tên", "Năm sinh", None, "Địa chỉ"],
        [None, None, "Nam", "Nữ", None],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
        [1, "Lê Văn Cường", 1945, None, "Thôn 1"],
        [2, "Phạm Thị Dung", None, dt.datetime(1950, 6, 15), "Thôn 2"],
    ]
    path = make_xlsx({"DS": rows}, merges={"DS": ["C5:D5", "A5:A6", "B5:B6", "E5:E6"]})
    result = read([path], rules)
    table = result.tables[0]
    assert table.header_rows == (5, 6)
    assert [(c.letter, c.field, c.sex) for c in table.columns][:4] == [
        ("A", "row_no", None),
        ("B", "full_name", None),
        ("C", "birth_date", "Nam"),
        ("D", "birth_date", "Nữ"),
    ]
    assert table.skipped["column_numbers"] == 1
    assert list(result.data["birth_date"]) == ["1945", "1950-06-15"]
    assert list(result.data["sex_from_layout"]) == ["Nam", "Nữ"]
    assert list(result.data["source_row"]) == [8, 9]


def test_totals_signatures_blanks_and_headings_are_not_people(make_xlsx, rules):
    rows = [
        ["STT", "Họ tên đối tượng", "Ngày, tháng, năm sinh", "Số CCCD/CMND", "Mức trợ cấp"],
        ["I. Thôn Đông"],
        [1, "Võ Văn Em", "02/03/1960", "079060000003", 500000],
        [],
        [2, "Đỗ Thị Giang", "04/05/1962", "079162000004", 500000],
        [None, "Tổng cộng", None, None, 1000000],
        [None, None, None, "Vũng Tàu, ngày 05 tháng 01 năm 2026"],
        [None, "NGƯỜI LẬP BIỂU", None, "CHỦ TỊCH"],
        [None, "(Ký, họ tên)"],
        [None, "Trần Thị Lập", None, "Nguyễn Văn Chủ"],
    ]
    result = read([make_xlsx({"S": rows})], rules)
    table = result.tables[0]
    assert list(result.data["full_name"]) == ["Võ Văn Em", "Đỗ Thị Giang"]
    assert list(result.data["source_row"]) == [3, 5]
    assert dict(table.skipped) == {"heading": 1, "blank": 1, "total": 1, "signature": 4}
    assert table.skipped_rows["total"] == [6]


def test_several_sheets_all_read_or_one_named(make_xlsx, rules):
    header = ["STT", "Họ và tên", "Ngày sinh", "Số định danh cá nhân"]
    path = make_xlsx(
        {
            "Phường 1": [header, [1, "A Văn Một", "1950", "079050000011"]],
            "Hướng dẫn": [["Điền đủ các cột"]],
            "Phường 2": [header, [1, "B Thị Hai", "1951", "079151000012"]],
        }
    )
    result = read([path], rules)
    assert list(result.data["source_sheet"]) == ["Phường 1", "Phường 2"]
    assert [s.sheet for s in result.skipped_sheets] == ["Hướng dẫn"]
    only = read([path], rules, sheet="Phường 2")
    assert list(only.data["full_name"]) == ["B Thị Hai"]
    with pytest.raises(InputError, match="không có sheet 'Phường 9'"):
        read([path], rules, sheet="Phường 9")


@pytest.mark.parametrize(
    "header", ["Họ và tên", "HỌ VÀ TÊN", "Họ tên đối tượng", "Họ, chữ đệm và tên", "Ho ten chu ho"]
)
def test_name_aliases(make_xlsx, rules, header):
    result = read([make_xlsx({"S": [[header, "Số CCCD"], ["X Văn Y", "079050000001"]]})], rules)
    assert list(result.data["full_name"]) == ["X Văn Y"]


def test_unknown_headers_kept_and_map_override(make_xlsx, rules):
    path = make_xlsx({"S": [["Tên người", "Số CCCD", "Dân tộc"], ["X Văn Y", "079050000001", "Kinh"]]})
    plain = read([path], rules)
    assert "Tên người" in plain.data.columns and "Dân tộc" in plain.data.columns
    mapped = read([path], rules, overrides=parse_overrides(["Tên người=full_name"]))
    assert list(mapped.data["full_name"]) == ["X Văn Y"]
    assert list(mapped.data["Dân tộc"]) == ["Kinh"]
    with pytest.raises(InputError):
        parse_overrides(["Tên người=ten"])


def test_numeric_ids_and_excel_dates_kept_as_faithful_text(make_xlsx, rules):
    rows = [
        ["Họ và tên", "Ngày sinh", "Số CCCD"],
        ["A", dt.datetime(1950, 6, 15), 79050000001],
        ["B", 18429, 1012345678],
        ["C", "15/06/1950", "7.9050000001E+10"],
        ["D", None, 79050123456789.0],
    ]
    result = read([make_xlsx({"S": rows})], rules)
    assert list(result.data["national_id"]) == ["79050000001", "1012345678", "7.9050000001E+10", "79050123456789"]
    assert list(result.data["birth_date"]) == ["1950-06-15", "18429", "15/06/1950", None]


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tones as combining marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out.append(base + "".join(p for p in parts if p in tones))
    return "".join(out).encode("cp1258")


def test_csv_encodings_detected(tmp_path, rules):
    text = "Họ và tên,Ngày sinh,Số CCCD\nNguyễn Thị Hoà,1950,079150000001\n"
    for encoding in ("utf-8", "utf-8-sig", "utf-16"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert list(read([path], rules).data["full_name"]) == ["Nguyễn Thị Hoà"], encoding
    path = tmp_path / "cp1258.csv"
    path.write_bytes(_cp1258(text))
    name = read([path], rules).data["full_name"].iloc[0]
    assert unicodedata.normalize("NFC", name) == "Nguyễn Thị Hoà"
    path = tmp_path / "semicolon.csv"
    path.write_text("STT;Họ và tên;Số CCCD\n1;A B;079150000001\n", encoding="utf-8")
    assert read([path], rules).tables[0].data["national_id"].tolist() == ["079150000001"]


def test_bad_inputs_raise_clear_errors(tmp_path, make_xlsx, rules):
    with pytest.raises(InputError, match="Không tìm thấy tệp"):
        read([tmp_path / "khong_co.xlsx"], rules)
    odd = tmp_path / "ds.pdf"
    odd.write_text("x")
    with pytest.raises(InputError, match="không được hỗ trợ"):
        read([odd], rules)
    encrypted = tmp_path / "mat_khau.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(InputError, match="mật khẩu"):
        read([encrypted], rules)
    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(InputError, match="bị hỏng"):
        read([corrupt], rules)
    with pytest.raises(InputError, match="sheet trống"):
        read([make_xlsx({"Trống": []}, name="empty.xlsx")], rules)
    with pytest.raises(InputError, match="không tìm thấy dòng tiêu đề"):
        read([make_xlsx({"S": [["a", "b"], [1, 2]]}, name="noheader.xlsx")], rules)
    blank_csv = tmp_path / "blank.csv"
    blank_csv.write_text("   \n")
    with pytest.raises(InputError, match="không có dữ liệu"):
        read([blank_csv], rules)
    bad_bytes = tmp_path / "bytes.csv"
    bad_bytes.write_bytes(b"Ho ten,CCCD\n\x81\x8d\x8f\x90,1\n")
    with pytest.raises(InputError, match="bảng mã"):
        read([bad_bytes], rules)


def test_zip_bomb_refused_before_parsing(tmp_path, rules, monkeypatch):
    from asxh_cli.io import grid

    monkeypatch.setattr(grid, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (3 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb"):
        read([bomb], rules)


def test_register_csv_and_parquet(tmp_path, rules):
    csv_path = tmp_path / "reg.csv"
    csv_path.write_text(
        "Số định danh cá nhân,Họ và tên,Ngày sinh,Tình trạng\n079050000001,A B,01/01/1950,Đã chết\n", encoding="utf-8"
    )
    frame = read_register(csv_path, rules)
    assert frame.loc[0, "national_id"] == "079050000001"
    assert frame.loc[0, "status"] == "Đã chết"
    frame.drop(columns="source_row").to_parquet(tmp_path / "reg.parquet")
    again = read_register(tmp_path / "reg.parquet", rules)
    assert again.loc[0, "national_id"] == "079050000001"
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="thiếu cột bắt buộc"):
        read_register(bad, rules)


def test_shipped_sample_data_is_understood(rules):
    root = Path(__file__).resolve().parent.parent / "sample_data"
    files = [root / "btxh.xlsx", root / "nguoi_co_cong.xlsx", root / "ho_ngheo.csv"]
    result = read(files, rules)
    import csv

    with (root / "dap_an.csv").open(encoding="utf-8-sig") as handle:
        truth = list(csv.DictReader(handle))
    assert len(result.data) == len(truth)
    files = [Path(f).name for f in result.data["source_file"]]
    read_keys = set(zip(files, result.data["source_sheet"], result.data["source_row"], strict=True))
    truth_keys = {(t["Tệp gốc"], t["Sheet gốc"], int(t["Dòng gốc"])) for t in truth}
    assert read_keys == truth_keys
