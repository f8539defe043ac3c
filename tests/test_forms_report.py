"""The weekly report as an official document, with counts equal to what export puts on each list."""

from __future__ import annotations

import datetime as dt

import openpyxl

from asxh_cli.export.phu_luc_2 import export_payout
from asxh_cli.export.template import load_template
from asxh_cli.payout import EXCEPTION, assign_lists, load_list
from asxh_cli.report import report_week, weekly_report, write_report

HEADER = "Họ và tên,Xã/Phường,Đối tượng,Mức trợ cấp (đồng/tháng),Hình thức nhận,Số tài khoản,Ngân hàng,"
HEADER += "Tệp gốc,Sheet gốc,Dòng gốc,Kết quả,Tình trạng CSDLQG,Số định danh CSDLQG\n"
ROWS = [
    "Người A,Xã Long Sơn,Người cao tuổi,500000,Tài khoản chính chủ,0123456789,Agribank,ds.csv,ds,2,Khớp,Còn sống,079150000001",
    "Người B,Xã Long Sơn,Người cao tuổi,500000,Tài khoản chính chủ,0123456780,BIDV,ds.csv,ds,3,Khớp,Còn sống,079150000002",
    "Người C,Xã Long Sơn,Người cao tuổi,500000,Chưa có tài khoản,,,ds.csv,ds,4,Khớp,Còn sống,079150000003",
    "Người D,Phường Phước Thắng,Hộ nghèo,300000,Tài khoản chính chủ,0123456781,MB,ds.csv,ds,5,Khớp,Còn sống,079150000004",
    "Người E,Phường Phước Thắng,Hộ nghèo,300000,Tài khoản chính chủ,0123456782,MB,ds.csv,ds,6,Khớp,Đã chết,079150000005",
    "Người F,Phường Phước Thắng,Hộ nghèo,300000,Tiền mặt,,,ds.csv,ds,7,Không tìm thấy,,",
]


def test_week_ends_on_wednesday():
    assert report_week(dt.date(2026, 2, 2)) == (dt.date(2026, 1, 29), dt.date(2026, 2, 4))
    assert report_week(dt.date(2026, 2, 4)) == (dt.date(2026, 1, 29), dt.date(2026, 2, 4))


def test_report_is_an_official_document_with_the_export_counts(rules, tmp_path):
    listed = tmp_path / "ds.csv"
    listed.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    frame = load_list(listed)
    report = weekly_report(frame, rules, day=dt.date(2026, 2, 2))
    target = tmp_path / "bao_cao.xlsx"
    write_report(report, target, "BÁO CÁO TIẾN ĐỘ")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", "Biểu đồ", "Chi tiết"]
    sheet = book["Tổng hợp"]
    values = list(sheet.iter_rows(values_only=True))
    texts = [str(v) for row in values for v in row if v is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts and "Độc lập - Tự do - Hạnh phúc" in texts
    assert values[1][0] == "SỞ Y TẾ"  # two communes: the combined agency
    assert "Tuần từ ngày 29/01/2026 đến ngày 04/02/2026 (báo cáo thứ Tư 04/02/2026)" in texts
    assert "TP. Hồ Chí Minh, ngày 02 tháng 02 năm 2026" in texts
    assert "NGƯỜI LẬP BÁO CÁO" in texts and "TM. ỦY BAN NHÂN DÂN" in texts and "CHỦ TỊCH" in texts
    header = list(values[6])
    total = next(row for row in values if row[0] == "Tổng cộng")
    written = export_payout(
        assign_lists(frame, rules), rules, load_template(rules), tmp_path / "pl2", "", False, report.day
    )
    by_list = {w.list_code: w.people for w in written}
    names = {m.code: m.short for m in rules.methods}
    for code, people in by_list.items():
        column = "Ngoại lệ phải xử lý" if code == EXCEPTION else names[code]
        assert total[header.index(column)] == people, column
    assert total[header.index("Tổng số")] == len(ROWS)
    assert total[header.index("Không dùng tiền mặt")] == by_list["TK_CHINH_CHU"]
    communes = [row[0] for row in values[8:] if row[0] in ("Xã Long Sơn", "Phường Phước Thắng")]
    assert len(communes) == 2
    width = sheet.column_dimensions["A"].width
    assert width >= len("Phường Phước Thắng")  # commune names are not cut
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$7:$8"
    chart = book["Biểu đồ"]
    assert chart._charts and chart.sheet_properties.pageSetUpPr.fitToPage
    assert chart.page_setup.fitToHeight in (None, 1) and chart.page_setup.fitToWidth in (None, 1)  # 1 is the default
