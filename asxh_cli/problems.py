"""Problem codes found while cleaning and validating: severity and plain-language explanations."""

from __future__ import annotations

from asxh_cli.messages import language

ERROR, WARNING, REPAIR = "error", "warning", "repair"

# code → (severity, Vietnamese explanation and fix, English explanation and fix)
PROBLEMS: dict[str, tuple[str, str, str]] = {
    "name-missing": (ERROR, "Thiếu họ tên. Điền đầy đủ họ, chữ đệm và tên.", "Name is missing. Fill in the full name."),
    "date-missing": (
        ERROR,
        "Thiếu ngày sinh. Điền ngày sinh (dd/mm/yyyy) hoặc ít nhất năm sinh.",
        "Birth date is missing. Fill in dd/mm/yyyy or at least the year.",
    ),
    "date-impossible": (
        ERROR,
        "Ngày sinh không có thật (ví dụ 31/02). Kiểm tra lại theo giấy tờ.",
        "Birth date does not exist (e.g. 31/02). Check it against the papers.",
    ),
    "date-future": (
        ERROR,
        "Ngày sinh ở tương lai. Kiểm tra lại năm sinh.",
        "Birth date is in the future. Check the year.",
    ),
    "date-too-old": (ERROR, "Tuổi trên 120. Kiểm tra lại năm sinh.", "Age over 120. Check the year."),
    "date-unreadable": (
        ERROR,
        "Không đọc được ngày sinh. Ghi theo dạng dd/mm/yyyy, mm/yyyy hoặc yyyy.",
        "Birth date unreadable. Write dd/mm/yyyy, mm/yyyy or yyyy.",
    ),
    "id-province": (
        ERROR,
        "Ba số đầu của số định danh không phải mã tỉnh hợp lệ. Đối chiếu lại với thẻ căn cước.",
        "The first three digits are not a valid province code. Check the ID card.",
    ),
    "id-century": (
        ERROR,
        "Chữ số thứ 4 của số định danh (thế kỷ, giới tính) không hợp lệ. Đối chiếu lại với thẻ căn cước.",
        "The 4th digit (century and sex) is invalid. Check the ID card.",
    ),
    "id-length": (
        ERROR,
        "Số định danh phải có 12 chữ số (CMND cũ: 9 chữ số). Đối chiếu lại với thẻ căn cước.",
        "The ID must have 12 digits (old CMND: 9). Check the ID card.",
    ),
    "id-missing-digit": (
        ERROR,
        "Số định danh thiếu chữ số (đã có số 0 đầu nhưng chưa đủ 12 số, CMND cũ 9 số). Đối chiếu lại với thẻ căn cước.",
        "The ID is missing a digit (it starts with 0 but has fewer than 12 digits, old CMND 9). Check the ID card.",
    ),
    "id-not-digits": (
        ERROR,
        "Số định danh chứa ký tự không phải chữ số. Chỉ ghi các chữ số.",
        "The ID holds characters other than digits. Write digits only.",
    ),
    "id-digits-lost": (
        ERROR,
        "Excel đã làm mất chữ số của số định danh (dạng 7,7E+10). Định dạng cột là Văn bản (Text) rồi nhập lại từ giấy tờ.",
        "Excel lost digits of the ID (shown as 7.7E+10). Format the column as Text and type the ID again.",
    ),
    "id-missing": (
        WARNING,
        "Thiếu số định danh; sẽ tìm theo họ tên và ngày sinh. Nên bổ sung số định danh 12 số.",
        "ID missing; will be searched by name and birth date. Add the 12-digit ID.",
    ),
    "id-old-cmnd": (
        WARNING,
        "Đang ghi số CMND cũ (9 số). Cần cập nhật số định danh cá nhân 12 số.",
        "An old 9-digit CMND is written. Update it to the 12-digit personal ID.",
    ),
    "id-sex-mismatch": (
        WARNING,
        "Giới tính theo số định danh (chữ số thứ 4) khác giới tính trong danh sách. Kiểm tra số định danh hoặc cột giới tính.",
        "Sex encoded in the ID (4th digit) differs from the list's sex. Check the ID or the sex column.",
    ),
    "id-year-mismatch": (
        WARNING,
        "Năm sinh theo số định danh (chữ số 4–6) khác năm sinh trong danh sách. Kiểm tra lại.",
        "Birth year encoded in the ID (digits 4–6) differs from the list's birth year. Check both.",
    ),
    "id-is-account": (
        WARNING,
        "Cột số định danh có vẻ chứa số tài khoản ngân hàng. Kiểm tra lại hai cột.",
        "The ID column seems to hold a bank account number. Check both columns.",
    ),
    "account-is-id": (
        WARNING,
        "Số tài khoản trùng với số định danh. Có thể đã nhập nhầm cột.",
        "The account number equals the ID. The columns may be swapped.",
    ),
    "account-digits-lost": (
        WARNING,
        "Excel đã làm mất chữ số của số tài khoản (dạng 1,2E+15). Định dạng cột là Văn bản rồi nhập lại.",
        "Excel lost digits of the account number. Format the column as Text and type it again.",
    ),
    "account-not-digits": (
        WARNING,
        "Số tài khoản chứa ký tự không phải chữ số.",
        "The account number holds non-digits.",
    ),
    "account-length": (
        WARNING,
        "Độ dài số tài khoản bất thường. Kiểm tra lại với ngân hàng.",
        "Unusual account-number length. Check with the bank.",
    ),
    "account-precision": (
        WARNING,
        "Số tài khoản dài từ 16 chữ số và tận cùng bằng 0: có thể Excel đã làm tròn. Kiểm tra lại.",
        "A 16+ digit account number ending in 0 may have been rounded by Excel. Check it.",
    ),
    "bank-unknown": (
        WARNING,
        "Không nhận ra tên ngân hàng. Ghi tên ngân hàng theo danh mục (ví dụ Agribank, Vietcombank) hoặc bổ sung bí danh vào rules/banks.toml.",
        "Bank not recognised. Use a listed bank name or add an alias to rules/banks.toml.",
    ),
    "method-unknown": (
        WARNING,
        "Không nhận ra hình thức nhận. Ghi theo danh mục phương thức hoặc bổ sung bí danh vào rules/payment_methods.toml.",
        "Payment method not recognised. Use a listed method or add an alias to rules/payment_methods.toml.",
    ),
    "category-unknown": (
        WARNING,
        "Không nhận ra nhóm đối tượng. Bổ sung bí danh vào rules/categories.toml nếu cần.",
        "Category not recognised. Add an alias to rules/categories.toml if needed.",
    ),
    "sex-unknown": (WARNING, "Không đọc được giới tính (ghi Nam hoặc Nữ).", "Sex unreadable (write Nam or Nữ)."),
    "sex-conflict": (
        WARNING,
        "Giới tính theo cột ngày sinh Nam/Nữ khác cột giới tính.",
        "Sex by the Nam/Nữ birth column differs from the sex column.",
    ),
    "birth-two-columns": (
        WARNING,
        "Ngày sinh được ghi ở cả cột Nam và cột Nữ. Xóa ở cột sai.",
        "Birth date written in both the Nam and Nữ columns. Clear the wrong one.",
    ),
    "amount-unreadable": (
        ERROR,
        "Không đọc được số tiền. Ghi số đồng bằng chữ số, ví dụ 500.000 hoặc 500000.",
        "Amount unreadable. Write the amount in digits, e.g. 500.000 or 500000.",
    ),
    "amount-missing": (
        WARNING,
        "Thiếu số tiền; người này chưa được đưa vào danh sách chi trả cho đến khi bổ sung.",
        "Amount missing; this person is on no payment list until it is filled in.",
    ),
    "amount-negative": (
        ERROR,
        "Số tiền âm. Ghi số tiền được chi (lớn hơn 0).",
        "Negative amount. Write the amount paid.",
    ),
    "amount-zero": (ERROR, "Số tiền bằng 0. Ghi số tiền được chi.", "Amount is zero. Write the amount paid."),
    "amount-fraction": (
        ERROR,
        "Số tiền có phần lẻ dưới 1 đồng (có thể do công thức chia). Ghi số đồng chẵn.",
        "The amount has a fraction of a đồng (often from a division formula). Write whole đồng.",
    ),
    "amount-rounded": (
        WARNING,
        "Số tiền có phần lẻ dưới 1 đồng; đã làm tròn theo rules/amounts.toml. Kiểm tra lại.",
        "The amount had a fraction of a đồng and was rounded (rules/amounts.toml). Check it.",
    ),
    "amount-too-large": (
        ERROR,
        "Số tiền quá dài (từ 16 chữ số), không thể là một khoản chi. Kiểm tra lại ô này.",
        "The amount is too long (16 digits or more) to be a payment. Check the cell.",
    ),
    "amount-too-low": (
        ERROR,
        "Số tiền thấp bất thường với nhóm đối tượng này (có thể ghi theo nghìn đồng). Xem khoảng hợp lệ trong rules/amounts.toml.",
        "The amount is implausibly low for this category (written in thousands?). See rules/amounts.toml.",
    ),
    "amount-too-high": (
        ERROR,
        "Số tiền cao bất thường với nhóm đối tượng này (có thể thừa chữ số). Xem khoảng hợp lệ trong rules/amounts.toml.",
        "The amount is implausibly high for this category (extra digits?). See rules/amounts.toml.",
    ),
    "duplicate": (
        WARNING,
        "Người này xuất hiện nhiều lần (cùng số định danh, hoặc cùng họ tên và ngày sinh): {other}.",
        "This person appears more than once (same ID, or same name and birth date): {other}.",
    ),
    "survey-row-unknown": (
        ERROR,
        "Dòng phiếu không khớp dòng nào của danh sách (cột Tệp gốc/Sheet gốc/Dòng gốc bị sửa hoặc xóa). Không sửa các cột này.",
        "The survey row matches no list row (Tệp gốc/Sheet gốc/Dòng gốc were changed). Do not edit these columns.",
    ),
    "survey-row-changed": (
        ERROR,
        "Người ở dòng danh sách này đã khác người trên phiếu (mã kiểm tra không khớp: danh sách đã bị sửa hoặc chèn dòng sau khi in phiếu). Câu trả lời không được áp dụng; hãy in lại phiếu cho người này.",
        "The list row now holds someone else than the person on the survey (check code differs: the list was edited after printing). Answer not applied; print a new survey for this person.",
    ),
    "survey-conflict": (
        ERROR,
        "Hai phiếu ghi khác nhau cho cùng một người: không áp dụng phiếu nào. Giữ lại một phiếu đúng rồi đọc lại.",
        "Two surveys disagree about the same person: neither is applied. Keep the right one and read again.",
    ),
    "survey-method-missing": (
        ERROR,
        "Có trả lời nhưng chưa chọn phương thức nhận. Chọn một phương thức trong danh sách.",
        "Answers given but no payment method chosen. Choose one from the list.",
    ),
    "survey-method-unknown": (
        ERROR,
        "Không hiểu phương thức nhận đã ghi. Chọn trong danh sách thả xuống.",
        "Payment method not understood. Choose from the drop-down list.",
    ),
    "survey-account": (
        ERROR,
        "Phương thức qua tài khoản cần số tài khoản chỉ gồm chữ số, độ dài hợp lý.",
        "An account method needs an account number of digits with a plausible length.",
    ),
    "survey-bank": (
        ERROR,
        "Phương thức qua tài khoản cần tên ngân hàng trong danh mục.",
        "An account method needs a listed bank.",
    ),
    "survey-proxy-name": (
        ERROR,
        "Nhận qua người được ủy quyền cần họ tên người được ủy quyền.",
        "The authorised person's name is required.",
    ),
    "survey-proxy-id": (
        ERROR,
        "Số định danh người được ủy quyền phải là số định danh 12 số hợp lệ.",
        "The authorised person's ID must be a valid 12-digit ID.",
    ),
    "survey-phone": (ERROR, "Ví điện tử cần số điện thoại 10 chữ số.", "An e-wallet needs a 10-digit phone number."),
    "survey-reason": (
        ERROR,
        "Nhận tiền mặt phải ghi lý do không nhận qua tài khoản (theo hướng dẫn).",
        "Cash needs the reason for not using an account (required by the guidance).",
    ),
    "id-leading-zero": (REPAIR, "Đã khôi phục số 0 đầu bị Excel làm mất.", "Restored the leading zero Excel dropped."),
    "id-stripped": (
        REPAIR,
        "Đã bỏ dấu cách, dấu chấm, tiền tố trong số định danh.",
        "Removed spaces, dots and prefixes from the ID.",
    ),
    "id-scientific": (
        REPAIR,
        "Đã chuyển số định danh dạng khoa học (E+) về đủ chữ số.",
        "Expanded a scientific-notation ID.",
    ),
    "date-serial": (
        REPAIR,
        "Đã chuyển số ngày kiểu Excel thành ngày tháng.",
        "Converted an Excel serial number to a date.",
    ),
    "date-month-first": (
        REPAIR,
        "Ngày sinh ghi tháng trước ngày (mm/dd/yyyy); đã đổi về dd/mm/yyyy.",
        "Birth date was month-first (mm/dd/yyyy); converted to dd/mm/yyyy.",
    ),
    "text-tcvn3": (
        REPAIR,
        "Đã chuyển chữ phông TCVN3 (.VnTime) sang Unicode.",
        "Converted TCVN3 (.VnTime) text to Unicode.",
    ),
    "text-vni": (REPAIR, "Đã chuyển chữ phông VNI sang Unicode.", "Converted VNI text to Unicode."),
    "text-controls": (
        REPAIR,
        "Đã bỏ ký tự điều khiển (xuống dòng, tab, ký tự ẩn) trong ô.",
        "Removed control characters (line breaks, tabs, hidden characters) from the cell.",
    ),
    "name-formatted": (
        REPAIR,
        "Đã chuẩn hóa họ tên (khoảng trắng, chữ hoa đầu từ, dấu thanh).",
        "Normalised the name (spacing, capitals, tone placement).",
    ),
    "commune-from-sheet": (
        REPAIR,
        "Xã/phường lấy theo tên sheet (mỗi sheet một xã/phường).",
        "Commune taken from the sheet name (one sheet per commune).",
    ),
    "sex-from-layout": (REPAIR, "Giới tính lấy theo cột ngày sinh Nam/Nữ.", "Sex taken from the Nam/Nữ birth column."),
}


def severity(code: str) -> str:
    return PROBLEMS[code][0]


def explain(code: str, **values: object) -> str:
    """Plain-language explanation and fix for `code` in the interface language."""
    _, vi, en = PROBLEMS[code]
    text = en if language() == "en" else vi
    return text.format(**values) if values else text


def severity_label(level: str) -> str:
    labels = {ERROR: ("Lỗi", "Error"), WARNING: ("Cảnh báo", "Warning"), REPAIR: ("Đã sửa", "Repaired")}
    vi, en = labels[level]
    return en if language() == "en" else vi
