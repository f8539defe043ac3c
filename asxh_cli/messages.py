"""Every user-facing sentence, in Vietnamese (default) and English (ASXH_LANG=en)."""

from __future__ import annotations

import os

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- files and reading
    "file.missing": ("Không tìm thấy tệp: {file}", "File not found: {file}"),
    "file.not_a_file": ("Không phải là tệp: {file}", "Not a file: {file}"),
    "file.unsupported": (
        "Tệp {file}: định dạng '{ext}' không được hỗ trợ (chỉ nhận .xlsx, .xlsm, .xls, .csv; sổ đăng ký: .csv, .parquet).",
        "File {file}: format '{ext}' is not supported (only .xlsx, .xlsm, .xls, .csv; register: .csv, .parquet).",
    ),
    "file.encrypted": (
        "Tệp {file} được đặt mật khẩu (mã hóa). Hãy mở bằng Excel, bỏ mật khẩu rồi lưu lại dạng .xlsx.",
        "File {file} is password-protected (encrypted). Open it in Excel, remove the password and save as .xlsx.",
    ),
    "file.corrupt": (
        "Tệp {file} bị hỏng hoặc không phải bảng tính Excel hợp lệ ({detail}).",
        "File {file} is damaged or not a valid Excel workbook ({detail}).",
    ),
    "file.too_large": (
        "Tệp {file} giải nén ra {size_mb} MB, vượt giới hạn {limit_mb} MB (có thể là tệp độc hại dạng 'zip bomb'). Từ chối đọc.",
        "File {file} unpacks to {size_mb} MB, over the {limit_mb} MB limit (possibly a zip bomb). Refused.",
    ),
    "file.encoding": (
        "Tệp {file}: không nhận ra bảng mã ký tự (đã thử UTF-8, UTF-16, Windows-1258, Windows-1252). Hãy lưu lại dạng 'CSV UTF-8' hoặc dùng --encoding.",
        "File {file}: unknown text encoding (tried UTF-8, UTF-16, Windows-1258, Windows-1252). Save it as 'CSV UTF-8' or use --encoding.",
    ),
    "file.empty": ("Tệp {file} không có dữ liệu.", "File {file} has no data."),
    "sheet.missing": (
        "Tệp {file}: không có sheet '{sheet}'. Các sheet có trong tệp: {available}.",
        "File {file}: no sheet '{sheet}'. Sheets in the file: {available}.",
    ),
    "sheet.empty": ("Tệp {file}, sheet '{sheet}': sheet trống.", "File {file}, sheet '{sheet}': the sheet is empty."),
    "sheet.no_header": (
        "Tệp {file}, sheet '{sheet}': không tìm thấy dòng tiêu đề (cần ít nhất cột họ tên hoặc số định danh trong {rows} dòng đầu). Hãy kiểm tra tên cột hoặc dùng --map \"Tên cột=full_name\".",
        "File {file}, sheet '{sheet}': no header row found (need at least a name or ID column in the first {rows} rows). Check the column names or use --map \"Column=full_name\".",
    ),
    "sheet.no_people_sheets": (
        "Tệp {file}: không sheet nào có bảng danh sách nhận ra được.",
        "File {file}: no sheet holds a recognisable list.",
    ),
    "map.bad": (
        "Tùy chọn --map '{value}' không đúng dạng \"Tên cột=trường\". Trường hợp lệ: {fields}.",
        "Option --map '{value}' is not of the form \"Column=field\". Valid fields: {fields}.",
    ),
    "register.no_columns": (
        "Tệp sổ đăng ký {file}: thiếu cột bắt buộc {missing}. Các cột đọc được: {found}.",
        "Register file {file}: missing required column(s) {missing}. Columns read: {found}.",
    ),
    "register.empty": (
        "Trích xuất CSDLQG không có dòng dữ liệu nào: không thể đối sánh.",
        "The register extract has no data rows: nothing to match against.",
    ),
    "register.unusable": (
        "Trích xuất CSDLQG có {rows} dòng nhưng không dòng nào dùng được (thiếu số định danh 12 số, họ tên hoặc năm sinh).",
        "The register extract has {rows} rows but none is usable (no 12-digit ID, name or birth year).",
    ),
    "file.twice": (
        "Tệp {file} được đưa vào hai lần (trùng với {other}): mỗi tệp chỉ đọc một lần, nếu không mỗi người sẽ được chi hai lần.",
        "File {file} is given twice (same as {other}): each file is read once, otherwise everyone would be paid twice.",
    ),
    "list.bad_result": (
        "Tệp {file}, dòng {row}: cột 'Kết quả' có giá trị lạ '{value}' (chỉ nhận Khớp, Cần xác minh, Không tìm thấy).",
        "File {file}, row {row}: 'Kết quả' holds an unknown value '{value}' (only Khớp, Cần xác minh, Không tìm thấy).",
    ),
    "list.bad_key": (
        "Tệp {file}, dòng {row}: thiếu hoặc sai Tệp gốc / Sheet gốc / Dòng gốc.",
        "File {file}, row {row}: missing or wrong Tệp gốc / Sheet gốc / Dòng gốc.",
    ),
    "list.duplicate_key": (
        "Tệp {file}: dòng {row} và dòng {other} cùng chỉ tới một dòng gốc ({key}). Tệp kết quả đã bị sửa hoặc ghép sai.",
        "File {file}: rows {row} and {other} point to the same source row ({key}). The result file was edited or joined wrongly.",
    ),
    "list.bad_id": (
        "Tệp {file}, dòng {row}, cột '{column}': số định danh '{value}' không hợp lệ ({problem}). Hãy mở tệp gốc, sửa rồi chạy lại đối sánh.",
        "File {file}, row {row}, column '{column}': ID '{value}' is not valid ({problem}). Fix it at the source and match again.",
    ),
    "file.format_mismatch": (
        "Tệp {file}: tên mang đuôi '{ext}' nhưng nội dung là {kind}; đã đọc theo nội dung.",
        "File {file}: named '{ext}' but its content is {kind}; read by its content.",
    ),
    "file.html": (
        "Tệp {file} là trang HTML (thường do phần mềm xuất ra với đuôi .xls), không phải bảng tính. Hãy mở bằng Excel rồi lưu lại dạng .xlsx.",
        "File {file} is an HTML page (often exported by software under a .xls name), not a workbook. Open it in Excel and save it as .xlsx.",
    ),
    "csv.broken_quote": (
        'Tệp {file}, dòng {line}: dấu ngoặc kép (") mở mà không đóng, phần sau của tệp sẽ bị đọc sai. Hãy sửa dòng này rồi chạy lại.',
        'File {file}, line {line}: a double quote (") opens a cell that never closes; the rest of the file would be misread. Fix this line and run again.',
    ),
    "sheet.too_large": (
        "Tệp {file}, sheet '{sheet}': có {cells} ô dữ liệu, vượt giới hạn {limit}. Hãy tách danh sách thành nhiều tệp.",
        "File {file}, sheet '{sheet}': holds {cells} cells, over the {limit} limit. Split the list into several files.",
    ),
    "sheet.not_a_list": (
        "Sheet '{sheet}' là ví dụ / hướng dẫn / danh mục, không phải danh sách người: bỏ qua (dùng --sheet \"{sheet}\" để đọc).",
        "Sheet '{sheet}' holds examples / instructions / a catalogue, not a list of people: skipped (use --sheet \"{sheet}\" to read it).",
    ),
    "sheet.hidden_people": (
        "Tệp {file}: sheet ẩn '{sheet}' có {people} người nhưng KHÔNG được đọc. Nếu cần, hiện sheet trong Excel hoặc dùng --sheet \"{sheet}\".",
        "File {file}: hidden sheet '{sheet}' holds {people} people that were NOT read. Unhide it in Excel or use --sheet \"{sheet}\" if needed.",
    ),
    "rows.skipped_person": (
        "Tệp {file}, sheet '{sheet}', dòng {row}: bị bỏ qua ({reason}) nhưng trông giống một người. Hãy kiểm tra.",
        "File {file}, sheet '{sheet}', row {row}: skipped ({reason}) but looks like a person. Please check it.",
    ),
    # --- rules
    "rules.missing_dir": ("Không tìm thấy thư mục quy tắc: {path}", "Rules folder not found: {path}"),
    "rules.missing_file": ("Thiếu tệp quy tắc: {file}", "Rules file missing: {file}"),
    "rules.syntax": ("Tệp quy tắc {file} sai cú pháp TOML: {detail}", "Rules file {file} is not valid TOML: {detail}"),
    "rules.bad_key": (
        "Tệp quy tắc {file}, mục '{key}': {problem}",
        "Rules file {file}, key '{key}': {problem}",
    ),
    # --- output
    "output.not_a_file": (
        "Không ghi được vào {file}: đó không phải một tệp thường (thư mục, thiết bị…). Hãy chọn tên tệp khác.",
        "Cannot write to {file}: it is not a regular file (a folder, a device…). Choose another name.",
    ),
    "output.not_a_folder": (
        "{file} đã có và không phải thư mục: hãy chọn một thư mục để ghi kết quả.",
        "{file} exists and is not a folder: choose a folder for the outputs.",
    ),
    "output.is_input": (
        "Không ghi đè tệp đầu vào: {file}. Hãy chọn tên tệp kết quả khác.",
        "Refusing to overwrite an input file: {file}. Choose another output name.",
    ),
    "output.cannot_write": ("Không ghi được {file}: {detail}", "Cannot write {file}: {detail}"),
    "output.bad_name": (
        "Tên tệp kết quả '{name}' không hợp lệ (chỉ được là một tên tệp trong thư mục {folder}).",
        "Output name '{name}' is not valid (it must be a single file name inside {folder}).",
    ),
    "output.check_failed": (
        "Kiểm tra lại tệp vừa ghi {file} không đạt; chưa thay đổi gì trong thư mục kết quả. Hãy báo lỗi.",
        "Reading back {file} failed its check; nothing in the output folder was changed. Please report it.",
    ),
    "output.locked": (
        "Thư mục {folder} đang được một lần chạy khác ghi (lệnh {command}, tiến trình {pid}, bắt đầu {started}). Đợi lần chạy đó xong rồi chạy lại, hoặc chọn thư mục khác. Nếu chắc chắn không còn lần chạy nào, xóa tệp {lock}.",
        "Folder {folder} is being written by another run (command {command}, process {pid}, started {started}). Wait for it to finish or choose another folder. If no run is active, delete {lock}.",
    ),
    "output.bad_format": (
        "Không ghi được {file}: chỉ hỗ trợ {formats}.",
        "Cannot write {file}: only {formats} are supported.",
    ),
    "accounting.mismatch": (
        "Số dòng không khớp: đọc vào {rows_in} dòng nhưng ghi ra {rows_out} dòng. Kết quả không đáng tin, hãy báo lỗi.",
        "Row accounting failed: {rows_in} rows in but {rows_out} rows out. Do not trust the output; please report it.",
    ),
    "diff.accounting": (
        "Đối chiếu hai kỳ không cân: {detail}. Chưa ghi gì; hãy báo lỗi.",
        "The two payouts do not balance: {detail}. Nothing was written; please report it.",
    ),
    "review.no_sheet": (
        "Tệp {file}: không có sheet '{sheet}' để đọc quyết định rà soát.",
        "File {file}: no '{sheet}' sheet to read review decisions from.",
    ),
    "review.no_column": (
        "Tệp {file}, sheet '{sheet}': thiếu cột {column}.",
        "File {file}, sheet '{sheet}': column {column} is missing.",
    ),
    "list.not_matched": (
        "Tệp {file} không phải danh sách đã đối sánh (thiếu cột {missing}). Dùng tệp ket_qua_doi_sanh.csv do 'asxh match' tạo ra.",
        "File {file} is not a matched list (missing {missing}). Use the ket_qua_doi_sanh.csv written by 'asxh match'.",
    ),
    "survey.not_survey": (
        "Tệp {file} không phải phiếu khảo sát do 'asxh survey make' tạo ra (không có cột 'Phương thức chọn' và 'Dòng gốc').",
        "File {file} is not a survey made by 'asxh survey make' (no 'Phương thức chọn' and 'Dòng gốc' columns).",
    ),
    "survey.columns": (
        "Tệp {file}, sheet '{sheet}': phiếu khảo sát thiếu cột {missing}. Dùng phiếu do 'asxh survey make' tạo ra.",
        "File {file}, sheet '{sheet}': the survey lacks column(s) {missing}. Use a survey made by 'asxh survey make'.",
    ),
    # --- generic
    "error.prefix": ("Lỗi", "Error"),
    "error.unexpected": (
        "Lỗi không mong đợi ({kind}). Dữ liệu đầu vào không bị thay đổi. Chi tiết kỹ thuật (không có dữ liệu cá nhân) đã ghi vào {log}; hãy gửi tệp này kèm lệnh đã chạy khi báo lỗi.",
        "Unexpected error ({kind}). No input was changed. Technical details (no personal data) are in {log}; please send that file with the command you ran when reporting it.",
    ),
    "error.no_log": ("(không ghi được tệp nhật ký)", "(the log file could not be written)"),
    "error.interrupted": (
        "Đã dừng theo yêu cầu (Ctrl-C).",
        "Stopped on request (Ctrl-C).",
    ),
    "file.os_error": ("Không đọc/ghi được tệp {file}: {reason}.", "Cannot read or write {file}: {reason}."),
    "os.no_space": ("ổ đĩa đã đầy", "the disk is full"),
    "os.no_permission": ("không có quyền truy cập", "permission denied"),
    "os.read_only": ("ổ đĩa chỉ cho phép đọc", "the disk is read-only"),
}


def language() -> str:
    """Current interface language: 'en' when ASXH_LANG starts with 'en', else 'vi'."""
    return "en" if os.environ.get("ASXH_LANG", "vi").lower().startswith("en") else "vi"


def msg(key: str, /, **values: object) -> str:
    """Return the sentence `key` in the current language, filled with `values`."""
    vi, en = CATALOGUE[key]
    text = en if language() == "en" else vi
    return text.format(**values) if values else text


def pick(vi: str, en: str) -> str:
    """Choose between two inline texts by the current language (for table headers and labels)."""
    return en if language() == "en" else vi
